"""Contract 2.0, section 4: the gates and codes new in 2.0 for metastatic disease, and
`unmet_conditions` for the surgical rules. Each row names the part of the contract it encodes."""

from __future__ import annotations

import pytest

from recurrence.guideline import (
    RULE_CONDITIONS,
    derive_facts,
    facts_for,
    parse_case,
    unmet_conditions,
)
from tests.guideline.cases import (
    DE_NOVO,
    LOCOREGIONAL,
    METASTATIC,
    TODAY,
    build,
    check,
    codes,
    recommendation,
    row,
    run,
    sites,
)

POST = METASTATIC  # postmenopausal, hormone receptor positive, HER2 negative
PRE = build(METASTATIC, menopausal_status="premenopausal")
ON_AI = {"prior_aromatase_inhibitor": True}
ON_TAMOXIFEN = {"prior_tamoxifen": True}
TRIPLE_NEGATIVE = build(METASTATIC, er="negative", pr="negative", her2_ihc="0")
FIT = build(
    METASTATIC, sites=[{"site": "lung", "lesions": 2}, {"site": "bone", "lesions": 1}], ecog=1
)
LIVER = build(METASTATIC, sites=[{"site": "liver", "lesions": 1}], ecog=0)
PRIMARY = build(DE_NOVO, systemic_disease_controlled=True, ecog=1)

