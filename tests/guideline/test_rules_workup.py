"""Contract section 4, both categories: the initial assessment (guideline: Initial
Assessment and Workup; receptor pitfalls; HER2 confirmed by FISH or CISH)."""

from __future__ import annotations

import pytest

from tests.guideline.cases import (
    DE_NOVO,
    DROP,
    LOCOREGIONAL,
    METASTATIC,
    build,
    check,
    codes,
    recommendation,
    row,
    run,
)
from tests.guideline.contract import WORKUP_CODES

ROUTINE = {
    "cbc": "WORKUP_CBC",
    "liver_function": "WORKUP_LIVER_FUNCTION",
    "renal_function": "WORKUP_RENAL_FUNCTION",
    "alkaline_phosphatase": "WORKUP_ALKALINE_PHOSPHATASE",
    "calcium": "WORKUP_CALCIUM",
    "chest_imaging": "WORKUP_CHEST_IMAGING",
    "abdominal_imaging": "WORKUP_ABDOMINAL_IMAGING",
}
NO_WORKUP = {item: False for item in (*ROUTINE, "bone_scan", "brain_imaging")}


def workup_codes(result) -> set[str]:
    return codes(result) & set(WORKUP_CODES)


@pytest.mark.parametrize("base", [METASTATIC, LOCOREGIONAL, DE_NOVO], ids=["met", "lrr", "de-novo"])
def test_it_asks_for_nothing_when_the_assessment_is_complete(base):
    assert workup_codes(run(base)) == set()


@pytest.mark.parametrize("base", [METASTATIC, LOCOREGIONAL], ids=["met", "lrr"])
@pytest.mark.parametrize("item", list(ROUTINE))
def test_it_asks_for_each_routine_item_not_yet_done(base, item):
    result = run(build(base, workup={item: False}))
    assert workup_codes(result) == {ROUTINE[item]}
    assert recommendation(result, ROUTINE[item])["kind"] == "workup"


def test_it_asks_for_every_routine_item_when_none_is_done():
    result = run(build(METASTATIC, workup=NO_WORKUP))
    assert workup_codes(result) == set(ROUTINE.values())


