"""Contract section 4: isolated local-regional recurrence (guideline: Isolated
Local-Regional Recurrence and Critical Pitfalls; patient guide: Treatment for Breast
Cancer Recurrence)."""

from __future__ import annotations

import pytest

from tests.guideline.cases import LOCOREGIONAL, build, check, codes, recommendation, row, run, sites
from tests.guideline.contract import LOCOREGIONAL_CODES, METASTATIC_CODES

ALWAYS = ["LRR_CURATIVE_INTENT", "LRR_ADJUVANT_SYSTEMIC", "WARN_UNDERTREATMENT_LRR"]
# 2.0: mastectomy after breast conservation rests on the radiotherapy already given
IN_BREAST_AFTER_BCT = build(
    LOCOREGIONAL,
    sites=sites("breast"),
    prior_breast_surgery="breast_conserving",
    prior_breast_radiotherapy=True,
)
TREATMENTS = [c for c, k in LOCOREGIONAL_CODES.items() if isinstance(k, tuple)]

ROWS = [
    # Treat with curative intent like a new primary breast cancer
    row("Curative intent: chest wall after mastectomy", LOCOREGIONAL, include=ALWAYS),
    row(
        "Curative intent: in the breast after breast-conserving therapy",
        IN_BREAST_AFTER_BCT,
        include=ALWAYS,
    ),
    row(
        "Curative intent: regional nodes",
        build(LOCOREGIONAL, sites=sites("supraclavicular_nodes", "internal_mammary_nodes")),
        include=ALWAYS,
    ),
    row(
        "Curative intent: also when not resectable",
        build(LOCOREGIONAL, resectable=False),
        include=ALWAYS,
    ),
    row(
        "Curative intent: with poor performance status, consider and no undertreatment warning",
        build(LOCOREGIONAL, ecog=4),
        include=["LRR_CURATIVE_INTENT", "LRR_ADJUVANT_SYSTEMIC"],
        exclude=["WARN_UNDERTREATMENT_LRR"],
        kinds={"LRR_CURATIVE_INTENT": "consider", "LRR_ADJUVANT_SYSTEMIC": "consider"},
    ),
    # Surgical resection should be radical if technically feasible
    row(
        "Radical resection: resectability not judged",
        build(LOCOREGIONAL, resectable=None),
        include=["LRR_RADICAL_RESECTION"],
        exclude=["NEOADJUVANT_SYSTEMIC_THERAPY", "NEOADJUVANT_RESPONSE_MONITORING"],
    ),
    row(
        "Radical resection: resectable",
        build(LOCOREGIONAL, resectable=True),
        include=["LRR_RADICAL_RESECTION"],
        exclude=["NEOADJUVANT_SYSTEMIC_THERAPY", "NEOADJUVANT_RESPONSE_MONITORING"],
    ),
    row(
        "Radical resection: not resectable",
        build(LOCOREGIONAL, resectable=False),
        exclude=["LRR_RADICAL_RESECTION"],
    ),
    # Patient guide: chemotherapy before surgery, and check its response
    row(
        "Neoadjuvant: not resectable",
        build(LOCOREGIONAL, resectable=False),
        include=["NEOADJUVANT_SYSTEMIC_THERAPY", "NEOADJUVANT_RESPONSE_MONITORING"],
        kinds={
            "NEOADJUVANT_SYSTEMIC_THERAPY": "treatment",
            "NEOADJUVANT_RESPONSE_MONITORING": "monitoring",
        },
    ),
    # Patient guide: no repeat breast conservation after the full radiation dose
    row(
        "Mastectomy after BCT: in-breast, resectability not judged",
        IN_BREAST_AFTER_BCT,
        include=["LRR_MASTECTOMY_AFTER_BCT"],
    ),
    row(
        "Mastectomy after BCT: in-breast, resectable",
        build(IN_BREAST_AFTER_BCT, resectable=True),
        include=["LRR_MASTECTOMY_AFTER_BCT"],
    ),
    row(
        "Mastectomy after BCT: in-breast and nodes",
        build(IN_BREAST_AFTER_BCT, sites=sites("breast", "axillary_nodes")),
        include=["LRR_MASTECTOMY_AFTER_BCT"],
    ),
    row(
        "Mastectomy after BCT: in-breast, not resectable",
        build(IN_BREAST_AFTER_BCT, resectable=False),
        exclude=["LRR_MASTECTOMY_AFTER_BCT"],
    ),
    row(
        "Mastectomy after BCT: breast conservation without radiotherapy (2.0)",
        build(IN_BREAST_AFTER_BCT, prior_breast_radiotherapy=False),
        include=["LRR_RADICAL_RESECTION", "LRR_RADIOTHERAPY"],
        exclude=["LRR_MASTECTOMY_AFTER_BCT", "WARN_PRIOR_RADIOTHERAPY"],
    ),
    row(
        "Mastectomy after BCT: no prior surgery",
        build(IN_BREAST_AFTER_BCT, prior_breast_surgery="none"),
        exclude=["LRR_MASTECTOMY_AFTER_BCT"],
    ),
    row(
        "Mastectomy after BCT: nodes only after BCT",
        build(IN_BREAST_AFTER_BCT, sites=sites("axillary_nodes")),
        exclude=["LRR_MASTECTOMY_AFTER_BCT"],
    ),
    # Adjuvant chemotherapy, hormonal therapy and/or radiotherapy as appropriate
    row(
        "Radiotherapy: not irradiated before",
        build(LOCOREGIONAL, prior_breast_radiotherapy=False),
        include=["LRR_RADIOTHERAPY"],
        exclude=["WARN_PRIOR_RADIOTHERAPY"],
    ),
    row(
        "Radiotherapy: irradiated before",
        build(LOCOREGIONAL, prior_breast_radiotherapy=True),
        include=["WARN_PRIOR_RADIOTHERAPY"],
        exclude=["LRR_RADIOTHERAPY"],
        kinds={"WARN_PRIOR_RADIOTHERAPY": "warning"},
    ),
    row(
        "Radiotherapy: irradiated before, in the breast after BCT",
        build(IN_BREAST_AFTER_BCT, prior_breast_radiotherapy=True),
        include=["WARN_PRIOR_RADIOTHERAPY", "LRR_MASTECTOMY_AFTER_BCT"],
        exclude=["LRR_RADIOTHERAPY"],
    ),
    # Patient guide: risk-reducing mastectomy of the other breast
    row(
        "Contralateral mastectomy: in-breast recurrence",
        IN_BREAST_AFTER_BCT,
        include=["CONTRALATERAL_MASTECTOMY_DISCUSS"],
        kinds={"CONTRALATERAL_MASTECTOMY_DISCUSS": "consider"},
    ),
    row(
        "Contralateral mastectomy: in-breast, no prior surgery",
        build(LOCOREGIONAL, sites=sites("breast"), prior_breast_surgery="none"),
        include=["CONTRALATERAL_MASTECTOMY_DISCUSS"],
    ),
    row(
        "Contralateral mastectomy: chest wall only",
        LOCOREGIONAL,
        exclude=["CONTRALATERAL_MASTECTOMY_DISCUSS"],
    ),
    row(
        "Contralateral mastectomy: nodes only",
        build(LOCOREGIONAL, sites=sites("axillary_nodes", "infraclavicular_nodes")),
        exclude=["CONTRALATERAL_MASTECTOMY_DISCUSS"],
    ),
]