ROWS = [
    # Endocrine history: recent aromatase inhibitor (section 2, 12-month rule; section 4)
    row(
        "Postmenopausal, on an AI: no AI again, tamoxifen and second line to consider",
        build(POST, **ON_AI),
        include=["ENDO_TAMOXIFEN_ALTERNATIVE", "ENDO_SECOND_LINE_OPTIONS"],
        exclude=["ENDO_AROMATASE_INHIBITOR", "ENDOCRINE_RESISTANCE_CHECK"],
        kinds={"ENDO_SECOND_LINE_OPTIONS": "consider", "ENDO_TAMOXIFEN_ALTERNATIVE": "consider"},
    ),
    row(
        "Postmenopausal, AI stopped 12 months before: still recent",
        build(POST, **ON_AI, aromatase_inhibitor_end_date="2023-04-10"),
        exclude=["ENDO_AROMATASE_INHIBITOR"],
        kinds={"ENDO_SECOND_LINE_OPTIONS": "consider"},
    ),
    row(
        "Postmenopausal, AI stopped 13 months before: AI offered again",
        build(POST, **ON_AI, aromatase_inhibitor_end_date="2023-03-10"),
        include=["ENDO_AROMATASE_INHIBITOR"],
        kinds={"ENDO_SECOND_LINE_OPTIONS": "info"},
    ),
    row(
        "Postmenopausal, on tamoxifen: no tamoxifen again",
        build(POST, **ON_TAMOXIFEN),
        include=["ENDO_AROMATASE_INHIBITOR"],
        exclude=["ENDO_TAMOXIFEN_ALTERNATIVE"],
    ),
    row(
        "Postmenopausal, recent AI and tamoxifen: neither first-line drug remains",
        build(POST, **ON_AI, **ON_TAMOXIFEN),
        include=["ENDOCRINE_FIRST_LINE", "ENDOCRINE_RESISTANCE_CHECK", "ENDO_SECOND_LINE_OPTIONS"],
        exclude=["ENDO_AROMATASE_INHIBITOR", "ENDO_TAMOXIFEN_ALTERNATIVE"],
        kinds={"ENDOCRINE_RESISTANCE_CHECK": "warning", "ENDO_SECOND_LINE_OPTIONS": "consider"},
    ),
    row(
        "Premenopausal, on an AI: tamoxifen with ovarian ablation, no AI",
        build(PRE, **ON_AI),
        include=["ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION"],
        exclude=["ENDO_AI_OVARIAN_SUPPRESSION"],
    ),
    row(
        "Premenopausal, recent AI and tamoxifen: resistance check",
        build(PRE, **ON_AI, **ON_TAMOXIFEN),
        include=["ENDOCRINE_RESISTANCE_CHECK"],
        exclude=["ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION", "ENDO_AI_OVARIAN_SUPPRESSION"],
    ),
    row(
        "Premenopausal, no endocrine history: the AI may be considered",
        PRE,
        include=["ENDO_AI_OVARIAN_SUPPRESSION", "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION"],
        kinds={"ENDO_AI_OVARIAN_SUPPRESSION": "consider"},
    ),
    row(
        "Menopausal status unknown, both drugs recent: no branch, no resistance check",
        build(POST, menopausal_status="unknown", **ON_AI, **ON_TAMOXIFEN),
        include=["MENOPAUSAL_STATUS_ASSESSMENT"],
        exclude=["ENDOCRINE_RESISTANCE_CHECK"],
    ),
    row(
        "Endocrine resistance: no resistance check, chemotherapy",
        build(POST, endocrine_resistance=True, **ON_AI, **ON_TAMOXIFEN),
        include=["CHEMOTHERAPY", "WARN_STOP_INEFFECTIVE_ENDOCRINE"],
        exclude=["ENDOCRINE_RESISTANCE_CHECK"],
    ),
    # Receptors unknown: the systemic choice waits
    row(
        "HR unknown, no crisis, no resistance: the choice waits",
        build(METASTATIC, er="unknown", pr="unknown"),
        include=["SYSTEMIC_CHOICE_AWAITS_RECEPTORS", "RECEPTOR_REASSESSMENT"],
        exclude=["ENDOCRINE_FIRST_LINE", "CHEMOTHERAPY"],
        kinds={"SYSTEMIC_CHOICE_AWAITS_RECEPTORS": "info"},
    ),
    row(
        "HR unknown with endocrine resistance: chemotherapy, nothing waits",
        build(METASTATIC, er="unknown", pr="unknown", endocrine_resistance=True),
        include=["CHEMOTHERAPY"],
        exclude=["SYSTEMIC_CHOICE_AWAITS_RECEPTORS"],
    ),
    row("HR known: nothing waits", METASTATIC, exclude=["SYSTEMIC_CHOICE_AWAITS_RECEPTORS"]),
    # Chemotherapy and performance status
    *[
        row(
            f"Chemotherapy at ECOG {e}",
            build(TRIPLE_NEGATIVE, ecog=e),
            include=["CHEMOTHERAPY"],
            kinds={"CHEMOTHERAPY": k},
        )
        for e, k in (
            (0, "treatment"),
            (2, "treatment"),
            (None, "treatment"),
            (3, "consider"),
            (4, "consider"),
        )
    ],
    row(
        "Chemotherapy: duration and later lines",
        TRIPLE_NEGATIVE,
        include=["CHEMO_DURATION", "CHEMO_LATER_LINES", "CHEMO_SINGLE_AGENT_PREFERRED"],
        exclude=["CHEMO_RAPID_RESPONSE"],
    ),
    # HER2 and both branches
    row(
        "HR+ HER2+: both branches named",
        build(METASTATIC, her2_ihc="3+", her2_ish="amplified"),
        include=["HR_HER2_BOTH_BRANCHES", "ENDOCRINE_FIRST_LINE", "HER2_TRASTUZUMAB"],
        kinds={"HER2_TRASTUZUMAB": "treatment", "HR_HER2_BOTH_BRANCHES": "info"},
    ),
    row(
        "HER2 equivocal: no trastuzumab, no anthracycline warning",
        build(TRIPLE_NEGATIVE, her2_ihc="2+"),
        exclude=["HER2_TRASTUZUMAB", "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB"],
    ),
    # Palliative radiotherapy: symptoms count (2.0)
    row(
        "Radiotherapy: brain metastases with neurological symptoms",
        build(METASTATIC, sites=sites("brain"), neurological_symptoms=True),
        include=["PALLIATIVE_RADIOTHERAPY"],
    ),
    row(
        "Radiotherapy: brain metastases without symptoms",
        build(METASTATIC, sites=sites("brain")),
        exclude=["PALLIATIVE_RADIOTHERAPY"],
    ),
    row(
        "Radiotherapy: bone metastases with bone pain",
        build(METASTATIC, sites=sites("bone"), bone_pain=True),
        include=["PALLIATIVE_RADIOTHERAPY"],
    ),
    row(
        "Radiotherapy: bone pain without bone metastases",
        build(METASTATIC, bone_pain=True),
        exclude=["PALLIATIVE_RADIOTHERAPY"],
    ),
    row(
        "Radiotherapy: neurological symptoms without brain metastases",
        build(METASTATIC, neurological_symptoms=True),
        exclude=["PALLIATIVE_RADIOTHERAPY"],
    ),
    row(
        "Radiotherapy: a symptomatic site",
        build(METASTATIC, symptomatic_sites=["lung"]),
        include=["PALLIATIVE_RADIOTHERAPY"],
    ),
    # Tumour markers: not easily measurable disease (bone, pleura, peritoneum only)
    *[
        row(
            f"Tumour markers: {'+'.join(n)}",
            build(METASTATIC, sites=sites(*n)),
            **(
                {"include": ["MONITOR_TUMOUR_MARKERS"]}
                if hard
                else {"exclude": ["MONITOR_TUMOUR_MARKERS"]}
            ),
        )
        for n, hard in (
            (("pleura",), True),
            (("peritoneum",), True),
            (("bone", "peritoneum"), True),
            (("pleura", "liver"), False),
            (("brain",), False),
        )
    ],
    # Surgery of limited metastatic disease: fit and resectable not false
    row("Limited surgery: fit", FIT, include=["SURGERY_LIMITED_METASTATIC"]),
    row(
        "Limited surgery: resectable",
        build(FIT, resectable=True),
        include=["SURGERY_LIMITED_METASTATIC"],
    ),
    *[
        row(f"Limited surgery: {name}", build(FIT, **o), exclude=["SURGERY_LIMITED_METASTATIC"])
        for name, o in (
            ("not resectable", {"resectable": False}),
            ("visceral crisis", {"visceral_crisis": True}),
            ("bulky", {"bulky_disease": True}),
            ("ECOG 3", {"ecog": 3}),
            ("ECOG not recorded", {"ecog": None}),
            ("not staged", {"workup": {"chest_imaging": False}}),
            ("disease controlled", {"systemic_disease_controlled": True}),
            ("6 lesions", {"sites": [{"site": "lung", "lesions": 6}]}),
            ("lesions not counted", {"sites": sites("lung", "bone")}),
            (
                "contralateral breast alone",
                {"sites": [{"site": "contralateral_breast", "lesions": 1}]},
            ),
        )
    ],
    # Primary tumour surgery: de novo, in place, controlled, no crisis, ECOG 0-2
    row("Primary surgery: every condition met", PRIMARY, include=["PRIMARY_TUMOUR_SURGERY"]),
    *[
        row(f"Primary surgery: {name}", build(PRIMARY, **o), exclude=["PRIMARY_TUMOUR_SURGERY"])
        for name, o in (
            ("visceral crisis", {"visceral_crisis": True}),
            ("ECOG 3", {"ecog": 3}),
            ("ECOG not recorded", {"ecog": None}),
            ("not controlled", {"systemic_disease_controlled": False}),
            ("control not assessed", {"systemic_disease_controlled": None}),
            ("primary removed", {"primary_in_situ": False}),
        )
    ],
    # Liver resection: liver only, fit, ECOG 0-1, resectable not false
    row(
        "Liver resection: every condition met",
        LIVER,
        include=["LIVER_RESECTION", "SURGERY_LIMITED_METASTATIC"],
    ),
    *[
        row(f"Liver resection: {name}", build(LIVER, **o), exclude=["LIVER_RESECTION"])
        for name, o in (
            ("ECOG 2", {"ecog": 2}),
            ("visceral crisis", {"visceral_crisis": True}),
            ("12 lesions", {"sites": [{"site": "liver", "lesions": 12}]}),
            ("not resectable", {"resectable": False}),
            ("bulky", {"bulky_disease": True}),
            ("not staged", {"workup": {"abdominal_imaging": False}}),
            ("disease controlled", {"systemic_disease_controlled": True}),
            (
                "liver and lung",
                {"sites": [{"site": "liver", "lesions": 1}, {"site": "lung", "lesions": 1}]},
            ),
        )
    ],
]


