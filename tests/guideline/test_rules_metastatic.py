"""Contract section 4: metastatic disease (guideline: Systemic/Metastatic Disease,
Supportive Care Measures, Response Evaluation, Critical Pitfalls; the patient guide and
the surgical series for the codes that cite them)."""

from __future__ import annotations

import pytest

from recurrence.guideline import SOURCES
from tests.guideline.cases import (
    DE_NOVO,
    LOCOREGIONAL,
    METASTATIC,
    build,
    check,
    codes,
    recommendation,
    row,
    run,
    sites,
)
from tests.guideline.contract import KIND_ORDER, LOCOREGIONAL_CODES

ENDOCRINE = [
    "ENDOCRINE_FIRST_LINE",
    "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION",
    "ENDO_AI_OVARIAN_SUPPRESSION",
    "ENDO_AROMATASE_INHIBITOR",
    "ENDO_TAMOXIFEN_ALTERNATIVE",
    "ENDO_SECOND_LINE_OPTIONS",
    "MONITOR_ENDOCRINE_RESPONSE",
]
PREMENOPAUSAL = ["ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION", "ENDO_AI_OVARIAN_SUPPRESSION"]
POSTMENOPAUSAL = [
    "ENDO_AROMATASE_INHIBITOR",
    "ENDO_TAMOXIFEN_ALTERNATIVE",
    "ENDO_SECOND_LINE_OPTIONS",
]
CHEMO = [
    "CHEMOTHERAPY",
    "CHEMO_SINGLE_AGENT_PREFERRED",
    "CHEMO_REGIMEN_OPTIONS",
    "MONITOR_CHEMO_RESPONSE",
    "WARN_NO_HIGH_DOSE_CHEMO",
]
HER2 = [
    "HER2_TRASTUZUMAB",
    "HER2_CARDIAC_MONITORING",
    "HER2_LAPATINIB_OPTION",
    "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB",
]
# 2.0: in a visceral crisis the single-agent preference gives way to the rapid response
CHEMO_IN_CRISIS = [c for c in CHEMO if c != "CHEMO_SINGLE_AGENT_PREFERRED"] + [
    "CHEMO_RAPID_RESPONSE",
    "CHEMO_DURATION",
    "CHEMO_LATER_LINES",
]

PRE = build(METASTATIC, menopausal_status="premenopausal")
TRIPLE_NEGATIVE = build(METASTATIC, er="negative", pr="negative", her2_ihc="0")
HR_UNKNOWN = build(METASTATIC, er="unknown", pr="unknown")
OLIGO = build(METASTATIC, sites=[{"site": "lung", "lesions": 2}, {"site": "bone", "lesions": 3}])
LIVER_ONLY = build(METASTATIC, sites=[{"site": "liver", "lesions": 1}], ecog=0)
CONTROLLED_DE_NOVO = build(DE_NOVO, systemic_disease_controlled=True)