@pytest.mark.parametrize(("data", "include", "exclude", "kinds"), ROWS)
def test_it_follows_the_local_regional_algorithm(data, include, exclude, kinds):
    result = check(data, include, exclude, kinds)
    assert (result["category"], result["intent"]) == ("isolated_locoregional", "curative")


@pytest.mark.parametrize(
    ("ecog", "kind"),
    [(None, "treatment"), (0, "treatment"), (2, "treatment"), (3, "consider"), (4, "consider")],
)
@pytest.mark.parametrize("resectable", [True, False])
def test_section_4_every_local_regional_treatment_is_consider_with_poor_performance_status(
    ecog, kind, resectable
):
    result = run(
        build(
            IN_BREAST_AFTER_BCT,
            resectable=resectable,
            prior_breast_radiotherapy=resectable,
            ecog=ecog,
        )
    )
    seen = set()
    for rec in result["recommendations"]:
        if rec["code"] in TREATMENTS:
            assert rec["kind"] == kind, rec["code"]
            seen.add(rec["code"])
        elif rec["code"] in LOCOREGIONAL_CODES:
            assert rec["kind"] == LOCOREGIONAL_CODES[rec["code"]], rec["code"]
    assert len(seen) >= 4
    assert ("WARN_UNDERTREATMENT_LRR" in codes(result)) is (kind == "treatment")


def test_it_mentions_endocrine_therapy_in_the_adjuvant_plan_when_hr_positive():
    positive = recommendation(run(build(LOCOREGIONAL, er="positive")), "LRR_ADJUVANT_SYSTEMIC")
    negative = recommendation(
        run(build(LOCOREGIONAL, er="negative", pr="negative")), "LRR_ADJUVANT_SYSTEMIC"
    )
    assert any(w in positive["detail"].lower() for w in ("hormon", "endocrine"))
    assert positive["detail"] != negative["detail"]


# A local-regional case that would trip every metastatic rule if it were metastatic.
EVERYTHING_METASTATIC_WOULD_USE = build(
    LOCOREGIONAL,
    sites=[
        {"site": "breast", "lesions": 1},
        {"site": "chest_wall", "lesions": 1},
        {"site": "axillary_nodes", "lesions": 1},
    ],
    prior_breast_surgery="breast_conserving",
    menopausal_status="unknown",
    her2_ihc="3+",
    ecog=4,
    visceral_crisis=True,
    endocrine_resistance=True,
    hypercalcaemia=True,
    bone_pain=True,
    symptomatic_sites=["chest_wall"],
    primary_in_situ=True,
    systemic_disease_controlled=True,
)


@pytest.mark.parametrize(
    "data",
    [
        EVERYTHING_METASTATIC_WOULD_USE,
        build(EVERYTHING_METASTATIC_WOULD_USE, menopausal_status="premenopausal"),
        build(EVERYTHING_METASTATIC_WOULD_USE, visceral_crisis=False, endocrine_resistance=False),
        build(EVERYTHING_METASTATIC_WOULD_USE, er="negative", pr="negative", ecog=0),
        build(LOCOREGIONAL, sites=[{"site": "chest_wall", "lesions": 1}], ecog=0),
    ],
    ids=["all flags", "premenopausal", "endocrine", "hr negative", "oligo-like"],
)
def test_it_emits_no_metastatic_code_for_a_local_regional_recurrence(data):
    result = run(data)
    assert result["category"] == "isolated_locoregional"
    assert codes(result) & set(METASTATIC_CODES) == set()
    assert (
        codes(result) & {"PF_LIMITED_SITES", "PF_MULTIPLE_SITES", "PF_VISCERAL", "PF_NO_VISCERAL"}
        == set()
    )
    assert result["oligometastatic"] is False