@pytest.mark.parametrize(("data", "include", "exclude", "kinds"), ROWS)
def test_section_4_metastatic_gates_of_2_0(data, include, exclude, kinds):
    check(data, include, exclude, kinds)


def test_section_4_regimens_name_no_anthracycline_when_her2_positive():
    positive = recommendation(run(build(TRIPLE_NEGATIVE, her2_ihc="3+")), "CHEMO_REGIMEN_OPTIONS")[
        "detail"
    ]
    assert "doxorubicin" not in positive.lower() and "epirubicin" not in positive.lower()
    assert "docetaxel/capecitabine" in positive and "gemcitabine" in positive
    single = recommendation(
        run(build(TRIPLE_NEGATIVE, her2_ihc="3+")), "CHEMO_SINGLE_AGENT_PREFERRED"
    )["detail"]
    assert "anthracyclines," not in single
    negative = recommendation(run(TRIPLE_NEGATIVE), "CHEMO_REGIMEN_OPTIONS")["detail"]
    assert "doxorubicin" in negative
    unknown = recommendation(run(build(TRIPLE_NEGATIVE, her2_ihc="2+")), "CHEMO_REGIMEN_OPTIONS")[
        "detail"
    ]
    assert unknown.index("cyclophosphamide/methotrexate") < unknown.index("doxorubicin")
    assert "HER2 result decides" in unknown