ROWS = [
    # Bone scintigraphy if bone metastases are suspected based on symptoms
    row(
        "Bone scan: bone pain, not done",
        build(METASTATIC, bone_pain=True, workup={"bone_scan": False}),
        include=["WORKUP_BONE_SCAN"],
    ),
    row(
        "Bone scan: bone pain, already done",
        build(METASTATIC, bone_pain=True),
        exclude=["WORKUP_BONE_SCAN"],
    ),
    row(
        "Bone scan: no bone pain, not done",
        build(METASTATIC, workup={"bone_scan": False}),
        exclude=["WORKUP_BONE_SCAN"],
    ),
    row(
        "Bone scan: no bone pain, bone site, not done",
        build(METASTATIC, sites=[{"site": "bone", "lesions": None}], workup={"bone_scan": False}),
        exclude=["WORKUP_BONE_SCAN"],
    ),
    row(
        "Bone scan: bone pain in a local-regional recurrence",
        build(LOCOREGIONAL, bone_pain=True, workup={"bone_scan": False}),
        include=["WORKUP_BONE_SCAN"],
    ),
    # Brain imaging (CT or MRI) only if neurological symptoms are present
    row(
        "Brain imaging: neurological symptoms, not done",
        build(METASTATIC, neurological_symptoms=True, workup={"brain_imaging": False}),
        include=["WORKUP_BRAIN_IMAGING"],
    ),
    row(
        "Brain imaging: neurological symptoms, already done",
        build(METASTATIC, neurological_symptoms=True),
        exclude=["WORKUP_BRAIN_IMAGING"],
    ),
    row(
        "Brain imaging: only if neurological symptoms, not done",
        build(METASTATIC, workup={"brain_imaging": False}),
        exclude=["WORKUP_BRAIN_IMAGING"],
    ),
    row(
        "Brain imaging: only if neurological symptoms, nothing done",
        build(METASTATIC, workup=NO_WORKUP),
        exclude=["WORKUP_BRAIN_IMAGING"],
    ),
    row(
        "Brain imaging: only if neurological symptoms, brain site",
        build(METASTATIC, sites=[{"site": "brain", "lesions": 1}], workup=NO_WORKUP),
        exclude=["WORKUP_BRAIN_IMAGING"],
    ),
    row(
        "Brain imaging: only if neurological symptoms, no workup given",
        build(METASTATIC, workup=DROP),
        exclude=["WORKUP_BRAIN_IMAGING"],
    ),
    row(
        "Brain imaging: neurological symptoms in a local-regional recurrence",
        build(LOCOREGIONAL, neurological_symptoms=True, workup={"brain_imaging": False}),
        include=["WORKUP_BRAIN_IMAGING"],
    ),
    # Histopathological or cytopathological confirmation whenever feasible
    row(
        "Histology: not confirmed",
        build(METASTATIC, histology_confirmed=False),
        include=["HISTOLOGY_CONFIRMATION"],
    ),
    row(
        "Histology: confirmed",
        build(METASTATIC, histology_confirmed=True),
        exclude=["HISTOLOGY_CONFIRMATION"],
    ),
    row(
        "Histology: not confirmed, local-regional",
        build(LOCOREGIONAL, histology_confirmed=False),
        include=["HISTOLOGY_CONFIRMATION"],
    ),
    # Receptor status reassessment; pitfall: receptor status can change
    row(
        "Receptors: recurrence tested on the primary only",
        build(METASTATIC, receptors_tested_on="primary"),
        include=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: local-regional recurrence tested on the primary only",
        build(LOCOREGIONAL, receptors_tested_on="primary"),
        include=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: tested on the recurrence, all known",
        build(METASTATIC, receptors_tested_on="recurrence"),
        exclude=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: de novo tested on the primary",
        build(DE_NOVO, receptors_tested_on="primary"),
        exclude=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: ER unknown", build(METASTATIC, er="unknown"), include=["RECEPTOR_REASSESSMENT"]
    ),
    row(
        "Receptors: PR unknown, ER positive",
        build(METASTATIC, pr="unknown"),
        include=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: HER2 unknown",
        build(METASTATIC, her2_ihc="unknown"),
        include=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: HER2 negative by ISH alone",
        build(METASTATIC, her2_ihc="unknown", her2_ish="not_amplified"),
        exclude=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: HER2 equivocal is not unknown",
        build(METASTATIC, her2_ihc="2+"),
        exclude=["RECEPTOR_REASSESSMENT"],
    ),
    row(
        "Receptors: de novo with ER unknown",
        build(DE_NOVO, er="unknown"),
        include=["RECEPTOR_REASSESSMENT"],
    ),
    # HER2 overexpression confirmed by FISH or CISH
    row(
        "HER2 ISH: IHC 2+ without ISH",
        build(METASTATIC, her2_ihc="2+", her2_ish="not_done"),
        include=["HER2_ISH_CONFIRMATION"],
    ),
    row(
        "HER2 ISH: IHC 2+ without ISH, local-regional",
        build(LOCOREGIONAL, her2_ihc="2+"),
        include=["HER2_ISH_CONFIRMATION"],
    ),
    row(
        "HER2 ISH: IHC 2+ not amplified",
        build(METASTATIC, her2_ihc="2+", her2_ish="not_amplified"),
        exclude=["HER2_ISH_CONFIRMATION"],
    ),
    row(
        "HER2 ISH: IHC 2+ amplified",
        build(METASTATIC, her2_ihc="2+", her2_ish="amplified"),
        exclude=["HER2_ISH_CONFIRMATION"],
    ),
    # 2.0: HER2 positive but not confirmed by ISH also asks for ISH
    row(
        "HER2 ISH: IHC 3+, ISH not done",
        build(METASTATIC, her2_ihc="3+"),
        include=["HER2_ISH_CONFIRMATION"],
    ),
    row(
        "HER2 ISH: IHC 3+, ISH not amplified (discordant)",
        build(METASTATIC, her2_ihc="3+", her2_ish="not_amplified"),
        include=["HER2_ISH_CONFIRMATION"],
    ),
    row(
        "HER2 ISH: IHC 3+, ISH amplified (confirmed)",
        build(METASTATIC, her2_ihc="3+", her2_ish="amplified"),
        exclude=["HER2_ISH_CONFIRMATION"],
    ),
    row(
        "HER2 ISH: IHC 1+, ISH amplified (confirmed)",
        build(METASTATIC, her2_ihc="1+", her2_ish="amplified"),
        exclude=["HER2_ISH_CONFIRMATION"],
    ),
    row(
        "HER2 ISH: IHC unknown",
        build(METASTATIC, her2_ihc="unknown"),
        exclude=["HER2_ISH_CONFIRMATION"],
    ),
    # Performance status evaluation to guide treatment intensity
    row(
        "Performance status: ECOG not recorded",
        build(METASTATIC, ecog=None),
        include=["PERFORMANCE_STATUS_ASSESSMENT"],
    ),
    row(
        "Performance status: ECOG 0",
        build(METASTATIC, ecog=0),
        exclude=["PERFORMANCE_STATUS_ASSESSMENT"],
    ),
    row(
        "Performance status: ECOG 4",
        build(METASTATIC, ecog=4),
        exclude=["PERFORMANCE_STATUS_ASSESSMENT"],
    ),
    row(
        "Performance status: not recorded, local-regional",
        build(LOCOREGIONAL, ecog=None),
        include=["PERFORMANCE_STATUS_ASSESSMENT"],
    ),
    # History: current menopausal status
    row(
        "Menopausal status: metastatic, hr+, unknown",
        build(METASTATIC, menopausal_status="unknown"),
        include=["MENOPAUSAL_STATUS_ASSESSMENT"],
    ),
    row(
        "Menopausal status: metastatic, hr+ by PR, unknown",
        build(METASTATIC, er="negative", menopausal_status="unknown"),
        include=["MENOPAUSAL_STATUS_ASSESSMENT"],
    ),
    row(
        "Menopausal status: de novo, hr+, unknown",
        build(DE_NOVO, menopausal_status="unknown"),
        include=["MENOPAUSAL_STATUS_ASSESSMENT"],
    ),
    row(
        "Menopausal status: metastatic, hr+, known",
        build(METASTATIC, menopausal_status="premenopausal"),
        exclude=["MENOPAUSAL_STATUS_ASSESSMENT"],
    ),
    row(
        "Menopausal status: metastatic, hr-, unknown",
        build(METASTATIC, er="negative", pr="negative", menopausal_status="unknown"),
        exclude=["MENOPAUSAL_STATUS_ASSESSMENT"],
    ),
    row(
        "Menopausal status: metastatic, hr unknown",
        build(METASTATIC, er="unknown", pr="unknown", menopausal_status="unknown"),
        exclude=["MENOPAUSAL_STATUS_ASSESSMENT"],
    ),
    row(
        "Menopausal status: local-regional, hr+, unknown",
        build(LOCOREGIONAL, menopausal_status="unknown"),
        exclude=["MENOPAUSAL_STATUS_ASSESSMENT"],
    ),
]


