"""The rule table of ruleset mbc-recurrence 2.0 (contract section 4).

Each rule names the code it emits, its kind, the document and section it comes from, the
passage of that document it rests on (word for word), the condition over the derived
facts, and the facts it rests on ("because"). Titles and details paraphrase the passage
and the contract; nothing here goes beyond them.

Rule ids: a rule whose meaning is unchanged from 1.0 keeps its id; a rule whose condition,
kind or content changed has a new id; the ids of 1.0 that no rule carries any more are in
RETIRED_RULE_IDS and are never given out again (check_rule_table refuses them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .conditions import RULE_CONDITIONS, all_hold, met_facts
from .facts import Facts, whole_months_between
from .schema import KINDS, SITE_LABELS, WORKUP_ITEMS, WORKUP_LABELS

GUIDELINE = "guideline-recurrence-2025"
PATIENT_GUIDE = "patient-guide-recurrence-2015"
SOOMRO = "soomro-2021"
SEVERANCE = "severance-liver"

S_SUMMARY = "Treatment of Breast Carcinoma Recurrence"
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
S_SOOMRO = "5. Conclusion"
S_SEVERANCE = "Discussion (closing paragraph)"

BOTH = "both"
LOCOREGIONAL = "isolated_locoregional"
METASTATIC = "metastatic"

Condition = Callable[[Facts], bool]


def ALWAYS(f: Facts) -> bool:  # noqa: N802 - a constant condition, named as one
    """The condition of a rule that applies to every case of its scope."""
    return True


Because = Callable[[Facts], list[str]]
Text = str | Callable[[Facts], str]

# The ids of ruleset 1.0 that 2.0 retired, with the rule that took over (or why none did).
# A retired id is never reused; check_rule_table() refuses a table that does.
RETIRED_RULE_IDS: dict[str, str] = {
    "R-WU-12": "HER2_ISH_CONFIRMATION, now also for IHC 3+ without amplified ISH: R-WU-15",
    "R-LRR-01": "LRR_CURATIVE_INTENT, consider with poor performance status: R-LRR-11",
    "R-LRR-02": "LRR_RADICAL_RESECTION, consider with poor performance status: R-LRR-12",
    "R-LRR-03": "LRR_MASTECTOMY_AFTER_BCT, needs prior radiotherapy: R-LRR-13",
    "R-LRR-04": "NEOADJUVANT_SYSTEMIC_THERAPY, consider with poor performance status: R-LRR-14",
    "R-LRR-06": "LRR_ADJUVANT_SYSTEMIC, consider with poor performance status: R-LRR-15",
    "R-LRR-07": "LRR_RADIOTHERAPY, consider with poor performance status: R-LRR-16",
    "R-LRR-09": "WARN_UNDERTREATMENT_LRR, not with poor performance status: R-LRR-17",
    "R-MET-ENDO-03": "ENDO_AI_OVARIAN_SUPPRESSION, consider, not after a recent AI: R-MET-ENDO-10",
    "R-MET-ENDO-04": "ENDO_AROMATASE_INHIBITOR, not after a recent AI: R-MET-ENDO-11",
    "R-MET-ENDO-05": "ENDO_TAMOXIFEN_ALTERNATIVE, not after recent tamoxifen: R-MET-ENDO-12",
    "R-MET-ENDO-06": "ENDO_SECOND_LINE_OPTIONS, consider after a recent AI: R-MET-ENDO-13",
    "R-MET-CHEMO-01": "CHEMOTHERAPY, consider with poor performance status: R-MET-CHEMO-06",
    "R-MET-CHEMO-02": "CHEMO_SINGLE_AGENT_PREFERRED, not in a visceral crisis: R-MET-CHEMO-07",
    "R-MET-CHEMO-03": "CHEMO_REGIMEN_OPTIONS, no anthracycline when HER2 positive: R-MET-CHEMO-08",
    "R-MET-HER2-01": "HER2_TRASTUZUMAB, consider unless HER2 is ISH-confirmed: R-MET-HER2-04",
    "R-MET-HER2-03": "HER2_LAPATINIB_OPTION, info: R-MET-HER2-05",
    "R-MET-SUP-02": "PALLIATIVE_RADIOTHERAPY, also brain or bone symptoms: R-MET-SUP-04",
    "R-MET-SUP-03": "SYMPTOM_FOCUSED_CARE, both categories, poor performance status: R-GEN-02",
    "R-MET-SURG-01": "SURGERY_LIMITED_METASTATIC, fit and resectable: R-MET-SURG-04",
    "R-MET-SURG-02": "PRIMARY_TUMOUR_SURGERY, no visceral crisis, ECOG 0-2: R-MET-SURG-05",
    "R-MET-SURG-03": "LIVER_RESECTION, fit, ECOG 0-1, resectable: R-MET-SURG-06",
    "R-MET-MON-01": "MONITOR_TUMOUR_MARKERS, not easily measurable disease: R-MET-MON-02",
    "R-PF-01": "PF_LONG_DFI, favourable/absent/unknown; PF_SHORT_DFI removed: R-PF-06",
    "R-PF-02": "PF_LIMITED_SITES, needs staging and no bulk; PF_MULTIPLE_SITES removed: R-PF-07",
    "R-PF-03": "PF_NO_VISCERAL, brain counts, needs staging; PF_VISCERAL removed: R-PF-08",
    "R-PF-04": "PF_HR_POSITIVE, favourable/absent/unknown; PF_HR_NEGATIVE removed: R-PF-09",
    "R-PF-05": "PF_HER2_NEGATIVE, favourable/absent/unknown; PF_HER2_POSITIVE removed: R-PF-10",
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    code: str
    kind: str | Callable[[Facts], str]
    scope: str
    source: str
    section: str
    passage: str
    when: Condition
    title: str
    detail: Text
    because: Because
    # For a kind that depends on the facts: every kind it can take, the usual one first.
    kinds: tuple[str, ...] = ()

    def kind_for(self, facts: Facts) -> str:
        return self.kind(facts) if callable(self.kind) else self.kind

    def detail_for(self, facts: Facts) -> str:
        return self.detail(facts) if callable(self.detail) else self.detail


# --- the passages the rules rest on, word for word from the documents ------------------
# (whitespace aside and without the documents' reference numbers; the tests check each)

P_SUMMARY_LRR = (
    "For isolated local-regional recurrence, treat aggressively with curative intent using "
    "radical surgical resection when possible, followed by adjuvant chemotherapy, hormonal "
    "therapy, and/or radiotherapy as appropriate."
)
P_SUMMARY_MET = (
    "For systemic/metastatic disease, treatment is palliative with goals of improving quality of "
    "life and prolonging survival."
)
P_HISTORY = (
    "Complete history focusing on the original tumor characteristics, prior treatments received, "
    "disease-free interval, and current menopausal status"
)
P_PERFORMANCE = "Performance status evaluation to guide treatment intensity"
P_LABS = (
    "Laboratory tests: complete blood count, liver and renal function, alkaline phosphatase, and "
    "calcium levels"
)
P_IMAGING = (
    "Imaging studies: chest X-ray, abdominal ultrasound or CT scan to identify visceral disease"
)
P_BONE_SCAN = "Bone scintigraphy if bone metastases are suspected based on symptoms"
P_BRAIN = "Brain imaging (CT or MRI) only if neurological symptoms are present"
P_HISTOLOGY = "Histopathological or cytopathological confirmation of recurrence whenever feasible"
P_RECEPTORS = (
    "Receptor status reassessment: estrogen receptor, progesterone receptor, and HER2 expression "
    "on the recurrent/metastatic tissue if not available from the primary tumor"
)
P_LRR_CURATIVE = "Treat with curative intent like a new primary breast cancer."
P_LRR_RESECTION = "Surgical resection should be radical if technically feasible"
P_LRR_ADJUVANT = (
    "Following surgery, administer adjuvant systemic therapy (chemotherapy, hormonal therapy, "
    "and/or radiotherapy) based on tumor characteristics"
)
P_GUIDE_NO_MORE_RADIATION = (
    "This is because the maximum dose of radiation allowed is given with treatment of the initial "
    "cancer and the site cannot tolerate any more radiation without complications."
)
P_GUIDE_MASTECTOMY = (
    P_GUIDE_NO_MORE_RADIATION + " Thus, a mastectomy must be done to treat the recurrence."
)
P_GUIDE_NEOADJUVANT = (
    "Another option is neoadjuvant chemotherapy, or chemotherapy given prior to surgery with or "
    "without radiation therapy to follow."
)
P_GUIDE_NEOADJUVANT_CHECK = (
    "As a result, if neoadjuvant therapy is being given, it is essential that your doctor monitors "
    "whether or not the chemotherapy is working prior to finishing the scheduled treatment period."
)
P_GUIDE_CONTRALATERAL = (
    "You may choose to have an elective mastectomy of the opposite breast, called a "
    "risk-reduction or prophylactic mastectomy, if you experience a recurrence in the same breast "
    "as before."
)
P_PITFALL_UNDERTREAT = (
    "Do not undertreat isolated local-regional recurrence\u2014these should receive aggressive "
    "curative-intent therapy, not palliative treatment"
)
P_PITFALL_RECEPTORS = (
    "Do not delay receptor status reassessment\u2014receptor status can change between primary and "
    "recurrent disease"
)
P_SELECTION = (
    "Treatment selection depends critically on hormone receptor status and HER2 expression."
)
P_ENDOCRINE_FIRST = (
    "Start with endocrine therapy as first-line treatment unless there is rapidly progressive, "
    "life-threatening visceral disease requiring immediate response."
)
P_PREMENO_TAMOXIFEN = (
    "If no prior adjuvant tamoxifen or discontinued >12 months: Tamoxifen with ovarian ablation "
    "(LHRH analogue, surgery, or radiation)"
)
P_PREMENO_AI = (
    "Third-generation aromatase inhibitors may be considered after or concomitantly with ovarian "
    "ablation"
)
P_POSTMENO_AI = (
    "Third-generation aromatase inhibitors (anastrozole, letrozole, or exemestane) are superior to "
    "tamoxifen in first-line therapy for response rate, time to progression, and overall survival"
)
P_POSTMENO_TAMOXIFEN = (
    "Tamoxifen remains an acceptable first-line option in selected cases based on patient safety "
    "profile"
)
P_SECOND_LINE = (
    "Second-line hormonal options include anastrozole, letrozole, exemestane, fulvestrant, "
    "megestrol acetate, and androgens"
)
P_NO_CHEMOHORMONAL = (
    "Important caveat: Do not use concomitant chemohormonal therapy\u2014it is not recommended."
)
P_SWITCH = "Switch to chemotherapy when there is evidence of endocrine resistance."
P_PITFALL_ENDOCRINE = (
    "Do not continue ineffective endocrine therapy\u2014switch to chemotherapy when endocrine "
    "resistance is evident"
)
P_CHEMO = "Proceed directly to chemotherapy."
P_CHEMO_CHOICE = (
    "The choice should be based on tumor characteristics (extent of metastatic disease, visceral "
    "involvement), patient factors (comorbidities, performance status, prior adjuvant therapy), "
    "and patient/physician preferences."
)
P_NO_SUPERIOR = "No single regimen has proven superior."
P_SINGLE_AGENT = (
    "Single-agent chemotherapy (anthracyclines, taxanes, capecitabine, vinorelbine, continuous "
    "infusion fluorouracil, gemcitabine) is preferred over combination therapy for better quality "
    "of life."
)
P_DURATION = (
    "Treatment duration: The optimal duration for responsive or stable disease is unknown; "
    "prolonged treatment may improve quality of life and time to progression but shows no "
    "survival advantage."
)
P_LATER_LINES = (
    "Second- and third-line chemotherapy: There is no standard approach; continuing beyond "
    "third-line may be justified in patients with good performance status and response to "
    "previous chemotherapy."
)
P_PITFALL_HIGH_DOSE = (
    "Do not use high-dose chemotherapy\u2014there is no evidence of advantage for overall or "
    "relapse-free survival"
)
P_TRASTUZUMAB = "Treat with trastuzumab with or without non-anthracycline-containing chemotherapy."
P_CARDIAC = "Cardiac monitoring is mandatory before and during trastuzumab therapy"
P_HER2_CONFIRMED = "This applies to patients with HER2 overexpression confirmed by FISH or CISH"
P_GUIDE_LAPATINIB = (
    "One very promising option for primary or recurrent breast cancer is Lapatinib. This "
    "medication is taken by mouth once a day and has limited cardiovascular side effects. It does, "
    "however, have serious side effects associated with the liver and must be monitored very "
    "closely."
)
P_BISPHOSPHONATES = (
    "Bisphosphonates are effective for hypercalcemia and palliate symptoms from lytic bone "
    "metastases."
)
P_PALLIATIVE_RT = (
    "Radiation therapy is an integral part of palliative treatment for symptomatic sites."
)
P_SURGERY_LIMITED = (
    "Surgery may be considered for limited metastatic presentations in selected cases."
)
P_RESPONSE_ENDOCRINE = "After endocrine therapy: Evaluate response after 3 months"
P_RESPONSE_CHEMO = "After chemotherapy: Evaluate after 2-3 cycles"
P_MARKERS = "Tumor markers (CA 15-3) may help monitor response in not easily measurable disease"
P_GUIDE_SYMPTOMS = (
    "In advanced cases where the cancer has metastasized to a place that cannot be treated, "
    "aggressive management may not be an option. In these situations, it may just be best to "
    "consider pain management and management of symptoms instead of treating the cancer."
)
P_GUIDE_DECISION = (
    "The potential risks, benefits, estimated success rates, and the quality of life for the "
    "patient should be determined."
)
P_GUIDE_SUPPORT = (
    "When diagnosed with a breast cancer recurrence, it is important to maintain a strong support "
    "system."
)
P_SOOMRO = (
    "Surgery has a positive impact on overall survival in Stage 4 patients with systemic disease "
    "control even in high-risk luminal B, Her 2 Positive, and triple-negative breast cancer "
    "patients."
)
P_SEVERANCE = (
    "In conclusion, liver resection for metastatic breast cancer results in improved patient "
    "survival, particularly in patients with solitary liver metastasis and good general condition."
)
P_PROGNOSIS = (
    "Favorable prognosis is associated with: Long disease-free interval (>1-2 years) Limited "
    "metastatic sites without bulky disease No visceral involvement Positive hormone receptor "
    "status HER2-negative status"
)


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


_ISH_WORDS = {
    "amplified": "ISH amplified",
    "not_amplified": "ISH not amplified",
    "not_done": "ISH not done",
}


def her2_fact(f: Facts) -> str:
    return f"HER2 {f.her2} (IHC {f.case.her2_ihc}, {_ISH_WORDS[f.case.her2_ish]})"


def her2_confirmation_fact(f: Facts) -> str:
    if f.her2_confirmed:
        return "HER2 overexpression confirmed by in-situ hybridisation (ISH amplified)"
    if f.case.her2_ish == "not_amplified":
        return "HER2 not confirmed: IHC 3+ but ISH not amplified (the results disagree)"
    return "HER2 not confirmed by in-situ hybridisation (ISH not done)"


def menopausal_fact(f: Facts) -> str:
    return {
        "premenopausal": "premenopausal",
        "postmenopausal": "postmenopausal",
        "unknown": "menopausal status unknown",
    }[f.case.menopausal_status]


def _drug_fact(name: str, taken: bool, end, recurrence) -> str:
    if not taken:
        return f"no prior {name}"
    if end is None:
        return f"still taking {name} at recurrence"
    months = whole_months_between(end, recurrence)
    when = "12 or fewer" if months <= 12 else "more than 12"
    return f"{name} stopped {months} months before the recurrence ({when})"


def tamoxifen_fact(f: Facts) -> str:
    c = f.case
    return _drug_fact("tamoxifen", c.prior_tamoxifen, c.tamoxifen_end_date, c.recurrence_date)


def ai_fact(f: Facts) -> str:
    c = f.case
    return _drug_fact(
        "aromatase inhibitor",
        c.prior_aromatase_inhibitor,
        c.aromatase_inhibitor_end_date,
        c.recurrence_date,
    )


def crisis_fact(f: Facts) -> str:
    return "visceral crisis" if f.case.visceral_crisis else "no visceral crisis"


def resistance_fact(f: Facts) -> str:
    return "endocrine resistance" if f.case.endocrine_resistance else "no endocrine resistance"


def ecog_fact(f: Facts) -> str:
    return "ECOG not recorded" if f.case.ecog is None else f"ECOG {f.case.ecog}"


def poor_ps_fact(f: Facts) -> str:
    return f"poor performance status (ECOG {f.case.ecog})"


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


def chemo_reasons(f: Facts) -> list[str]:
    out = []
    if f.hr == "negative":
        out.append(hr_fact(f))
    if f.case.endocrine_resistance:
        out.append("endocrine resistance")
    if f.case.visceral_crisis:
        out.append("visceral crisis")
    return out


def _chemo_because(f: Facts) -> list[str]:
    out = chemo_reasons(f)
    if f.poor_performance_status:
        out.append(poor_ps_fact(f))
    return out


def needs_chemotherapy(f: Facts) -> bool:
    return f.hr == "negative" or f.case.endocrine_resistance or f.case.visceral_crisis


def endocrine_first_line(f: Facts) -> bool:
    return f.hr == "positive" and not f.case.visceral_crisis and not f.case.endocrine_resistance


def _endocrine_because(f: Facts) -> list[str]:
    return [hr_fact(f), crisis_fact(f), resistance_fact(f)]


def _premenopausal_endocrine(f: Facts) -> bool:
    return endocrine_first_line(f) and f.case.menopausal_status == "premenopausal"


def _postmenopausal_endocrine(f: Facts) -> bool:
    return endocrine_first_line(f) and f.case.menopausal_status == "postmenopausal"


def _controlled(f: Facts) -> str:
    """The sentence the systemic-therapy details add once imaging shows the disease controlled."""
    if f.case.systemic_disease_controlled is True:
        return (
            " Imaging now shows the systemic disease controlled: this names the therapy that "
            "controlled it, not a therapy to start."
        )
    return ""


def _treatment_unless_poor_ps(f: Facts) -> str:
    return "consider" if f.poor_performance_status else "treatment"


def _lrr_because(*facts: Callable[[Facts], str]) -> Because:
    def because(f: Facts) -> list[str]:
        out = [fact(f) for fact in facts]
        if f.poor_performance_status:
            out.append(poor_ps_fact(f) + ": offered for consideration, not as a set treatment")
        return out

    return because


def _poor_ps_note(f: Facts) -> str:
    if f.poor_performance_status:
        return (
            f" With ECOG {f.case.ecog} this is for the board to consider: performance status "
            "guides how intensive treatment can be."
        )
    return ""


_LABS = "blood count, liver and renal function, alkaline phosphatase and calcium."
_WORKUP_PURPOSE = {
    "chest_imaging": "a chest X-ray to identify visceral disease.",
    "abdominal_imaging": "abdominal ultrasound or CT to identify visceral disease.",
}
_WORKUP_PASSAGE = {"chest_imaging": P_IMAGING, "abdominal_imaging": P_IMAGING}


def _workup_missing(item: str) -> Condition:
    return lambda f: not getattr(f.case.workup, item)


def _workup_reason(item: str) -> Because:
    return lambda f: [f"{WORKUP_LABELS[item]} not yet done"]


_NON_ANTHRACYCLINE = (
    "non-anthracycline: cyclophosphamide/methotrexate/fluorouracil, carboplatin combinations, "
    "capecitabine alone, vinorelbine alone; from the taxane family: docetaxel/capecitabine, "
    "weekly paclitaxel or three-weekly docetaxel alone, paclitaxel or docetaxel with gemcitabine"
)
_WITH_ANTHRACYCLINE = (
    "anthracycline-containing: doxorubicin or epirubicin with cyclophosphamide, with or without "
    "fluorouracil; liposomal doxorubicin; and doxorubicin or epirubicin with a taxane (paclitaxel "
    "or docetaxel)"
)


def _regimen_detail(f: Facts) -> str:
    head = "No single regimen has proven superior. "
    if f.her2 == "positive":
        text = (
            head
            + "The tumour is HER2 positive and trastuzumab goes only with chemotherapy without an "
            "anthracycline, so only those regimens are listed: " + _NON_ANTHRACYCLINE + "."
        )
    elif f.her2 == "negative":
        text = (
            head
            + "Families in common use: "
            + _NON_ANTHRACYCLINE
            + "; "
            + _WITH_ANTHRACYCLINE
            + "."
        )
    else:
        text = (
            head
            + f"HER2 is {f.her2}, and the HER2 result decides: if it is positive, only regimens "
            "without an anthracycline go with trastuzumab. Those first: "
            + _NON_ANTHRACYCLINE
            + ". Otherwise also "
            + _WITH_ANTHRACYCLINE
            + "."
        )
    return (
        text + " Choose by the extent of disease and visceral involvement, comorbidities, "
        "performance status, prior adjuvant therapy and the preferences of patient and physician."
    )


def _single_agent_detail(f: Facts) -> str:
    if f.her2 == "positive":
        agents = (
            "taxanes, capecitabine, vinorelbine, continuous-infusion fluorouracil or gemcitabine "
            "(no anthracycline: the tumour is HER2 positive and anthracyclines do not go with "
            "trastuzumab)"
        )
    else:
        agents = (
            "anthracyclines, taxanes, capecitabine, vinorelbine, continuous-infusion fluorouracil "
            "or gemcitabine"
        )
    return f"Single agents ({agents}) are preferred to combinations for a better quality of life."


def _palliative_rt_because(f: Facts) -> list[str]:
    out = []
    if f.case.symptomatic_sites:
        out.append(f"symptomatic sites: {_sites(f.case.symptomatic_sites)}")
    if "brain" in f.distant_sites and f.case.neurological_symptoms:
        out.append("brain metastases with neurological symptoms")
    if "bone" in f.distant_sites and f.case.bone_pain:
        out.append("bone metastases with bone pain")
    return out


def _endocrine_resistance_check(f: Facts) -> bool:
    return (
        endocrine_first_line(f)
        and f.case.menopausal_status in ("premenopausal", "postmenopausal")
        and f.recent_tamoxifen
        and f.recent_aromatase_inhibitor
    )


# Groups of rules that share a first condition: the engine skips a group whose gate is
# false without asking each rule (each rule's own condition still includes its gate).
GATES: dict[str, Condition] = {
    "chemotherapy": needs_chemotherapy,
    "endocrine": endocrine_first_line,
    "her2": lambda f: f.her2 == "positive",
    "fit": lambda f: f.fit,
}
RULE_GATE: dict[str, str] = {
    **dict.fromkeys(
        (
            "CHEMOTHERAPY",
            "CHEMO_SINGLE_AGENT_PREFERRED",
            "CHEMO_REGIMEN_OPTIONS",
            "CHEMO_RAPID_RESPONSE",
            "CHEMO_DURATION",
            "CHEMO_LATER_LINES",
            "MONITOR_CHEMO_RESPONSE",
            "WARN_NO_HIGH_DOSE_CHEMO",
        ),
        "chemotherapy",
    ),
    **dict.fromkeys(
        (
            "ENDOCRINE_FIRST_LINE",
            "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION",
            "ENDO_AI_OVARIAN_SUPPRESSION",
            "ENDO_AROMATASE_INHIBITOR",
            "ENDO_TAMOXIFEN_ALTERNATIVE",
            "ENDO_SECOND_LINE_OPTIONS",
            "MONITOR_ENDOCRINE_RESPONSE",
            "ENDOCRINE_RESISTANCE_CHECK",
        ),
        "endocrine",
    ),
    **dict.fromkeys(
        (
            "HER2_TRASTUZUMAB",
            "HER2_CARDIAC_MONITORING",
            "HER2_LAPATINIB_OPTION",
            "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB",
            "HR_HER2_BOTH_BRANCHES",
        ),
        "her2",
    ),
    **dict.fromkeys(("SURGERY_LIMITED_METASTATIC", "LIVER_RESECTION"), "fit"),
}

# --- the table --------------------------------------------------------------------------

_WORKUP_RULES = [
    Rule(
        id=f"R-WU-{i:02d}",
        code=f"WORKUP_{item.upper()}",
        kind="workup",
        scope=BOTH,
        source=GUIDELINE,
        section=S_WORKUP,
        passage=_WORKUP_PASSAGE.get(item, P_LABS),
        when=_workup_missing(item),
        title=f"Obtain {WORKUP_LABELS[item]}",
        detail=(
            "Part of the assessment the guideline asks for before treatment starts: "
            + _WORKUP_PURPOSE.get(item, _LABS)
        ),
        because=_workup_reason(item),
    )
    for i, item in enumerate(WORKUP_ITEMS[:7], start=1)
]

_SURGERY_LIMITED = RULE_CONDITIONS["SURGERY_LIMITED_METASTATIC"]
_LIVER = RULE_CONDITIONS["LIVER_RESECTION"]
_PRIMARY = RULE_CONDITIONS["PRIMARY_TUMOUR_SURGERY"]

RULES: tuple[Rule, ...] = (
    *_WORKUP_RULES,
    Rule(
        "R-WU-08",
        "WORKUP_BONE_SCAN",
        "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        P_BONE_SCAN,
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
        P_BRAIN,
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
        P_HISTOLOGY,
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
        P_RECEPTORS,
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
        "R-WU-13",
        "PERFORMANCE_STATUS_ASSESSMENT",
        "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        P_PERFORMANCE,
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
        P_HISTORY,
        lambda f: f.hr == "positive" and f.case.menopausal_status == "unknown",
        "Establish the current menopausal status",
        "The endocrine treatment of hormone receptor-positive metastatic disease differs before "
        "and after the menopause; the history should establish the current status.",
        lambda f: [category_fact(f), hr_fact(f), "menopausal status unknown"],
    ),
    Rule(
        "R-WU-15",
        "HER2_ISH_CONFIRMATION",
        "workup",
        BOTH,
        GUIDELINE,
        S_HER2,
        P_HER2_CONFIRMED,
        lambda f: f.her2 == "equivocal" or (f.her2 == "positive" and not f.her2_confirmed),
        "Confirm HER2 by in-situ hybridisation (FISH or CISH)",
        lambda f: (
            "HER2-directed treatment applies to HER2 overexpression confirmed by FISH or CISH. "
            + (
                "An IHC 2+ result needs that test before the HER2 status is known."
                if f.her2 == "equivocal"
                else "IHC 3+ and ISH not amplified disagree; this ruleset counts the tumour as "
                "HER2 positive until the discordance is resolved, so confirm the result."
                if f.case.her2_ish == "not_amplified"
                else "IHC 3+ has not been confirmed by ISH."
            )
        ),
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-WU-16",
        "CONTRALATERAL_NEW_PRIMARY_CHECK",
        lambda f: "warning" if f.contralateral_only else "workup",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        P_HISTOLOGY,
        lambda f: "contralateral_breast" in f.site_names,
        "Tumour in the opposite breast: confirm by histology whether it is a recurrence",
        lambda f: (
            "A tumour in the opposite breast may be a new primary cancer rather than a metastasis; "
            "histological confirmation decides whether it is a recurrence at all."
            + (
                " It is the only distant site, so until histology says otherwise the case is not "
                "treated as metastatic disease: review every metastatic item below with that in mind."
                if f.contralateral_only
                else ""
            )
        ),
        lambda f: [
            "tumour in the opposite breast"
            + (" (the only distant site)" if f.contralateral_only else ""),
            "histology confirmed" if f.case.histology_confirmed else "histology not yet confirmed",
        ],
        kinds=("workup", "warning"),
    ),
    # Both categories: performance status, decision and support
    Rule(
        "R-GEN-01",
        "WARN_POOR_PERFORMANCE_STATUS",
        "warning",
        BOTH,
        GUIDELINE,
        S_WORKUP,
        P_PERFORMANCE,
        lambda f: f.poor_performance_status,
        "Poor performance status: weigh how intensive treatment can be",
        "Performance status guides treatment intensity; the patient guide adds that aggressive "
        "management may not be an option. Treatments below are offered for consideration, not as "
        "set treatments.",
        lambda f: [poor_ps_fact(f)],
    ),
    Rule(
        "R-GEN-02",
        "SYMPTOM_FOCUSED_CARE",
        "consider",
        BOTH,
        PATIENT_GUIDE,
        S_GUIDE_OPTIONS,
        P_GUIDE_SYMPTOMS,
        lambda f: f.poor_performance_status,
        "Consider care focused on pain and symptom management",
        "Where aggressive management is not an option, the patient guide says pain and symptom "
        "management may be the best course instead of treating the cancer.",
        lambda f: [poor_ps_fact(f)],
    ),
    Rule(
        "R-GEN-03",
        "SHARED_DECISION",
        "info",
        BOTH,
        PATIENT_GUIDE,
        S_GUIDE_OPTIONS,
        P_GUIDE_DECISION,
        ALWAYS,
        "Decide with the patient",
        "Weigh the potential risks, benefits, estimated success and the patient's quality of life "
        "with her before choosing among the options.",
        lambda f: ["every patient"],
    ),
    Rule(
        "R-GEN-04",
        "PSYCHOSOCIAL_SUPPORT",
        "supportive",
        BOTH,
        PATIENT_GUIDE,
        S_GUIDE_OPTIONS,
        P_GUIDE_SUPPORT,
        ALWAYS,
        "Support system",
        "At a recurrence a strong support system matters; some patients feel treatment will not "
        "work, and that can delay treatment.",
        lambda f: ["every patient"],
    ),
    # Isolated local-regional recurrence
    Rule(
        "R-LRR-05",
        "NEOADJUVANT_RESPONSE_MONITORING",
        "monitoring",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        P_GUIDE_NEOADJUVANT_CHECK,
        lambda f: f.case.resectable is False,
        "Check the response before the planned chemotherapy ends",
        "Recurrences are more often resistant to chemotherapy; check that the treatment before "
        "surgery is working before the scheduled course is finished rather than continuing an "
        "ineffective one.",
        lambda f: [resectable_fact(f), "chemotherapy before surgery planned"],
    ),
    Rule(
        "R-LRR-08",
        "WARN_PRIOR_RADIOTHERAPY",
        "warning",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        P_GUIDE_NO_MORE_RADIATION,
        lambda f: f.case.prior_breast_radiotherapy,
        "The irradiated area cannot take a further full dose",
        "The maximum radiation dose was given with the first treatment; more radiation to the same "
        "site risks complications.",
        lambda f: [radiotherapy_fact(f)],
    ),
    Rule(
        "R-LRR-10",
        "CONTRALATERAL_MASTECTOMY_DISCUSS",
        "consider",
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        P_GUIDE_CONTRALATERAL,
        lambda f: "breast" in f.locoregional_sites,
        "Discuss risk-reducing mastectomy of the other breast",
        "After a recurrence in the same breast, some women choose a risk-reducing (prophylactic) "
        "mastectomy of the other breast; it should follow counselling on its emotional and "
        "psychological consequences.",
        lambda f: ["recurrence in the same breast"],
    ),
    Rule(
        "R-LRR-11",
        "LRR_CURATIVE_INTENT",
        _treatment_unless_poor_ps,
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        P_LRR_CURATIVE,
        ALWAYS,
        "Treat with curative intent, like a new primary breast cancer",
        lambda f: (
            "An isolated local-regional recurrence is potentially curable, whether it is in the "
            "breast after breast-conserving therapy or in the chest wall or regional nodes after "
            "mastectomy." + _poor_ps_note(f)
        ),
        _lrr_because(category_fact),
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-LRR-12",
        "LRR_RADICAL_RESECTION",
        _treatment_unless_poor_ps,
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        P_LRR_RESECTION,
        lambda f: f.case.resectable is not False,
        "Radical surgical resection",
        lambda f: "Resect radically where it is technically feasible." + _poor_ps_note(f),
        _lrr_because(category_fact, resectable_fact),
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-LRR-13",
        "LRR_MASTECTOMY_AFTER_BCT",
        _treatment_unless_poor_ps,
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        P_GUIDE_MASTECTOMY,
        lambda f: (
            f.case.resectable is not False
            and "breast" in f.locoregional_sites
            and f.case.prior_breast_surgery == "breast_conserving"
            and f.case.prior_breast_radiotherapy
        ),
        "Mastectomy for an in-breast recurrence after breast conservation and radiotherapy",
        lambda f: (
            "Breast conservation cannot be repeated: the breast was irradiated with the first "
            "treatment and cannot take more radiation without complications, so the patient guide "
            "treats the recurrence by mastectomy." + _poor_ps_note(f)
        ),
        _lrr_because(
            lambda f: "recurrence in the same breast",
            lambda f: "prior breast-conserving surgery",
            radiotherapy_fact,
            resectable_fact,
        ),
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-LRR-14",
        "NEOADJUVANT_SYSTEMIC_THERAPY",
        _treatment_unless_poor_ps,
        LOCOREGIONAL,
        PATIENT_GUIDE,
        S_GUIDE_RECURRENCE,
        P_GUIDE_NEOADJUVANT,
        lambda f: f.case.resectable is False,
        "Chemotherapy before surgery (neoadjuvant)",
        lambda f: (
            "When the recurrence cannot be resected now, chemotherapy can be given before surgery, "
            "with or without radiotherapy afterwards." + _poor_ps_note(f)
        ),
        _lrr_because(category_fact, resectable_fact),
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-LRR-15",
        "LRR_ADJUVANT_SYSTEMIC",
        _treatment_unless_poor_ps,
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        P_LRR_ADJUVANT,
        ALWAYS,
        "Adjuvant systemic therapy by tumour characteristics",
        lambda f: (
            "After surgery, give adjuvant therapy chosen by the tumour's characteristics "
            "(chemotherapy, hormonal therapy and/or radiotherapy)."
            + (
                " The tumour is hormone receptor positive, so hormonal therapy is part of it."
                if f.hr == "positive"
                else ""
            )
            + _poor_ps_note(f)
        ),
        _lrr_because(category_fact, hr_fact, her2_fact),
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-LRR-16",
        "LRR_RADIOTHERAPY",
        _treatment_unless_poor_ps,
        LOCOREGIONAL,
        GUIDELINE,
        S_LRR,
        P_LRR_ADJUVANT,
        lambda f: not f.case.prior_breast_radiotherapy,
        "Radiotherapy as part of the curative treatment",
        lambda f: (
            "Radiotherapy is among the adjuvant treatments after resection; the area has not been "
            "irradiated before." + _poor_ps_note(f)
        ),
        _lrr_because(category_fact, radiotherapy_fact),
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-LRR-17",
        "WARN_UNDERTREATMENT_LRR",
        "warning",
        LOCOREGIONAL,
        GUIDELINE,
        S_PITFALLS,
        P_PITFALL_UNDERTREAT,
        lambda f: not f.poor_performance_status,
        "Do not undertreat: curative, not palliative, treatment",
        "An isolated local-regional recurrence should receive aggressive treatment with curative "
        "intent, not palliative treatment.",
        lambda f: [category_fact(f), ecog_fact(f) + " (not a poor performance status)"],
    ),
    # Metastatic disease
    Rule(
        "R-MET-01",
        "MET_PALLIATIVE_INTENT",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_SUMMARY,
        P_SUMMARY_MET,
        ALWAYS,
        "Palliative intent: quality of life and longer survival",
        "Treatment of systemic or metastatic disease is palliative; its goals are better quality of "
        "life and longer survival. Hormone receptor and HER2 status decide the systemic treatment.",
        lambda f: [category_fact(f)],
    ),
    Rule(
        "R-MET-02",
        "SYSTEMIC_CHOICE_AWAITS_RECEPTORS",
        "info",
        METASTATIC,
        GUIDELINE,
        S_MET,
        P_SELECTION,
        lambda f: (
            f.hr == "unknown" and not f.case.visceral_crisis and not f.case.endocrine_resistance
        ),
        "The choice of systemic therapy waits for the receptor status",
        "The hormone receptor status is unknown, and with neither a visceral crisis nor endocrine "
        "resistance nothing else decides between endocrine therapy and chemotherapy; neither is "
        "proposed until the receptors are known.",
        lambda f: [hr_fact(f), crisis_fact(f), resistance_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-01",
        "ENDOCRINE_FIRST_LINE",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_HR_POS,
        P_ENDOCRINE_FIRST,
        endocrine_first_line,
        "Endocrine therapy first line",
        lambda f: (
            "Start with endocrine therapy unless rapidly progressive, life-threatening visceral "
            "disease needs an immediate response." + _controlled(f)
        ),
        _endocrine_because,
    ),
    Rule(
        "R-MET-ENDO-02",
        "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_PREMENO,
        P_PREMENO_TAMOXIFEN,
        lambda f: _premenopausal_endocrine(f) and not f.recent_tamoxifen,
        "Tamoxifen with ovarian ablation",
        "Before the menopause, with no adjuvant tamoxifen or tamoxifen stopped more than 12 months "
        "ago: tamoxifen with ovarian ablation (LHRH analogue, surgery or radiation).",
        lambda f: [hr_fact(f), menopausal_fact(f), tamoxifen_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-07",
        "MONITOR_ENDOCRINE_RESPONSE",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_RESPONSE,
        P_RESPONSE_ENDOCRINE,
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
        P_NO_CHEMOHORMONAL,
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
        P_PITFALL_ENDOCRINE,
        lambda f: f.hr == "positive" and f.case.endocrine_resistance,
        "Do not continue ineffective endocrine therapy",
        "With evidence of endocrine resistance, switch to chemotherapy.",
        lambda f: [hr_fact(f), "endocrine resistance"],
    ),
    Rule(
        "R-MET-ENDO-10",
        "ENDO_AI_OVARIAN_SUPPRESSION",
        "consider",
        METASTATIC,
        GUIDELINE,
        S_PREMENO,
        P_PREMENO_AI,
        lambda f: _premenopausal_endocrine(f) and not f.recent_aromatase_inhibitor,
        "Aromatase inhibitor after or with ovarian ablation may be considered",
        lambda f: (
            "Before the menopause, a third-generation aromatase inhibitor may be considered after "
            "or together with ovarian ablation."
            + (
                " Tamoxifen was taken within the last 12 months, so tamoxifen with ovarian ablation "
                "is not offered."
                if f.recent_tamoxifen
                else ""
            )
        ),
        lambda f: [hr_fact(f), menopausal_fact(f), tamoxifen_fact(f), ai_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-11",
        "ENDO_AROMATASE_INHIBITOR",
        "treatment",
        METASTATIC,
        GUIDELINE,
        S_POSTMENO,
        P_POSTMENO_AI,
        lambda f: _postmenopausal_endocrine(f) and not f.recent_aromatase_inhibitor,
        "Third-generation aromatase inhibitor (anastrozole, letrozole or exemestane)",
        lambda f: (
            "After the menopause, third-generation aromatase inhibitors are better than tamoxifen "
            "in first line for response rate, time to progression and overall survival."
            + _controlled(f)
        ),
        lambda f: [hr_fact(f), menopausal_fact(f), crisis_fact(f), resistance_fact(f), ai_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-12",
        "ENDO_TAMOXIFEN_ALTERNATIVE",
        "consider",
        METASTATIC,
        GUIDELINE,
        S_POSTMENO,
        P_POSTMENO_TAMOXIFEN,
        lambda f: _postmenopausal_endocrine(f) and not f.recent_tamoxifen,
        "Tamoxifen as an alternative first line",
        lambda f: (
            "Tamoxifen remains an acceptable first-line choice in selected patients, depending on "
            "their safety profile."
            + (
                " An aromatase inhibitor was taken within the last 12 months, so it is not offered "
                "again as first line."
                if f.recent_aromatase_inhibitor
                else ""
            )
        ),
        lambda f: [hr_fact(f), menopausal_fact(f), tamoxifen_fact(f)],
    ),
    Rule(
        "R-MET-ENDO-13",
        "ENDO_SECOND_LINE_OPTIONS",
        lambda f: "consider" if f.recent_aromatase_inhibitor else "info",
        METASTATIC,
        GUIDELINE,
        S_POSTMENO,
        P_SECOND_LINE,
        _postmenopausal_endocrine,
        "Second-line endocrine options",
        lambda f: (
            "Hormonal options for second line: anastrozole, letrozole, exemestane, fulvestrant, "
            "megestrol acetate and androgens."
            + (
                " The disease recurred on or within 12 months of an aromatase inhibitor, so these "
                "options are for the board to consider now."
                if f.recent_aromatase_inhibitor
                else ""
            )
        ),
        lambda f: [hr_fact(f), menopausal_fact(f), ai_fact(f)],
        kinds=("info", "consider"),
    ),
    Rule(
        "R-MET-ENDO-14",
        "ENDOCRINE_RESISTANCE_CHECK",
        "warning",
        METASTATIC,
        GUIDELINE,
        S_HR_POS,
        P_SWITCH,
        _endocrine_resistance_check,
        "Both first-line endocrine drugs were taken recently: is this endocrine resistance?",
        "Tamoxifen and an aromatase inhibitor were both taken within 12 months of the recurrence, "
        "so neither first-line drug of this branch remains. The board judges whether this is "
        "endocrine resistance; if it is, the guideline switches to chemotherapy.",
        lambda f: [hr_fact(f), menopausal_fact(f), tamoxifen_fact(f), ai_fact(f)],
    ),
    Rule(
        "R-MET-CHEMO-04",
        "MONITOR_CHEMO_RESPONSE",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_RESPONSE,
        P_RESPONSE_CHEMO,
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
        P_PITFALL_HIGH_DOSE,
        needs_chemotherapy,
        "Do not use high-dose chemotherapy",
        "There is no evidence that it improves overall or relapse-free survival.",
        chemo_reasons,
    ),
    Rule(
        "R-MET-CHEMO-06",
        "CHEMOTHERAPY",
        _treatment_unless_poor_ps,
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        P_CHEMO,
        needs_chemotherapy,
        "Chemotherapy",
        lambda f: (
            "Hormone receptor-negative or endocrine-resistant disease goes directly to "
            "chemotherapy, as does rapidly progressive, life-threatening visceral disease that "
            "needs an immediate response. Choose the regimen by the extent of disease and visceral "
            "involvement, comorbidities, performance status, prior adjuvant treatment and the "
            "preferences of patient and physician."
            + (
                f" With ECOG {f.case.ecog} it is for the board to consider: performance status "
                "guides how intensive treatment can be."
                if f.poor_performance_status
                else ""
            )
            + _controlled(f)
        ),
        _chemo_because,
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-MET-CHEMO-07",
        "CHEMO_SINGLE_AGENT_PREFERRED",
        "consider",
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        P_SINGLE_AGENT,
        lambda f: needs_chemotherapy(f) and not f.case.visceral_crisis,
        "Prefer single-agent chemotherapy",
        _single_agent_detail,
        lambda f: [*chemo_reasons(f), "no visceral crisis"],
    ),
    Rule(
        "R-MET-CHEMO-08",
        "CHEMO_REGIMEN_OPTIONS",
        "info",
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        P_NO_SUPERIOR,
        needs_chemotherapy,
        "Regimen families in common use",
        _regimen_detail,
        lambda f: [*chemo_reasons(f), her2_fact(f)],
    ),
    Rule(
        "R-MET-CHEMO-09",
        "CHEMO_RAPID_RESPONSE",
        "info",
        METASTATIC,
        GUIDELINE,
        S_HR_POS,
        P_ENDOCRINE_FIRST,
        lambda f: needs_chemotherapy(f) and f.case.visceral_crisis,
        "Visceral crisis: a treatment that gives an immediate response",
        "Rapidly progressive, life-threatening visceral disease calls for a treatment that gives an "
        "immediate response. The guideline's preference for single agents is for quality of life; "
        "the board weighs the two, so that preference is not shown here.",
        lambda f: ["visceral crisis"],
    ),
    Rule(
        "R-MET-CHEMO-10",
        "CHEMO_DURATION",
        "info",
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        P_DURATION,
        needs_chemotherapy,
        "How long to treat is not known",
        "The best duration for responding or stable disease is unknown; longer treatment may "
        "improve quality of life and time to progression, but has not shown longer survival.",
        chemo_reasons,
    ),
    Rule(
        "R-MET-CHEMO-11",
        "CHEMO_LATER_LINES",
        "info",
        METASTATIC,
        GUIDELINE,
        S_CHEMO,
        P_LATER_LINES,
        needs_chemotherapy,
        "Second and third line: no standard",
        "There is no standard second- or third-line chemotherapy; going beyond the third line may "
        "be justified with good performance status and a response to the previous chemotherapy.",
        chemo_reasons,
    ),
    Rule(
        "R-MET-HER2-02",
        "HER2_CARDIAC_MONITORING",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_HER2,
        P_CARDIAC,
        lambda f: f.her2 == "positive",
        "Cardiac monitoring before and during trastuzumab",
        "Cardiac monitoring is mandatory before and throughout trastuzumab treatment.",
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-MET-HER2-04",
        "HER2_TRASTUZUMAB",
        lambda f: "treatment" if f.her2_confirmed else "consider",
        METASTATIC,
        GUIDELINE,
        S_HER2,
        P_TRASTUZUMAB,
        lambda f: f.her2 == "positive",
        "Trastuzumab, with or without non-anthracycline chemotherapy",
        lambda f: (
            "HER2-positive disease is treated with trastuzumab, alone or with chemotherapy that "
            "contains no anthracycline."
            + (
                " HER2 overexpression is confirmed by in-situ hybridisation, as the guideline "
                "requires."
                if f.her2_confirmed
                else " The guideline applies this to HER2 overexpression confirmed by FISH or "
                "CISH, which this tumour does not yet have, so it is for consideration until "
                "then."
            )
            + _controlled(f)
        ),
        lambda f: [her2_fact(f), her2_confirmation_fact(f)],
        kinds=("treatment", "consider"),
    ),
    Rule(
        "R-MET-HER2-05",
        "HER2_LAPATINIB_OPTION",
        "info",
        METASTATIC,
        PATIENT_GUIDE,
        S_GUIDE_OPTIONS,
        P_GUIDE_LAPATINIB,
        lambda f: f.her2 == "positive",
        "Lapatinib: described as a promising option for HER2-positive disease",
        "The patient guide calls lapatinib a very promising option: a tablet taken once a day, "
        "with limited cardiovascular side effects but serious liver side effects, so liver "
        "function must be watched closely.",
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-MET-HER2-06",
        "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB",
        "warning",
        METASTATIC,
        GUIDELINE,
        S_HER2,
        P_TRASTUZUMAB,
        lambda f: f.her2 == "positive",
        "No anthracycline with trastuzumab",
        "Only chemotherapy without an anthracycline goes with trastuzumab.",
        lambda f: [her2_fact(f)],
    ),
    Rule(
        "R-MET-HER2-07",
        "HR_HER2_BOTH_BRANCHES",
        "info",
        METASTATIC,
        GUIDELINE,
        S_MET,
        P_SELECTION,
        lambda f: f.hr == "positive" and f.her2 == "positive",
        "Hormone receptor and HER2 positive: both branches apply",
        "Both the hormone receptor-positive and the HER2-positive branch of the guideline apply. "
        "The guideline does not say how to combine them; the board decides.",
        lambda f: [hr_fact(f), her2_fact(f)],
    ),
    Rule(
        "R-MET-SUP-01",
        "BONE_BISPHOSPHONATE",
        "supportive",
        METASTATIC,
        GUIDELINE,
        S_SUPPORT,
        P_BISPHOSPHONATES,
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
        "R-MET-SUP-04",
        "PALLIATIVE_RADIOTHERAPY",
        "supportive",
        METASTATIC,
        GUIDELINE,
        S_SUPPORT,
        P_PALLIATIVE_RT,
        lambda f: bool(_palliative_rt_because(f)),
        "Palliative radiotherapy to symptomatic sites",
        "Radiotherapy is an integral part of palliative treatment for sites that cause symptoms.",
        _palliative_rt_because,
    ),
    Rule(
        "R-MET-SURG-04",
        "SURGERY_LIMITED_METASTATIC",
        "consider",
        METASTATIC,
        GUIDELINE,
        S_SUPPORT,
        P_SURGERY_LIMITED,
        all_hold(_SURGERY_LIMITED),
        "Surgery may be considered for limited metastatic disease",
        "The guideline says surgery may be considered for limited metastatic presentations in "
        "selected cases; the evidence by metastatic site is reviewed by Pockaj et al. (2010). The "
        "randomised trial of metastasis-directed treatment in oligometastatic breast cancer, "
        "NRG-BR002 (almost all of it radiotherapy), found no survival benefit: 36-month overall "
        "survival 68.9% with ablation vs 71.8% with standard care, and no progression-free "
        "survival benefit (abstract).",
        met_facts(_SURGERY_LIMITED),
    ),
    Rule(
        "R-MET-SURG-05",
        "PRIMARY_TUMOUR_SURGERY",
        "consider",
        METASTATIC,
        SOOMRO,
        S_SOOMRO,
        P_SOOMRO,
        all_hold(_PRIMARY),
        "Surgery of the primary tumour may be considered",
        "A retrospective single-centre study reported longer overall survival after surgery of the "
        "primary in de novo stage IV disease controlled by systemic treatment; it was not "
        "randomised. Most randomised trials and their pooled analysis (4 trials, 970 patients: "
        "overall survival HR 0.97) found no overall survival benefit, with better local control; "
        "one trial of upfront surgery (MF07-01) found longer survival (HR 0.66).",
        met_facts(_PRIMARY),
    ),
    Rule(
        "R-MET-SURG-06",
        "LIVER_RESECTION",
        "consider",
        METASTATIC,
        SEVERANCE,
        S_SEVERANCE,
        P_SEVERANCE,
        all_hold(_LIVER),
        "Liver resection may be considered",
        "A single-centre series of 13 resected patients reported better survival, particularly "
        "with a solitary liver metastasis and good general condition. It had no comparison group "
        "and selected patients in whom complete (R0) resection was feasible, so it cannot show "
        "that resection caused the better survival. ECOG 0-1 is this ruleset's reading of 'good "
        "general condition'.",
        met_facts(_LIVER),
    ),
    Rule(
        "R-MET-MON-02",
        "MONITOR_TUMOUR_MARKERS",
        "monitoring",
        METASTATIC,
        GUIDELINE,
        S_RESPONSE,
        P_MARKERS,
        lambda f: f.not_easily_measurable,
        "Tumour markers (CA 15-3) to follow the response",
        "Disease only in bone, pleura or peritoneum is not easily measurable; tumour markers such "
        "as CA 15-3 may help to monitor the response.",
        lambda f: [f"distant disease only in {_sites(f.distant_sites)}: not easily measurable"],
    ),
)


@dataclass(frozen=True, slots=True)
class PrognosticRule:
    """A favourable factor of the source and how a case shows it (contract section 4)."""

    id: str
    code: str
    applies: Condition
    favourable: Condition
    absent: Condition  # assessed and not present; otherwise, when it applies, unknown


PROGNOSTIC_RULES: tuple[PrognosticRule, ...] = (
    PrognosticRule(
        "R-PF-06",
        "PF_LONG_DFI",
        lambda f: f.case.presentation == "recurrence",
        lambda f: (
            f.disease_free_interval_months is not None and f.disease_free_interval_months >= 24
        ),
        lambda f: (
            f.disease_free_interval_months is not None and f.disease_free_interval_months < 24
        ),
    ),
    PrognosticRule(
        "R-PF-07",
        "PF_LIMITED_SITES",
        lambda f: f.metastatic,
        lambda f: f.oligometastatic and f.staged and f.case.bulky_disease is False,
        lambda f: f.counted_lesions > 5 or f.case.bulky_disease is True,
    ),
    PrognosticRule(
        "R-PF-08",
        "PF_NO_VISCERAL",
        lambda f: f.metastatic,
        lambda f: f.staged and not f.visceral_sites and "brain" not in f.distant_sites,
        lambda f: bool(f.visceral_sites) or "brain" in f.distant_sites,
    ),
    PrognosticRule(
        "R-PF-09",
        "PF_HR_POSITIVE",
        ALWAYS,
        lambda f: f.hr == "positive",
        lambda f: f.hr == "negative",
    ),
    PrognosticRule(
        "R-PF-10",
        "PF_HER2_NEGATIVE",
        ALWAYS,
        lambda f: f.her2 == "negative",
        lambda f: f.her2 == "positive",
    ),
)

PROGNOSTIC_SOURCE = {"id": GUIDELINE, "section": S_PROGNOSIS, "passage": P_PROGNOSIS}


def check_rule_table(rules: tuple[Rule, ...] = RULES, prognostic=PROGNOSTIC_RULES) -> None:
    """Refuse a rule table with repeated or retired ids, repeated codes, unknown kinds,
    scopes or sources, or a missing passage."""
    from .sources import SOURCES

    ids = [r.id for r in rules] + [p.id for p in prognostic]
    codes = [r.code for r in rules] + [p.code for p in prognostic]
    problems = []
    for label, values in (("rule id", ids), ("code", codes)):
        seen: set[str] = set()
        for value in values:
            if value in seen:
                problems.append(f"{label} {value} appears more than once")
            seen.add(value)
    problems += [
        f"rule id {i} was retired and may not be reused" for i in ids if i in RETIRED_RULE_IDS
    ]
    for r in rules:
        if not callable(r.kind) and r.kind not in KINDS:
            problems.append(f"{r.id}: unknown kind {r.kind!r}")
        if callable(r.kind) and not (r.kinds and set(r.kinds) <= set(KINDS)):
            problems.append(f"{r.id}: a kind that depends on the facts must list its kinds")
        if r.scope not in (BOTH, LOCOREGIONAL, METASTATIC):
            problems.append(f"{r.id}: unknown scope {r.scope!r}")
        if r.source not in SOURCES:
            problems.append(f"{r.id}: unknown source {r.source!r}")
        if len(r.passage.strip()) < 25:
            problems.append(f"{r.id}: passage missing or shorter than a sentence")
    if problems:
        raise RuntimeError("Invalid guideline rule table: " + "; ".join(problems))