def test_section_4_controlled_disease_speaks_of_the_therapy_that_controlled_it():
    result = run(
        build(DE_NOVO, systemic_disease_controlled=True, her2_ihc="3+", her2_ish="amplified")
    )
    for code in ("ENDOCRINE_FIRST_LINE", "HER2_TRASTUZUMAB"):
        assert "controlled it, not a therapy to start" in recommendation(result, code)["detail"], (
            code
        )
    assert "controlled it" not in recommendation(run(METASTATIC), "ENDOCRINE_FIRST_LINE")["detail"]


def test_section_4_surgery_details_say_what_the_evidence_shows():
    assert "NRG-BR002" in recommendation(run(FIT), "SURGERY_LIMITED_METASTATIC")["detail"]
    liver = recommendation(run(LIVER), "LIVER_RESECTION")["detail"]
    assert "no comparison group" in liver
    primary = recommendation(run(PRIMARY), "PRIMARY_TUMOUR_SURGERY")["detail"]
    assert "no overall survival benefit" in primary and "MF07-01" in primary


def test_section_4_trastuzumab_is_not_called_confirmed_without_ish():
    unconfirmed = recommendation(run(build(METASTATIC, her2_ihc="3+")), "HER2_TRASTUZUMAB")
    assert "not confirmed" in " ".join(unconfirmed["because"]).lower()
    assert "is confirmed" not in unconfirmed["detail"]


# --- unmet_conditions ---------------------------------------------------------------------


def unmet(data, code):
    return [item["code"] for item in unmet_conditions(facts_for(data, today=TODAY), code)]


