"""The display helpers behind the case page, run on real engine results (no database)."""

import datetime as dt

import pytest

from recurrence import presentation
from recurrence.guideline import PROGNOSTIC_RULES, derive_facts, parse_case, recommend
from tests.conftest import BASE_CASE

TODAY = dt.date(2025, 1, 1)


def evaluated(**overrides):
    body = {k: v for k, v in BASE_CASE.items() if k not in ("case_number", "hospital_number")}
    body.update(overrides)
    facts = derive_facts(parse_case(body, today=TODAY))
    return facts, recommend(facts)


def taken(path) -> list[str]:
    out = []
    for branch in path["branches"]:
        if branch.taken:
            out.append(branch.label)
        for step in branch.steps:
            out += [f"{step.question}: {o.label}" for o in step.options if o.taken]
    return out


def test_groups_follow_the_contracts_order_and_leave_out_empty_kinds():
    _, result = evaluated(
        workup={item: True for item in presentation.WORKUP_LABELS},
        histology_confirmed=True,
        receptors_tested_on="recurrence",
        er="negative",
        pr="negative",
    )
    groups = presentation.recommendation_groups(result)
    assert [g["kind"] for g in groups] == [
        k
        for k in ("treatment", "consider", "workup", "monitoring", "supportive", "warning", "info")
        if any(r["kind"] == k for r in result["recommendations"])
    ]
    assert sum(len(g["items"]) for g in groups) == len(result["recommendations"])
    item = groups[0]["items"][0]
    assert item["source"]["title"] == "Treatment of Breast Carcinoma Recurrence"
    assert item["because"]


def test_the_path_of_a_postmenopausal_hormone_receptor_positive_case():
    facts, result = evaluated()
    assert taken(presentation.algorithm_path(facts, result)) == [
        "Metastatic disease",
        "Hormone receptor: Positive",
        "First systemic treatment: Endocrine therapy",
        "Menopausal status: Postmenopausal",
        "HER2: Negative",
    ]


def test_chemotherapy_takes_the_menopausal_branch_out_of_the_path():
    facts, result = evaluated(er="negative", pr="negative", her2_ihc="3+")
    path = presentation.algorithm_path(facts, result)
    assert taken(path) == [
        "Metastatic disease",
        "Hormone receptor: Negative",
        "First systemic treatment: Chemotherapy",
        "HER2: Positive",
    ]
    steps = {s.question: s for s in path["branches"][1].steps}
    assert not steps["Menopausal status"].applies
    her2 = next(o for o in steps["HER2"].options if o.taken)
    assert "HER2_TRASTUZUMAB" in [lead["code"] for lead in her2.leads_to]


def test_an_unknown_receptor_status_leaves_the_treatment_waiting():
    facts, result = evaluated(er="unknown", pr="unknown", menopausal_status="premenopausal")
    assert taken(presentation.algorithm_path(facts, result))[:3] == [
        "Metastatic disease",
        "Hormone receptor: Unknown",
        "First systemic treatment: Waits for receptor status",
    ]


def test_the_local_regional_path_marks_resection_when_not_yet_judged():
    facts, result = evaluated(sites=[{"site": "breast", "lesions": 1}], symptomatic_sites=[])
    path = presentation.algorithm_path(facts, result)
    assert taken(path) == [
        "Isolated local-regional recurrence",
        "Resectable: Yes, or not yet judged",
        "Breast or chest wall irradiated before: No",
    ]
    assert not path["branches"][1].taken
    assert not any(o.taken for s in path["branches"][1].steps for o in s.options)


def test_every_prognostic_code_has_words():
    for rule in PROGNOSTIC_RULES:
        assert rule.code in presentation.PROGNOSIS_LABELS
    _, result = evaluated()
    words = presentation.prognosis(result)
    # lung disease: the source's "no visceral involvement" is assessed and absent
    assert {"code": "PF_NO_VISCERAL", "label": presentation.PROGNOSIS_LABELS["PF_NO_VISCERAL"]} in (
        words["absent"]
    )
    assert words["unfavourable"] == []
    assert words["source"]["section"] == "Prognostic Factors"
    assert words["source"]["passage"].startswith("Favorable prognosis is associated with")


def test_a_result_signed_under_1_0_still_reads():
    signed = {"prognosis": {"favourable": ["PF_LONG_DFI"], "unfavourable": ["PF_VISCERAL"]}}
    words = presentation.prognosis(signed)
    assert words["unfavourable"] == [{"code": "PF_VISCERAL", "label": "Visceral metastases"}]
    assert words["absent"] == [] and words["unknown"] == []
    groups = presentation.recommendation_groups(
        {
            "recommendations": [
                {
                    "code": "CHEMOTHERAPY",
                    "kind": "treatment",
                    "title": "Chemotherapy",
                    "detail": "d",
                    "rule": "R-MET-CHEMO-01",
                    "source": {"id": "guideline-recurrence-2025", "section": "s"},
                    "because": ["x"],
                }
            ]
        }
    )
    assert groups[0]["items"][0]["source"]["passage"] == ""


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("ecog", None, "not recorded"),
        ("bone_pain", True, "yes"),
        ("resectable", False, "no"),
        ("presentation", "de_novo_stage_iv", "De novo stage IV"),
        ("her2_ish", "not_done", "Not done"),
        (
            "sites",
            [{"site": "bone", "lesions": 2}, {"site": "liver", "lesions": None}],
            "bone (2), liver (not counted)",
        ),
        ("symptomatic_sites", ["chest_wall"], "chest wall"),
        ("workup", {"cbc": True, "calcium": False}, "done: complete blood count"),
        ("workup", {"cbc": False}, "nothing done yet"),
        ("ki67_percent", 25.0, "25 %"),
    ],
)
def test_values_are_put_in_words(name, value, text):
    assert presentation.value_text(name, value) == text


def test_change_rows_follow_the_forms_order():
    rows = presentation.change_rows({"ecog": [1, 2], "case_number": ["A", "B"], "age": [None, 50]})
    assert rows == [
        {"field": "Case number", "old": "A", "new": "B"},
        {"field": "Age", "old": "not recorded", "new": "50"},
        {"field": "ECOG performance status", "old": "1", "new": "2"},
    ]


def test_differences_list_only_what_differs():
    saved = {"age": 58, "ecog": 2, "er": "positive"}
    mine = {"age": 61, "ecog": 2, "er": "positive"}
    assert presentation.differences(mine, saved) == [{"field": "Age", "saved": "58", "mine": "61"}]