ROWS = [
    # Goals are quality of life and longer survival
    row("Palliative intent: recurrence", METASTATIC, include=["MET_PALLIATIVE_INTENT"]),
    row("Palliative intent: de novo stage IV", DE_NOVO, include=["MET_PALLIATIVE_INTENT"]),
    row(
        "Palliative intent: local-regional plus one distant site",
        build(LOCOREGIONAL, sites=sites("chest_wall", "bone")),
        include=["MET_PALLIATIVE_INTENT"],
        exclude=list(LOCOREGIONAL_CODES),
    ),
    # Hormone receptor-positive: endocrine first line unless life-threatening visceral disease
    row(
        "HR+: endocrine first line",
        METASTATIC,
        include=["ENDOCRINE_FIRST_LINE", "MONITOR_ENDOCRINE_RESPONSE"],
        exclude=CHEMO,
    ),
    row(
        "HR+: ER negative, PR positive",
        build(METASTATIC, er="negative", pr="positive"),
        include=["ENDOCRINE_FIRST_LINE"],
        exclude=["CHEMOTHERAPY"],
    ),
    row(
        "HR+: visceral crisis goes to chemotherapy, without the single-agent preference",
        build(METASTATIC, visceral_crisis=True),
        include=CHEMO_IN_CRISIS,
        exclude=[*ENDOCRINE, "CHEMO_SINGLE_AGENT_PREFERRED"],
    ),
    row(
        "HR+: endocrine resistance goes to chemotherapy",
        build(METASTATIC, endocrine_resistance=True),
        include=CHEMO,
        exclude=ENDOCRINE,
    ),
    row(
        "HR+: premenopausal with visceral crisis",
        build(PRE, visceral_crisis=True),
        include=["CHEMOTHERAPY"],
        exclude=ENDOCRINE,
    ),
    row(
        "HR+: endocrine first line whatever the HER2 status",
        build(METASTATIC, her2_ihc="3+"),
        include=["ENDOCRINE_FIRST_LINE", *HER2],
        exclude=["CHEMOTHERAPY"],
    ),
    # Premenopausal: tamoxifen with ovarian ablation unless tamoxifen within 12 months
    row(
        "Premenopausal: no prior tamoxifen",
        PRE,
        include=PREMENOPAUSAL,
        exclude=POSTMENOPAUSAL,
        kinds={
            "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION": "treatment",
            "ENDO_AI_OVARIAN_SUPPRESSION": "consider",
        },
    ),
    row(
        "Premenopausal: tamoxifen stopped 13 months before",
        build(PRE, prior_tamoxifen=True, tamoxifen_end_date="2023-03-10"),
        include=PREMENOPAUSAL,
        kinds={"ENDO_AI_OVARIAN_SUPPRESSION": "consider"},
    ),
    row(
        "Premenopausal: tamoxifen stopped 12 months before",
        build(PRE, prior_tamoxifen=True, tamoxifen_end_date="2023-04-10"),
        include=["ENDO_AI_OVARIAN_SUPPRESSION"],
        exclude=["ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION"],
        kinds={"ENDO_AI_OVARIAN_SUPPRESSION": "consider"},
    ),
    row(
        "Premenopausal: tamoxifen stopped 6 months before",
        build(PRE, prior_tamoxifen=True, tamoxifen_end_date="2023-10-01"),
        include=["ENDO_AI_OVARIAN_SUPPRESSION"],
        exclude=["ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION"],
        kinds={"ENDO_AI_OVARIAN_SUPPRESSION": "consider"},
    ),
    row(
        "Premenopausal: still taking tamoxifen",
        build(PRE, prior_tamoxifen=True),
        include=["ENDO_AI_OVARIAN_SUPPRESSION"],
        exclude=["ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION"],
        kinds={"ENDO_AI_OVARIAN_SUPPRESSION": "consider"},
    ),
    row("Premenopausal: hr negative", build(PRE, er="negative", pr="negative"), exclude=ENDOCRINE),
    row(
        "Premenopausal: endocrine resistance",
        build(PRE, endocrine_resistance=True),
        exclude=ENDOCRINE,
    ),
    # Postmenopausal: aromatase inhibitor, tamoxifen alternative, second-line options
    row(
        "Postmenopausal: first line",
        METASTATIC,
        include=POSTMENOPAUSAL,
        exclude=PREMENOPAUSAL,
        kinds={
            "ENDO_AROMATASE_INHIBITOR": "treatment",
            "ENDO_TAMOXIFEN_ALTERNATIVE": "consider",
            "ENDO_SECOND_LINE_OPTIONS": "info",
        },
    ),
    row(
        "Postmenopausal: still taking tamoxifen, tamoxifen not offered again (2.0)",
        build(METASTATIC, prior_tamoxifen=True),
        include=["ENDO_AROMATASE_INHIBITOR", "ENDO_SECOND_LINE_OPTIONS"],
        exclude=[*PREMENOPAUSAL, "ENDO_TAMOXIFEN_ALTERNATIVE"],
        kinds={"ENDO_SECOND_LINE_OPTIONS": "info"},
    ),
    row(
        "Postmenopausal: visceral crisis",
        build(METASTATIC, visceral_crisis=True),
        exclude=POSTMENOPAUSAL,
    ),
    row(
        "Menopausal status unknown: endocrine first line without a branch",
        build(METASTATIC, menopausal_status="unknown"),
        include=[
            "ENDOCRINE_FIRST_LINE",
            "MONITOR_ENDOCRINE_RESPONSE",
            "MENOPAUSAL_STATUS_ASSESSMENT",
        ],
        exclude=PREMENOPAUSAL + POSTMENOPAUSAL,
    ),
    # Do not use concomitant chemohormonal therapy
    row(
        "No chemo-endocrine combination: hr+",
        METASTATIC,
        include=["WARN_NO_CHEMO_ENDOCRINE_COMBINATION"],
        kinds={"WARN_NO_CHEMO_ENDOCRINE_COMBINATION": "warning"},
    ),
    row(
        "No chemo-endocrine combination: hr+ with visceral crisis",
        build(METASTATIC, visceral_crisis=True),
        include=["WARN_NO_CHEMO_ENDOCRINE_COMBINATION"],
    ),
    row(
        "No chemo-endocrine combination: hr-",
        TRIPLE_NEGATIVE,
        exclude=["WARN_NO_CHEMO_ENDOCRINE_COMBINATION"],
    ),
    row(
        "No chemo-endocrine combination: hr unknown",
        HR_UNKNOWN,
        exclude=["WARN_NO_CHEMO_ENDOCRINE_COMBINATION"],
    ),
    # Pitfall: do not continue ineffective endocrine therapy
    row(
        "Stop ineffective endocrine therapy: hr+ resistant",
        build(METASTATIC, endocrine_resistance=True),
        include=["WARN_STOP_INEFFECTIVE_ENDOCRINE"],
        kinds={"WARN_STOP_INEFFECTIVE_ENDOCRINE": "warning"},
    ),
    row(
        "Stop ineffective endocrine therapy: hr+ not resistant",
        METASTATIC,
        exclude=["WARN_STOP_INEFFECTIVE_ENDOCRINE"],
    ),
    row(
        "Stop ineffective endocrine therapy: hr- resistant",
        build(TRIPLE_NEGATIVE, endocrine_resistance=True),
        exclude=["WARN_STOP_INEFFECTIVE_ENDOCRINE"],
    ),
    row(
        "Stop ineffective endocrine therapy: hr unknown resistant",
        build(HR_UNKNOWN, endocrine_resistance=True),
        exclude=["WARN_STOP_INEFFECTIVE_ENDOCRINE"],
    ),
    # Hormone receptor-negative or endocrine-resistant disease: chemotherapy
    row(
        "Chemotherapy: triple negative",
        TRIPLE_NEGATIVE,
        include=CHEMO,
        exclude=ENDOCRINE,
        kinds={
            "CHEMOTHERAPY": "treatment",
            "CHEMO_SINGLE_AGENT_PREFERRED": "consider",
            "CHEMO_REGIMEN_OPTIONS": "info",
            "MONITOR_CHEMO_RESPONSE": "monitoring",
            "WARN_NO_HIGH_DOSE_CHEMO": "warning",
        },
    ),
    row(
        "Chemotherapy: hr unknown with visceral crisis",
        build(HR_UNKNOWN, visceral_crisis=True),
        include=CHEMO_IN_CRISIS,
        exclude=[*ENDOCRINE, "CHEMO_SINGLE_AGENT_PREFERRED", "SYSTEMIC_CHOICE_AWAITS_RECEPTORS"],
    ),
    row(
        "Chemotherapy: hr unknown with endocrine resistance",
        build(HR_UNKNOWN, endocrine_resistance=True),
        include=CHEMO,
        exclude=ENDOCRINE,
    ),
    row(
        "Chemotherapy: HER2-enriched",
        build(TRIPLE_NEGATIVE, her2_ihc="3+"),
        include=CHEMO + HER2,
        exclude=ENDOCRINE,
    ),
    row("Chemotherapy: not for plain hr+ disease", METASTATIC, exclude=CHEMO),
    # hr unknown, no crisis, no resistance: the choice waits for the receptor status
    row(
        "Receptor status unknown: neither endocrine therapy nor chemotherapy",
        HR_UNKNOWN,
        include=["RECEPTOR_REASSESSMENT", "MET_PALLIATIVE_INTENT"],
        exclude=ENDOCRINE + CHEMO,
    ),
    row(
        "Receptor status unknown: one receptor negative, one unknown",
        build(METASTATIC, er="negative", pr="unknown"),
        include=["RECEPTOR_REASSESSMENT"],
        exclude=ENDOCRINE + CHEMO,
    ),
    # HER2-positive disease: trastuzumab with cardiac monitoring; lapatinib (patient guide)
    row(
        "HER2: IHC 3+ without ISH is not confirmed, trastuzumab to consider (2.0)",
        build(METASTATIC, her2_ihc="3+"),
        include=[*HER2, "HER2_ISH_CONFIRMATION", "HR_HER2_BOTH_BRANCHES"],
        kinds={
            "HER2_TRASTUZUMAB": "consider",
            "HER2_CARDIAC_MONITORING": "monitoring",
            "HER2_LAPATINIB_OPTION": "info",
            "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB": "warning",
            "HR_HER2_BOTH_BRANCHES": "info",
        },
    ),
    row(
        "HER2: IHC 3+ and ISH amplified, confirmed, trastuzumab a treatment",
        build(METASTATIC, her2_ihc="3+", her2_ish="amplified"),
        include=HER2,
        exclude=["HER2_ISH_CONFIRMATION"],
        kinds={"HER2_TRASTUZUMAB": "treatment"},
    ),
    row(
        "HER2: IHC 3+ and ISH not amplified, discordant, trastuzumab to consider",
        build(METASTATIC, her2_ihc="3+", her2_ish="not_amplified"),
        include=[*HER2, "HER2_ISH_CONFIRMATION"],
        kinds={"HER2_TRASTUZUMAB": "consider"},
    ),
    row(
        "HER2: hormone receptor negative, no both-branches note",
        build(METASTATIC, er="negative", pr="negative", her2_ish="amplified"),
        include=HER2,
        exclude=["HR_HER2_BOTH_BRANCHES"],
    ),
    row(
        "HER2: IHC 2+ amplified",
        build(METASTATIC, her2_ihc="2+", her2_ish="amplified"),
        include=HER2,
    ),
    row(
        "HER2: IHC 2+ without ISH",
        build(METASTATIC, her2_ihc="2+"),
        include=["HER2_ISH_CONFIRMATION"],
        exclude=HER2,
    ),
    row("HER2: unknown", build(METASTATIC, her2_ihc="unknown"), exclude=HER2),
    row("HER2: negative", METASTATIC, exclude=HER2),
    # Supportive care: bisphosphonates for hypercalcaemia and lytic bone metastases
    row(
        "Bisphosphonates: bone metastases",
        build(METASTATIC, sites=sites("bone", "lung")),
        include=["BONE_BISPHOSPHONATE"],
        kinds={"BONE_BISPHOSPHONATE": "supportive"},
    ),
    row(
        "Bisphosphonates: hypercalcaemia without bone metastases",
        build(METASTATIC, hypercalcaemia=True),
        include=["BONE_BISPHOSPHONATE"],
    ),
    row("Bisphosphonates: neither", METASTATIC, exclude=["BONE_BISPHOSPHONATE"]),
    row(
        "Bisphosphonates: bone pain alone",
        build(METASTATIC, bone_pain=True),
        exclude=["BONE_BISPHOSPHONATE"],
    ),
    # Supportive care: radiotherapy for symptomatic sites
    row(
        "Palliative radiotherapy: a symptomatic metastasis",
        build(METASTATIC, sites=sites("bone"), symptomatic_sites=["bone"]),
        include=["PALLIATIVE_RADIOTHERAPY"],
        kinds={"PALLIATIVE_RADIOTHERAPY": "supportive"},
    ),
    row(
        "Palliative radiotherapy: a bleeding primary in de novo disease",
        build(DE_NOVO, symptomatic_sites=["breast"]),
        include=["PALLIATIVE_RADIOTHERAPY"],
    ),
    row(
        "Palliative radiotherapy: no symptomatic site",
        build(METASTATIC, symptomatic_sites=[]),
        exclude=["PALLIATIVE_RADIOTHERAPY"],
    ),
    # Performance status sets intensity; patient guide on pain and symptom management
    row(
        "Symptom-focused care: ECOG 3",
        build(METASTATIC, ecog=3),
        include=["SYMPTOM_FOCUSED_CARE"],
        kinds={"SYMPTOM_FOCUSED_CARE": "consider"},
    ),
    row(
        "Symptom-focused care: ECOG 4", build(METASTATIC, ecog=4), include=["SYMPTOM_FOCUSED_CARE"]
    ),
    row(
        "Symptom-focused care: ECOG 2", build(METASTATIC, ecog=2), exclude=["SYMPTOM_FOCUSED_CARE"]
    ),
    row(
        "Symptom-focused care: ECOG 0", build(METASTATIC, ecog=0), exclude=["SYMPTOM_FOCUSED_CARE"]
    ),
    row(
        "Symptom-focused care: ECOG not recorded",
        build(METASTATIC, ecog=None),
        exclude=["SYMPTOM_FOCUSED_CARE"],
    ),
    # Surgery may be considered for limited metastatic presentations (Pockaj 2010)
    row(
        "Limited metastatic surgery: 5 lesions, ECOG 0",
        build(OLIGO, ecog=0),
        include=["SURGERY_LIMITED_METASTATIC"],
        kinds={"SURGERY_LIMITED_METASTATIC": "consider"},
    ),
    row(
        "Limited metastatic surgery: ECOG 1",
        build(OLIGO, ecog=1),
        include=["SURGERY_LIMITED_METASTATIC"],
    ),
    row(
        "Limited metastatic surgery: ECOG 2",
        build(OLIGO, ecog=2),
        include=["SURGERY_LIMITED_METASTATIC"],
    ),
    row(
        "Limited metastatic surgery: ECOG not recorded (2.0: must be recorded)",
        build(OLIGO, ecog=None),
        exclude=["SURGERY_LIMITED_METASTATIC"],
    ),
    row(
        "Limited metastatic surgery: ECOG 3",
        build(OLIGO, ecog=3),
        exclude=["SURGERY_LIMITED_METASTATIC"],
    ),
    row(
        "Limited metastatic surgery: ECOG 4",
        build(OLIGO, ecog=4),
        exclude=["SURGERY_LIMITED_METASTATIC"],
    ),
    row(
        "Limited metastatic surgery: 6 lesions",
        build(OLIGO, sites=[{"site": "lung", "lesions": 3}, {"site": "bone", "lesions": 3}]),
        exclude=["SURGERY_LIMITED_METASTATIC"],
    ),
    row(
        "Limited metastatic surgery: lesions not counted",
        build(OLIGO, sites=[{"site": "lung", "lesions": 1}, {"site": "bone", "lesions": None}]),
        exclude=["SURGERY_LIMITED_METASTATIC"],
    ),
    row(
        "Limited metastatic surgery: de novo, primary lesions do not count",
        build(DE_NOVO, sites=[{"site": "breast", "lesions": 4}, {"site": "lung", "lesions": 2}]),
        include=["SURGERY_LIMITED_METASTATIC"],
    ),
    # Soomro 2021: surgery of the primary after systemic disease control, de novo stage IV
    row(
        "Primary tumour surgery: de novo, in place, controlled",
        CONTROLLED_DE_NOVO,
        include=["PRIMARY_TUMOUR_SURGERY"],
        kinds={"PRIMARY_TUMOUR_SURGERY": "consider"},
    ),
    row(
        "Primary tumour surgery: in place by default",
        build(CONTROLLED_DE_NOVO, primary_in_situ=True),
        include=["PRIMARY_TUMOUR_SURGERY"],
    ),
    row(
        "Primary tumour surgery: not controlled",
        build(DE_NOVO, systemic_disease_controlled=False),
        exclude=["PRIMARY_TUMOUR_SURGERY"],
    ),
    row(
        "Primary tumour surgery: control not known",
        build(DE_NOVO, systemic_disease_controlled=None),
        exclude=["PRIMARY_TUMOUR_SURGERY"],
    ),
    row(
        "Primary tumour surgery: primary already removed",
        build(CONTROLLED_DE_NOVO, primary_in_situ=False),
        exclude=["PRIMARY_TUMOUR_SURGERY"],
    ),
    row(
        "Primary tumour surgery: not for a recurrence",
        build(METASTATIC, primary_in_situ=True, systemic_disease_controlled=True),
        exclude=["PRIMARY_TUMOUR_SURGERY"],
    ),
    # Liver series: solitary liver metastasis in good general condition
    row(
        "Liver resection: liver only, ECOG 0",
        LIVER_ONLY,
        include=["LIVER_RESECTION"],
        kinds={"LIVER_RESECTION": "consider"},
    ),
    row(
        "Liver resection: liver only, ECOG 1",
        build(LIVER_ONLY, ecog=1),
        include=["LIVER_RESECTION"],
    ),
    row(
        "Liver resection: liver only, lesions not counted (2.0: must be counted)",
        build(LIVER_ONLY, sites=sites("liver")),
        exclude=["LIVER_RESECTION"],
    ),
    row(
        "Liver resection: liver and local-regional disease",
        build(
            LIVER_ONLY,
            sites=[{"site": "chest_wall", "lesions": 1}, {"site": "liver", "lesions": 1}],
        ),
        include=["LIVER_RESECTION"],
    ),
    row("Liver resection: ECOG 2", build(LIVER_ONLY, ecog=2), exclude=["LIVER_RESECTION"]),
    row("Liver resection: ECOG 3", build(LIVER_ONLY, ecog=3), exclude=["LIVER_RESECTION"]),
    row(
        "Liver resection: ECOG not recorded",
        build(LIVER_ONLY, ecog=None),
        exclude=["LIVER_RESECTION"],
    ),
    row(
        "Liver resection: liver and bone",
        build(LIVER_ONLY, sites=sites("liver", "bone")),
        exclude=["LIVER_RESECTION"],
    ),
    row(
        "Liver resection: lung only",
        build(LIVER_ONLY, sites=sites("lung")),
        exclude=["LIVER_RESECTION"],
    ),
    # Tumour markers (CA 15-3) in disease not easily measurable
    row(
        "Tumour markers: bone only",
        build(METASTATIC, sites=sites("bone")),
        include=["MONITOR_TUMOUR_MARKERS"],
        kinds={"MONITOR_TUMOUR_MARKERS": "monitoring"},
    ),
    row(
        "Tumour markers: bone and local-regional disease",
        build(METASTATIC, sites=sites("axillary_nodes", "bone")),
        include=["MONITOR_TUMOUR_MARKERS"],
    ),
    row(
        "Tumour markers: bone and lung",
        build(METASTATIC, sites=sites("bone", "lung")),
        exclude=["MONITOR_TUMOUR_MARKERS"],
    ),
    row("Tumour markers: lung only", METASTATIC, exclude=["MONITOR_TUMOUR_MARKERS"]),
]