@pytest.mark.parametrize(
    ("data", "code", "expected"),
    [
        (FIT, "SURGERY_LIMITED_METASTATIC", []),
        (LIVER, "LIVER_RESECTION", []),
        (PRIMARY, "PRIMARY_TUMOUR_SURGERY", []),
        (
            build(LIVER, visceral_crisis=True, sites=[{"site": "liver", "lesions": 12}]),
            "LIVER_RESECTION",
            ["not_oligometastatic", "visceral_crisis"],
        ),
        (
            build(LIVER, ecog=4, bulky_disease=True, resectable=False),
            "LIVER_RESECTION",
            ["ecog_too_high", "bulky_disease", "not_resectable"],
        ),
        (
            build(LIVER, ecog=None, workup={"chest_imaging": False}),
            "LIVER_RESECTION",
            ["ecog_not_recorded", "not_staged"],
        ),
        (
            build(
                LIVER, sites=[{"site": "liver", "lesions": None}, {"site": "bone", "lesions": 7}]
            ),
            "LIVER_RESECTION",
            ["not_liver_only", "lesions_not_counted", "not_oligometastatic"],
        ),
        (
            build(FIT, systemic_disease_controlled=True),
            "SURGERY_LIMITED_METASTATIC",
            ["disease_controlled"],
        ),
        (
            build(FIT, sites=[{"site": "contralateral_breast", "lesions": 1}]),
            "SURGERY_LIMITED_METASTATIC",
            ["contralateral_breast_only"],
        ),
        (build(LOCOREGIONAL), "SURGERY_LIMITED_METASTATIC", ["not_metastatic"]),
        (
            build(METASTATIC, primary_in_situ=False, visceral_crisis=True, ecog=3),
            "PRIMARY_TUMOUR_SURGERY",
            [
                "not_de_novo",
                "primary_not_in_place",
                "disease_not_controlled",
                "visceral_crisis",
                "ecog_too_high",
            ],
        ),
        (
            build(PRIMARY, systemic_disease_controlled=None, ecog=None),
            "PRIMARY_TUMOUR_SURGERY",
            ["disease_not_controlled", "ecog_not_recorded"],
        ),
    ],
)
def test_unmet_conditions_names_every_unmet_condition(data, code, expected):
    assert unmet(data, code) == expected


def test_unmet_conditions_are_plain_words():
    items = unmet_conditions(facts_for(build(LIVER, ecog=2), today=TODAY), "LIVER_RESECTION")
    assert items == [{"code": "ecog_too_high", "text": items[0]["text"]}]
    assert "ECOG 2" in items[0]["text"] and "_" not in items[0]["text"]


@pytest.mark.parametrize("code", sorted(RULE_CONDITIONS))
@pytest.mark.parametrize(
    "data",
    [
        FIT,
        LIVER,
        PRIMARY,
        METASTATIC,
        LOCOREGIONAL,
        DE_NOVO,
        build(LIVER, ecog=2),
        build(PRIMARY, ecog=3),
        build(FIT, bulky_disease=True),
        build(LIVER, resectable=False),
        build(LIVER, systemic_disease_controlled=True),
    ],
)
def test_unmet_conditions_is_empty_exactly_when_the_rule_fires(code, data):
    fires = code in codes(run(data))
    assert (unmet_conditions(derive_facts(parse_case(data, today=TODAY)), code) == []) is fires


def test_unmet_conditions_refuses_other_codes():
    with pytest.raises(ValueError, match="CHEMOTHERAPY"):
        unmet_conditions(facts_for(METASTATIC, today=TODAY), "CHEMOTHERAPY")


def test_the_surgical_rules_use_the_one_definition_of_their_conditions():
    from recurrence.guideline import RULES
    from recurrence.guideline.conditions import FIT_CONDITIONS

    for code in RULE_CONDITIONS:
        rule = next(r for r in RULES if r.code == code)
        assert rule.when.__closure__[0].cell_contents is RULE_CONDITIONS[code]
    for code in ("SURGERY_LIMITED_METASTATIC", "LIVER_RESECTION"):
        assert set(FIT_CONDITIONS) <= set(RULE_CONDITIONS[code])
