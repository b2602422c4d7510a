"""The rule table of ruleset mbc-recurrence 1.0 (contract section 4).

Each rule names the code it emits, its kind, the document and section it comes from,
the condition over the derived facts, and the facts it rests on ("because"). Titles and
details paraphrase the source document; nothing here goes beyond it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .facts import Facts, whole_months_between
from .schema import KINDS, SITE_LABELS, WORKUP_ITEMS, WORKUP_LABELS

GUIDELINE = "guideline-recurrence-2025"
PATIENT_GUIDE = "patient-guide-recurrence-2015"

S_WORKUP = "Initial Assessment and Workup"
S_LRR = "Treatment Algorithm Based on Recurrence Type: Isolated Local-Regional Recurrence"
S_MET = "Treatment Algorithm Based on Recurrence Type: Systemic/Metastatic Disease"
S_HR_POS = "Systemic/Metastatic Disease: For Hormone Receptor-Positive Disease"
S_PREMENO = "For Hormone Receptor-Positive Disease: Premenopausal patients"
S_POSTMENO = "For Hormone Receptor-Positive Disease: Postmenopausal patients"
S_CHEMO = "For Hormone Receptor-Negative or Endocrine-Resistant Disease"
S_HER2 = "For HER2-Positive Disease"
S_SUPPORT = "Supportive Care Measures"
S_RESPONSE = "Response Evaluation and Monitoring"
S_PROGNOSIS = "Prognostic Factors"
S_PITFALLS = "Critical Pitfalls to Avoid"
S_GUIDE_RECURRENCE = "Treatment for Breast Cancer Recurrence"
S_GUIDE_OPTIONS = "Treatment Options for Recurrence"

BOTH = "both"
LOCOREGIONAL = "isolated_locoregional"
METASTATIC = "metastatic"

Condition = Callable[[Facts], bool]
Because = Callable[[Facts], list[str]]
Text = str | Callable[[Facts], str]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    code: str
    kind: str | Callable[[Facts], str]
    scope: str
    source: str
    section: str
    when: Condition
    title: str
    detail: Text
    because: Because

    def kind_for(self, facts: Facts) -> str:
        return self.kind(facts) if callable(self.kind) else self.kind

    def detail_for(self, facts: Facts) -> str:
        return self.detail(facts) if callable(self.detail) else self.detail


# --- how facts are put into words -------------------------------------------------------


def _sites(names: tuple[str, ...]) -> str:
    return ", ".join(SITE_LABELS[n] for n in names)


def category_fact(f: Facts) -> str:
    if f.category == "isolated_locoregional":
        return (
            f"isolated local-regional recurrence (all sites local-regional: {_sites(f.site_names)})"
        )
    if f.case.presentation == "de_novo_stage_iv":
        return f"de novo stage IV disease (distant sites: {_sites(f.distant_sites)})"
    return f"metastatic recurrence (distant sites: {_sites(f.distant_sites)})"


def hr_fact(f: Facts) -> str:
    return f"hormone receptor {f.hr} (ER {f.case.er}, PR {f.case.pr})"


def her2_fact(f: Facts) -> str:
    c = f.case
    ish = {
        "amplified": "ISH amplified",
        "not_amplified": "ISH not amplified",
        "not_done": "ISH not done",
    }
    return f"HER2 {f.her2} (IHC {c.her2_ihc}, {ish[c.her2_ish]})"


def menopausal_fact(f: Facts) -> str:
    return {
        "premenopausal": "premenopausal",
        "postmenopausal": "postmenopausal",
        "unknown": "menopausal status unknown",
    }[f.case.menopausal_status]


def tamoxifen_fact(f: Facts) -> str:
    c = f.case
    if not c.prior_tamoxifen:
        return "no prior tamoxifen"
    if c.tamoxifen_end_date is None:
        return "still taking tamoxifen at recurrence"
    months = whole_months_between(c.tamoxifen_end_date, c.recurrence_date)
    when = "12 or fewer" if months <= 12 else "more than 12"
    return f"tamoxifen stopped {months} months before the recurrence ({when})"


def crisis_fact(f: Facts) -> str:
    return "visceral crisis" if f.case.visceral_crisis else "no visceral crisis"


def resistance_fact(f: Facts) -> str:
    return "endocrine resistance" if f.case.endocrine_resistance else "no endocrine resistance"


def ecog_fact(f: Facts) -> str:
    return "ECOG not recorded" if f.case.ecog is None else f"ECOG {f.case.ecog}"


def resectable_fact(f: Facts) -> str:
    return {
        True: "judged resectable",
        False: "judged not resectable",
        None: "resectability not yet judged",
    }[f.case.resectable]


def radiotherapy_fact(f: Facts) -> str:
    if f.case.prior_breast_radiotherapy:
        return "breast or chest wall irradiated before"
    return "no prior breast or chest wall radiotherapy"


def lesions_fact(f: Facts) -> str:
    counts = ", ".join(
        f"{SITE_LABELS[s.site]} {s.lesions}" for s in f.case.sites if s.site in f.distant_sites
    )
    noun = "lesion" if f.distant_lesions == 1 else "lesions"
    return f"{f.distant_lesions} distant {noun} in all ({counts}), 5 or fewer"


def chemo_reasons(f: Facts) -> list[str]:
    out = []
    if f.hr == "negative":
        out.append(hr_fact(f))
    if f.case.endocrine_resistance:
        out.append("endocrine resistance")
    if f.case.visceral_crisis:
        out.append("visceral crisis")
    return out


def needs_chemotherapy(f: Facts) -> bool:
    return f.hr == "negative" or f.case.endocrine_resistance or f.case.visceral_crisis


def endocrine_first_line(f: Facts) -> bool:
    return f.hr == "positive" and not f.case.visceral_crisis and not f.case.endocrine_resistance


def _endocrine_because(f: Facts) -> list[str]:
    return [hr_fact(f), crisis_fact(f), resistance_fact(f)]


_LABS = "blood count, liver and renal function, alkaline phosphatase and calcium."
_WORKUP_PURPOSE = {
    "chest_imaging": "a chest X-ray to look for visceral disease.",
    "abdominal_imaging": "abdominal ultrasound or CT to look for visceral disease.",
}


def _workup_missing(item: str) -> Condition:
    return lambda f: not getattr(f.case.workup, item)


def _workup_reason(item: str) -> Because:
    return lambda f: [f"{WORKUP_LABELS[item]} not yet done"]


# --- the table --------------------------------------------------------------------------

_WORKUP_RULES = [
    Rule(
        id=f"R-WU-{i:02d}",
        code=f"WORKUP_{item.upper()}",
        kind="workup",
        scope=BOTH,
        source=GUIDELINE,
        section=S_WORKUP,
        when=_workup_missing(item),
        title=f"Obtain {WORKUP_LABELS[item]}",
        detail=(
            "Part of the assessment the guideline asks for before any treatment starts: "
            + _WORKUP_PURPOSE.get(item, _LABS)
        ),
        because=_workup_reason(item),
    )
    for i, item in enumerate(WORKUP_ITEMS[:7], start=1)
]

RULES: tuple[Rule, ...] = (
    *_WORKUP_RULES,
    Rule(
        "R-WU-08",
        "WORKUP_BONE_SCAN",
        "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        lambda f: f.case.bone_pain and not f.case.workup.bone_scan,
        "Obtain bone scintigraphy",
        "A bone scan is indicated when symptoms suggest bone metastases.",
        lambda f: ["bone pain suggesting bone metastases", "bone scintigraphy not yet done"],
    ),
    Rule(
        "R-WU-09",
        "WORKUP_BRAIN_IMAGING",
        "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        lambda f: f.case.neurological_symptoms and not f.case.workup.brain_imaging,
        "Obtain brain imaging (CT or MRI)",
        "Brain imaging belongs to the workup only when there are neurological symptoms.",
        lambda f: ["neurological symptoms", "brain imaging not yet done"],
    ),
    Rule(
        "R-WU-10",
        "HISTOLOGY_CONFIRMATION",
        "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        lambda f: not f.case.histology_confirmed,
        "Confirm the recurrence by histology or cytology",
        "Confirm the recurrence histopathologically or cytologically whenever it is feasible.",
        lambda f: ["recurrence not yet confirmed by histology or cytology"],
    ),
    Rule(
        "R-WU-11",
        "RECEPTOR_REASSESSMENT",
        "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        lambda f: (
            (f.case.presentation == "recurrence" and f.case.receptors_tested_on == "primary")
            or f.case.er == "unknown"
            or f.case.pr == "unknown"
            or f.her2 == "unknown"
        ),
        "Reassess ER, PR and HER2 on the recurrent tissue",
        lambda f: (
            "Test oestrogen receptor, progesterone receptor and HER2 on the recurrent or metastatic "
            "tissue. Do not delay it: receptor status can change between the primary tumour and the "
            "recurrence (a pitfall the guideline names)."
            + (
                " The hormone receptor status is unknown, so the choice between endocrine therapy "
                "and chemotherapy waits for this result."
                if f.metastatic and f.hr == "unknown" and not needs_chemotherapy(f)
                else ""
            )
        ),
        lambda f: [
            text
            for text, holds in (
                (
                    "recurrence with receptors tested on the primary tumour only",
                    f.case.presentation == "recurrence" and f.case.receptors_tested_on == "primary",
                ),
                ("ER unknown", f.case.er == "unknown"),
                ("PR unknown", f.case.pr == "unknown"),
                (f"HER2 unknown (IHC {f.case.her2_ihc})", f.her2 == "unknown"),
            )
            if holds
        ],
    ),
    Rule(
        "R-WU-12",
        "HER2_ISH_CONFIRMATION",
        "workup",
        BOTH,
        GUIDELINE,
        S_HER2,
        lambda f: f.her2 == "equivocal",
        "Confirm HER2 by in-situ hybridisation (FISH or CISH)",
        "HER2-directed treatment applies to HER2 overexpression confirmed by FISH or CISH; an "
        "IHC 2+ result needs that confirmation before HER2 status is known.",
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-WU-13",
        "PERFORMANCE_STATUS_ASSESSMENT",
        "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        lambda f: f.case.ecog is None,
        "Assess performance status",
        "Performance status guides how intensive the treatment can be.",
        lambda f: ["ECOG performance status not recorded"],
    ),
    Rule(
        "R-WU-14",
        "MENOPAUSAL_STATUS_ASSESSMENT",
        "workup",
        METASTATIC,
        GUIDELINE,
        S_WORKUP,
        lambda f: f.hr == "positive" and f.case.menopausal_status == "unknown",
        "Establish the current menopausal status",
        "The endocrine treatment of hormone receptor-positive metastatic disease differs before "
        "and after the menopause; the history should establish the current status.",
        lambda f: [category_fact(f), hr_fact(f), "menopausal status unknown"],
    ),
    # Isolated local-regional recurrence
    Rule(
        "R-LRR-01",
        "LRR_CURATIVE_INTENT",
        "treatment",
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        lambda f: True,
        "Treat with curative intent, like a new primary breast cancer",
        "An isolated local-regional recurrence is potentially curable, whether it is in the breast "
        "after breast-conserving therapy or in the chest wall or regional nodes after mastectomy.",
        lambda f: [category_fact(f)],
    ),
    Rule(
        "R-LRR-02",
        "LRR_RADICAL_RESECTION",
        "treatment",
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        lambda f: f.case.resectable is not False,
        "Radical surgical resection",
        "Resect radically where it is technically feasible.",
        lambda f: [category_fact(f), resectable_fact(f)],
    ),
    Rule(
        "R-LRR-03",
        "LRR_MASTECTOMY_AFTER_BCT",
        "treatment",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        lambda f: (
            f.case.resectable is not False
            and "breast" in f.locoregional_sites
            and f.case.prior_breast_surgery == "breast_conserving"
        ),
        "Mastectomy for an in-breast recurrence after breast-conserving therapy",
        "Breast conservation cannot be repeated: the first treatment gave the breast the maximum "
        "radiation dose, so the recurrence is treated by mastectomy.",
        lambda f: [
            "recurrence in the same breast",
            "prior breast-conserving surgery",
            resectable_fact(f),
        ],
    ),
    Rule(
        "R-LRR-04",
        "NEOADJUVANT_SYSTEMIC_THERAPY",
        "treatment",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        lambda f: f.case.resectable is False,
        "Chemotherapy before surgery (neoadjuvant)",
        "When the recurrence cannot be resected now, chemotherapy can be given before surgery, with "
        "or without radiotherapy afterwards.",
        lambda f: [category_fact(f), resectable_fact(f)],
    ),
    Rule(
        "R-LRR-05",
        "NEOADJUVANT_RESPONSE_MONITORING",
        "monitoring",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        lambda f: f.case.resectable is False,
        "Check the response before the planned chemotherapy ends",
        "Recurrences are more often resistant to chemotherapy; check that the neoadjuvant treatment "
        "is working before the scheduled course is finished rather than continuing an ineffective one.",
        lambda f: [resectable_fact(f), "chemotherapy before surgery planned"],
    ),
    Rule(
        "R-LRR-06",
        "LRR_ADJUVANT_SYSTEMIC",
        "treatment",
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        lambda f: True,
        "Adjuvant systemic therapy by tumour characteristics",
        lambda f: (
            "After surgery, give adjuvant therapy chosen by the tumour's characteristics "
            "(chemotherapy, hormonal therapy and/or radiotherapy)."
            + (
                " The tumour is hormone receptor positive, so hormonal therapy is part of it."
                if f.hr == "positive"
                else ""
            )
        ),
        lambda f: [category_fact(f), hr_fact(f), her2_fact(f)],
    ),
    Rule(
        "R-LRR-07",
        "LRR_RADIOTHERAPY",
        "treatment",
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        lambda f: not f.case.prior_breast_radiotherapy,
        "Radiotherapy as part of the curative treatment",
        "Radiotherapy is among the adjuvant treatments after resection; the area has not been "
        "irradiated before.",
        lambda f: [category_fact(f), radiotherapy_fact(f)],
    ),
    Rule(
        "R-LRR-08",
        "WARN_PRIOR_RADIOTHERAPY",
        "warning",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        lambda f: f.case.prior_breast_radiotherapy,
        "The irradiated area cannot take a further full dose",
        "The maximum radiation dose was given with the first treatment; more radiation to the same "
        "site risks complications.",
        lambda f: [radiotherapy_fact(f)],
    ),
    Rule(
        "R-LRR-09",
        "WARN_UNDERTREATMENT_LRR",
        "warning",
        LOCOREGIONAL,
        GUIDELINE,
        S_PITFALLS,
        lambda f: True,
        "Do not undertreat: curative, not palliative, treatment",
        "An isolated local-regional recurrence should receive aggressive treatment with curative "
        "intent, not palliative treatment.",
        lambda f: [category_fact(f)],
    ),
    Rule(
        "R-LRR-10",
        "CONTRALATERAL_MASTECTOMY_DISCUSS",
        "consider",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        lambda f: "breast" in f.locoregional_sites,
        "Discuss risk-reducing mastectomy of the other breast",
        "After a recurrence in the same breast, some women choose a risk-reducing (prophylactic) "
        "mastectomy of the other breast; it should follow counselling on its emotional and "
        "psychological consequences.",
        lambda f: ["recurrence in the same breast"],
    ),
    # Metastatic disease
    Rule(
        "R-MET-01",
        "MET_PALLIATIVE_INTENT",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_MET,
        lambda f: True,
        "Palliative intent: quality of life and longer survival",
        "Treatment of systemic or metastatic disease is palliative; its goals are better quality of "
        "life and longer survival. Hormone receptor and HER2 status decide the systemic treatment.",
        lambda f: [category_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-01",
        "ENDOCRINE_FIRST_LINE",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_HR_POS,
        endocrine_first_line,
        "Endocrine therapy first line",
        "Start with endocrine therapy unless rapidly progressive, life-threatening visceral disease "
        "needs an immediate response.",
        _endocrine_because,
    ),
    Rule(
        "R-MET-ENDO-02",
        "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_PREMENO,
        lambda f: (
            endocrine_first_line(f)
            and f.case.menopausal_status == "premenopausal"
            and not f.recent_tamoxifen
        ),
        "Tamoxifen with ovarian ablation",
        "Before the menopause, with no adjuvant tamoxifen or tamoxifen stopped more than 12 months "
        "ago: tamoxifen with ovarian ablation (LHRH analogue, surgery or radiation).",
        lambda f: [hr_fact(f), menopausal_fact(f), tamoxifen_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-03",
        "ENDO_AI_OVARIAN_SUPPRESSION",
        lambda f: "treatment" if f.recent_tamoxifen else "consider",
        METASTATIC,
        GUIDELINE,
        S_PREMENO,
        lambda f: endocrine_first_line(f) and f.case.menopausal_status == "premenopausal",
        "Aromatase inhibitor after or with ovarian ablation",
        lambda f: (
            "Before the menopause, a third-generation aromatase inhibitor may be given after or "
            "together with ovarian ablation."
            + (
                " Tamoxifen was taken within the last 12 months, so tamoxifen with ovarian ablation "
                "is not the first choice here."
                if f.recent_tamoxifen
                else ""
            )
        ),
        lambda f: [hr_fact(f), menopausal_fact(f), tamoxifen_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-04",
        "ENDO_AROMATASE_INHIBITOR",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_POSTMENO,
        lambda f: endocrine_first_line(f) and f.case.menopausal_status == "postmenopausal",
        "Third-generation aromatase inhibitor (anastrozole, letrozole or exemestane)",
        "After the menopause, third-generation aromatase inhibitors are better than tamoxifen in "
        "first line for response rate, time to progression and overall survival.",
        lambda f: [hr_fact(f), menopausal_fact(f), crisis_fact(f), resistance_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-05",
        "ENDO_TAMOXIFEN_ALTERNATIVE",
        "consider",
        METASTATIC,
        GUIDELINE,
        S_POSTMENO,
        lambda f: endocrine_first_line(f) and f.case.menopausal_status == "postmenopausal",
        "Tamoxifen as an alternative first line",
        "Tamoxifen remains an acceptable first-line choice in selected patients, depending on their "
        "safety profile.",
        lambda f: [hr_fact(f), menopausal_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-06",
        "ENDO_SECOND_LINE_OPTIONS",
        "info",
        METASTATIC,
        GUIDELINE,
        S_POSTMENO,
        lambda f: endocrine_first_line(f) and f.case.menopausal_status == "postmenopausal",
        "Second-line endocrine options",
        "Hormonal options for second line: anastrozole, letrozole, exemestane, fulvestrant, "
        "megestrol acetate and androgens.",
        lambda f: [hr_fact(f), menopausal_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-07",
        "MONITOR_ENDOCRINE_RESPONSE",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_RESPONSE,
        endocrine_first_line,
        "Evaluate the response after 3 months of endocrine therapy",
        "Assess clinically, by symptoms, blood tests and by repeating imaging that was abnormal at "
        "the start.",
        _endocrine_because,
    ),
    Rule(
        "R-MET-ENDO-08",
        "WARN_NO_CHEMO_ENDOCRINE_COMBINATION",
        "warning",
        METASTATIC,
        GUIDELINE,
        S_HR_POS,
        lambda f: f.hr == "positive",
        "Do not combine chemotherapy with hormonal therapy",
        "Concomitant chemohormonal therapy is not recommended.",
        lambda f: [hr_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-09",
        "WARN_STOP_INEFFECTIVE_ENDOCRINE",
        "warning",
        METASTATIC,
        GUIDELINE,
        S_PITFALLS,
        lambda f: f.hr == "positive" and f.case.endocrine_resistance,
        "Do not continue ineffective endocrine therapy",
        "With evidence of endocrine resistance, switch to chemotherapy.",
        lambda f: [hr_fact(f), "endocrine resistance"],
    ),
    Rule(
        "R-MET-CHEMO-01",
        "CHEMOTHERAPY",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        needs_chemotherapy,
        "Chemotherapy",
        "Hormone receptor-negative or endocrine-resistant disease, or rapidly progressive "
        "life-threatening visceral disease, goes to chemotherapy. Choose the regimen by the extent "
        "of disease and visceral involvement, comorbidities, performance status, prior adjuvant "
        "treatment and the preferences of patient and physician.",
        chemo_reasons,
    ),
    Rule(
        "R-MET-CHEMO-02",
        "CHEMO_SINGLE_AGENT_PREFERRED",
        "consider",
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        needs_chemotherapy,
        "Prefer single-agent chemotherapy",
        "Single agents (anthracyclines, taxanes, capecitabine, vinorelbine, continuous-infusion "
        "fluorouracil, gemcitabine) are preferred to combinations for a better quality of life.",
        chemo_reasons,
    ),
    Rule(
        "R-MET-CHEMO-03",
        "CHEMO_REGIMEN_OPTIONS",
        "info",
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        needs_chemotherapy,
        "Regimen families in common use",
        "No single regimen has proven superior. Families in common use: non-anthracycline "
        "(cyclophosphamide/methotrexate/fluorouracil, carboplatin combinations, capecitabine or "
        "vinorelbine alone), anthracycline-containing (doxorubicin or epirubicin with "
        "cyclophosphamide, with or without fluorouracil; liposomal doxorubicin) and taxane-containing "
        "(doxorubicin or epirubicin with a taxane, docetaxel/capecitabine, weekly paclitaxel or "
        "three-weekly docetaxel, paclitaxel or docetaxel with gemcitabine).",
        chemo_reasons,
    ),
    Rule(
        "R-MET-CHEMO-04",
        "MONITOR_CHEMO_RESPONSE",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_RESPONSE,
        needs_chemotherapy,
        "Evaluate the response after 2-3 cycles of chemotherapy",
        "Assess clinically, by symptoms, blood tests and by repeating imaging that was abnormal at "
        "the start.",
        chemo_reasons,
    ),
    Rule(
        "R-MET-CHEMO-05",
        "WARN_NO_HIGH_DOSE_CHEMO",
        "warning",
        METASTATIC,
        GUIDELINE,
        S_PITFALLS,
        needs_chemotherapy,
        "Do not use high-dose chemotherapy",
        "There is no evidence that it improves overall or relapse-free survival.",
        chemo_reasons,
    ),
    Rule(
        "R-MET-HER2-01",
        "HER2_TRASTUZUMAB",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_HER2,
        lambda f: f.her2 == "positive",
        "Trastuzumab, with or without non-anthracycline chemotherapy",
        "HER2-positive disease (overexpression confirmed by FISH or CISH) is treated with "
        "trastuzumab, alone or with chemotherapy that contains no anthracycline.",
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-MET-HER2-02",
        "HER2_CARDIAC_MONITORING",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_HER2,
        lambda f: f.her2 == "positive",
        "Cardiac monitoring before and during trastuzumab",
        "Cardiac monitoring is mandatory before and throughout trastuzumab treatment.",
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-MET-HER2-03",
        "HER2_LAPATINIB_OPTION",
        "consider",
        METASTATIC,
        PATIENT_GUIDE,
        S_GUIDE_OPTIONS,
        lambda f: f.her2 == "positive",
        "Lapatinib is an option for HER2-positive disease",
        "An oral tablet taken once a day, with few cardiovascular side effects but serious liver "
        "side effects: liver function must be watched closely.",
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-MET-SUP-01",
        "BONE_BISPHOSPHONATE",
        "supportive",
        METASTATIC,
        GUIDELINE,
        S_SUPPORT,
        lambda f: "bone" in f.distant_sites or f.case.hypercalcaemia,
        "Bisphosphonates",
        "Bisphosphonates treat hypercalcaemia and relieve symptoms of lytic bone metastases; the "
        "best timing and duration are not known.",
        lambda f: [
            text
            for text, holds in (
                ("bone metastases", "bone" in f.distant_sites),
                ("hypercalcaemia", f.case.hypercalcaemia),
            )
            if holds
        ],
    ),
    Rule(
        "R-MET-SUP-02",
        "PALLIATIVE_RADIOTHERAPY",
        "supportive",
        METASTATIC,
        GUIDELINE,
        S_SUPPORT,
        lambda f: bool(f.case.symptomatic_sites),
        "Palliative radiotherapy to symptomatic sites",
        "Radiotherapy is an integral part of palliative treatment for sites that cause symptoms.",
        lambda f: [f"symptomatic sites: {_sites(f.case.symptomatic_sites)}"],
    ),
    Rule(
        "R-MET-SUP-03",
        "SYMPTOM_FOCUSED_CARE",
        "consider",
        METASTATIC,
        PATIENT_GUIDE,
        S_GUIDE_OPTIONS,
        lambda f: f.case.ecog is not None and f.case.ecog >= 3,
        "Consider care focused on pain and symptom management",
        "Performance status sets how intensive treatment can be; where aggressive management is not "
        "an option, pain and symptom management may be the best course.",
        lambda f: [ecog_fact(f)],
    ),
    Rule(
        "R-MET-SURG-01",
        "SURGERY_LIMITED_METASTATIC",
        "consider",
        METASTATIC,
        GUIDELINE,
        S_SUPPORT,
        lambda f: f.oligometastatic and (f.case.ecog is None or f.case.ecog <= 2),
        "Surgery may be considered for limited metastatic disease",
        "For limited metastatic presentations surgery may be considered in selected patients; the "
        "evidence by metastatic site is reviewed by Pockaj et al. (2010).",
        lambda f: [lesions_fact(f), ecog_fact(f)],
    ),
    Rule(
        "R-MET-SURG-02",
        "PRIMARY_TUMOUR_SURGERY",
        "consider",
        METASTATIC,
        "soomro-2021",
        "Conclusion",
        lambda f: (
            f.case.presentation == "de_novo_stage_iv"
            and f.case.primary_in_situ
            and f.case.systemic_disease_controlled is True
        ),
        "Consider surgery of the primary tumour",
        "In de novo stage IV disease controlled by systemic treatment, a retrospective series found "
        "longer overall survival after surgery of the primary tumour; see the evidence for its "
        "limits and the randomised trials.",
        lambda f: [
            "de novo stage IV disease",
            "primary tumour still in place",
            "systemic disease controlled on imaging",
        ],
    ),
    Rule(
        "R-MET-SURG-03",
        "LIVER_RESECTION",
        "consider",
        METASTATIC,
        "severance-liver",
        "Conclusion",
        lambda f: f.only_distant_site == "liver" and f.case.ecog in (0, 1),
        "Consider liver resection",
        "In a single-centre series, liver resection improved survival, particularly with a solitary "
        "liver metastasis and good general condition.",
        lambda f: ["liver is the only distant site", ecog_fact(f)],
    ),
    Rule(
        "R-MET-MON-01",
        "MONITOR_TUMOUR_MARKERS",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_RESPONSE,
        lambda f: f.only_distant_site == "bone",
        "Tumour markers (CA 15-3) to follow the response",
        "Bone-only disease is not easily measurable; tumour markers such as CA 15-3 may help to "
        "monitor the response.",
        lambda f: ["bone is the only distant site"],
    ),
)


@dataclass(frozen=True, slots=True)
class PrognosticRule:
    id: str
    applies: Condition
    favourable: Condition
    unfavourable: Condition
    favourable_code: str
    unfavourable_code: str


PROGNOSTIC_RULES: tuple[PrognosticRule, ...] = (
    PrognosticRule(
        "R-PF-01",
        lambda f: f.disease_free_interval_months is not None,
        lambda f: f.disease_free_interval_months >= 24,  # type: ignore[operator]
        lambda f: f.disease_free_interval_months < 12,  # type: ignore[operator]
        "PF_LONG_DFI",
        "PF_SHORT_DFI",
    ),
    PrognosticRule(
        "R-PF-02",
        lambda f: f.metastatic,
        lambda f: len(f.distant_sites) == 1 or f.oligometastatic,
        lambda f: not (len(f.distant_sites) == 1 or f.oligometastatic),
        "PF_LIMITED_SITES",
        "PF_MULTIPLE_SITES",
    ),
    PrognosticRule(
        "R-PF-03",
        lambda f: f.metastatic,
        lambda f: not f.visceral_sites,
        lambda f: bool(f.visceral_sites),
        "PF_NO_VISCERAL",
        "PF_VISCERAL",
    ),
    PrognosticRule(
        "R-PF-04",
        lambda f: f.hr != "unknown",
        lambda f: f.hr == "positive",
        lambda f: f.hr == "negative",
        "PF_HR_POSITIVE",
        "PF_HR_NEGATIVE",
    ),
    PrognosticRule(
        "R-PF-05",
        lambda f: f.her2 in ("positive", "negative"),
        lambda f: f.her2 == "negative",
        lambda f: f.her2 == "positive",
        "PF_HER2_NEGATIVE",
        "PF_HER2_POSITIVE",
    ),
)

PROGNOSTIC_SOURCE = {"id": GUIDELINE, "section": S_PROGNOSIS}


def check_rule_table(rules: tuple[Rule, ...] = RULES, prognostic=PROGNOSTIC_RULES) -> None:
    """Refuse a rule table with repeated ids or codes, unknown kinds, scopes or sources."""
    from .sources import SOURCES

    ids = [r.id for r in rules] + [p.id for p in prognostic]
    codes = [r.code for r in rules] + [
        c for p in prognostic for c in (p.favourable_code, p.unfavourable_code)
    ]
    problems = []
    for label, values in (("rule id", ids), ("code", codes)):
        seen: set[str] = set()
        for value in values:
            if value in seen:
                problems.append(f"{label} {value} appears more than once")
            seen.add(value)
    for r in rules:
        if not callable(r.kind) and r.kind not in KINDS:
            problems.append(f"{r.id}: unknown kind {r.kind!r}")
        if r.scope not in (BOTH, LOCOREGIONAL, METASTATIC):
            problems.append(f"{r.id}: unknown scope {r.scope!r}")
        if r.source not in SOURCES:
            problems.append(f"{r.id}: unknown source {r.source!r}")
    if problems:
        raise RuntimeError("Invalid guideline rule table: " + "; ".join(problems))