@pytest.mark.parametrize(("data", "include", "exclude", "kinds"), ROWS)
def test_it_follows_the_metastatic_algorithm(data, include, exclude, kinds):
    result = check(data, include, exclude, kinds)
    assert (result["category"], result["intent"]) == ("metastatic", "palliative")


def test_it_says_the_treatment_choice_waits_for_the_receptor_status():
    detail = recommendation(run(HR_UNKNOWN), "RECEPTOR_REASSESSMENT")["detail"].lower()
    assert "wait" in detail
    assert "endocrine" in detail and "chemotherapy" in detail


@pytest.mark.parametrize(
    "data",
    [
        build(METASTATIC, receptors_tested_on="primary"),
        build(HR_UNKNOWN, visceral_crisis=True),
        build(HR_UNKNOWN, sites=sites("chest_wall")),
    ],
    ids=["hr known", "hr unknown but chemotherapy", "local-regional"],
)
def test_it_says_nothing_about_waiting_when_the_choice_is_made(data):
    detail = recommendation(run(data), "RECEPTOR_REASSESSMENT")["detail"].lower()
    assert "wait" not in detail


# A metastatic case that would trip every local-regional rule if it were local-regional.
EVERYTHING_LOCAL_REGIONAL_WOULD_USE = build(
    METASTATIC,
    sites=sites("breast", "chest_wall", "bone"),
    prior_breast_surgery="breast_conserving",
    prior_breast_radiotherapy=True,
    resectable=False,
)