@pytest.mark.parametrize(("data", "include", "exclude", "kinds"), ROWS)
def test_it_follows_the_initial_assessment(data, include, exclude, kinds):
    result = check(data, include, exclude, kinds)
    for code in include:
        assert recommendation(result, code)["kind"] == "workup"


def test_it_gives_the_reasons_for_reassessing_the_receptors():
    result = run(build(METASTATIC, receptors_tested_on="primary", er="unknown"))
    because = recommendation(result, "RECEPTOR_REASSESSMENT")["because"]
    assert len(because) >= 2
    assert all(isinstance(reason, str) and reason for reason in because)


def test_it_asks_for_the_whole_assessment_of_a_bare_case():
    result = run(
        {"presentation": "recurrence", "recurrence_date": "2024-04-10", "sites": [{"site": "lung"}]}
    )
    assert workup_codes(result) == {
        *ROUTINE.values(),
        "HISTOLOGY_CONFIRMATION",
        "RECEPTOR_REASSESSMENT",
        "PERFORMANCE_STATUS_ASSESSMENT",
    }


# --- new in 2.0: both categories ----------------------------------------------------------

NEW_ROWS = [
    # CONTRALATERAL_NEW_PRIMARY_CHECK: warning when the opposite breast is the only distant site
    row(
        "Contralateral breast: the only distant site",
        build(METASTATIC, sites=[{"site": "contralateral_breast", "lesions": 1}]),
        include=["CONTRALATERAL_NEW_PRIMARY_CHECK"],
        kinds={"CONTRALATERAL_NEW_PRIMARY_CHECK": "warning"},
    ),
    row(
        "Contralateral breast: with bone disease",
        build(
            METASTATIC,
            sites=[{"site": "contralateral_breast", "lesions": 1}, {"site": "bone", "lesions": 2}],
        ),
        include=["CONTRALATERAL_NEW_PRIMARY_CHECK"],
        kinds={"CONTRALATERAL_NEW_PRIMARY_CHECK": "workup"},
    ),
    row(
        "Contralateral breast: with a chest wall recurrence",
        build(
            LOCOREGIONAL,
            sites=[
                {"site": "chest_wall", "lesions": 1},
                {"site": "contralateral_breast", "lesions": 1},
            ],
        ),
        include=["CONTRALATERAL_NEW_PRIMARY_CHECK"],
        kinds={"CONTRALATERAL_NEW_PRIMARY_CHECK": "warning"},
    ),
    row(
        "Contralateral breast: not a site",
        build(METASTATIC),
        exclude=["CONTRALATERAL_NEW_PRIMARY_CHECK"],
    ),
    # WARN_POOR_PERFORMANCE_STATUS and SYMPTOM_FOCUSED_CARE: ECOG 3 or 4, both categories
    *[
        row(
            f"Poor performance status: ECOG {ecog}, {name}",
            build(base, ecog=ecog),
            include=["WARN_POOR_PERFORMANCE_STATUS", "SYMPTOM_FOCUSED_CARE"],
            kinds={"WARN_POOR_PERFORMANCE_STATUS": "warning", "SYMPTOM_FOCUSED_CARE": "consider"},
        )
        for ecog in (3, 4)
        for name, base in (("metastatic", METASTATIC), ("local-regional", LOCOREGIONAL))
    ],
    *[
        row(
            f"Poor performance status: ECOG {ecog}",
            build(METASTATIC, ecog=ecog),
            exclude=["WARN_POOR_PERFORMANCE_STATUS", "SYMPTOM_FOCUSED_CARE"],
        )
        for ecog in (None, 0, 2)
    ],
    # SHARED_DECISION and PSYCHOSOCIAL_SUPPORT: every patient
    *[
        row(
            f"Always: {name}",
            base,
            include=["SHARED_DECISION", "PSYCHOSOCIAL_SUPPORT"],
            kinds={"SHARED_DECISION": "info", "PSYCHOSOCIAL_SUPPORT": "supportive"},
        )
        for name, base in (
            ("metastatic", METASTATIC),
            ("local-regional", LOCOREGIONAL),
            ("de novo", DE_NOVO),
        )
    ],
]


@pytest.mark.parametrize(("data", "include", "exclude", "kinds"), NEW_ROWS)
def test_section_4_both_categories_new_in_2_0(data, include, exclude, kinds):
    check(data, include, exclude, kinds)


def test_section_4_her2_discordance_is_named():
    result = run(build(METASTATIC, her2_ihc="3+", her2_ish="not_amplified"))
    assert result["her2"] == "positive"
    assert "disagree" in recommendation(result, "HER2_ISH_CONFIRMATION")["detail"]


def test_section_4_a_contralateral_tumour_alone_is_not_treated_as_metastatic_in_words():
    result = run(build(METASTATIC, sites=[{"site": "contralateral_breast", "lesions": 1}]))
    detail = recommendation(result, "CONTRALATERAL_NEW_PRIMARY_CHECK")["detail"]
    assert "new primary" in detail and "not treated as metastatic" in detail