@pytest.mark.parametrize(
    "data",
    [
        EVERYTHING_LOCAL_REGIONAL_WOULD_USE,
        build(
            EVERYTHING_LOCAL_REGIONAL_WOULD_USE, resectable=True, prior_breast_radiotherapy=False
        ),
        build(DE_NOVO, sites=sites("breast", "lung"), prior_breast_surgery="breast_conserving"),
    ],
    ids=["not resectable", "resectable", "de novo"],
)
def test_it_emits_no_local_regional_code_for_metastatic_disease(data):
    result = run(data)
    assert result["category"] == "metastatic"
    assert codes(result) & set(LOCOREGIONAL_CODES) == set()


# --- the shape and order of the result ---------------------------------------------------

MANY = [
    build(
        METASTATIC,
        workup={"cbc": False},
        ecog=None,
        sites=sites("bone"),
        symptomatic_sites=["bone"],
    ),
    build(
        PRE,
        her2_ihc="3+",
        sites=[{"site": "liver", "lesions": 1}],
        ecog=0,
        histology_confirmed=False,
    ),
    build(
        TRIPLE_NEGATIVE,
        ecog=3,
        hypercalcaemia=True,
        neurological_symptoms=True,
        workup={"brain_imaging": False},
    ),
    build(HR_UNKNOWN, menopausal_status="unknown", endocrine_resistance=True),
    build(CONTROLLED_DE_NOVO, her2_ihc="2+", symptomatic_sites=["breast"]),
    build(
        LOCOREGIONAL,
        sites=sites("breast"),
        prior_breast_surgery="breast_conserving",
        resectable=False,
    ),
]


@pytest.mark.parametrize("data", MANY)
def test_it_orders_recommendations_by_kind_then_rule(data):
    recs = run(data)["recommendations"]
    keys = [(KIND_ORDER.index(r["kind"]), r["rule"]) for r in recs]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("data", MANY)
def test_it_gives_each_recommendation_its_reasons_and_source(data):
    result = run(data)
    assert (result["ruleset"]["id"], result["ruleset"]["version"]) == ("mbc-recurrence", "2.0")
    assert set(result) >= {
        "ruleset",
        "category",
        "intent",
        "hr",
        "her2",
        "subtype",
        "oligometastatic",
        "disease_free_interval_months",
        "recommendations",
        "prognosis",
    }
    for rec in result["recommendations"]:
        assert set(rec) == {"code", "kind", "title", "detail", "rule", "source", "because"}
        assert isinstance(rec["because"], list) and rec["because"], rec["code"]
        assert all(isinstance(reason, str) and reason.strip() for reason in rec["because"])
        assert rec["source"]["id"] in SOURCES, rec["code"]
        assert isinstance(rec["source"]["section"], str) and rec["source"]["section"]
        assert isinstance(rec["source"]["passage"], str) and len(rec["source"]["passage"]) >= 25
        assert rec["title"].strip() and rec["detail"].strip()


@pytest.mark.parametrize("data", MANY)
def test_it_emits_each_code_once(data):
    result = run(data)
    every = [r["code"] for r in result["recommendations"]]
    every += [c for listed in result["prognosis"].values() for c in listed]
    assert len(every) == len(set(every))


def test_it_puts_the_reasons_of_the_case_into_because():
    rec = recommendation(run(build(METASTATIC, endocrine_resistance=True)), "CHEMOTHERAPY")
    assert any("resist" in reason.lower() for reason in rec["because"])
    rec = recommendation(run(build(OLIGO, ecog=2)), "SURGERY_LIMITED_METASTATIC")
    assert any("5 distant lesions" in reason for reason in rec["because"])
    assert "ECOG 2 (2 or lower)" in rec["because"]


def test_it_cites_the_studies_the_contract_names():
    primary = run(build(CONTROLLED_DE_NOVO, ecog=0))
    assert recommendation(primary, "PRIMARY_TUMOUR_SURGERY")["source"]["id"] == "soomro-2021"
    liver = run(LIVER_ONLY)
    assert recommendation(liver, "LIVER_RESECTION")["source"]["id"] == "severance-liver"
