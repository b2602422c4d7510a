"""The rule table against the contract's own list of codes (section 4) and its rules for
rule ids, kinds, sources and passages (sections 3 and 4, "Interfaces (exact)")."""

from __future__ import annotations

import dataclasses

import pytest

from recurrence.guideline import PROGNOSTIC_RULES, RETIRED_RULE_IDS, RULES, RULESET, SOURCES
from recurrence.guideline.rules import check_rule_table
from tests.guideline.contract import (
    BOTH_CODES,
    KIND_ORDER,
    LOCOREGIONAL_CODES,
    METASTATIC_CODES,
    PROGNOSTIC_CODES,
    RECOMMENDATION_KINDS,
    REMOVED_CODES,
    SOURCE_IDS,
)

BY_CODE = {rule.code: rule for rule in RULES}
GUIDELINE = "guideline-recurrence-2025"
PATIENT_GUIDE = "patient-guide-recurrence-2015"
# Where the contract names a study as the basis of a code.
CITED_STUDY = {"PRIMARY_TUMOUR_SURGERY": "soomro-2021", "LIVER_RESECTION": "severance-liver"}

# The rule ids of ruleset 1.0, written out from its table: a rule of 2.0 either keeps its
# 1.0 id (same meaning) or takes an id that 1.0 never used.
IDS_OF_1_0 = {
    **{
        f"R-WU-{i:02d}": c
        for i, c in enumerate(
            [
                "WORKUP_CBC",
                "WORKUP_LIVER_FUNCTION",
                "WORKUP_RENAL_FUNCTION",
                "WORKUP_ALKALINE_PHOSPHATASE",
                "WORKUP_CALCIUM",
                "WORKUP_CHEST_IMAGING",
                "WORKUP_ABDOMINAL_IMAGING",
                "WORKUP_BONE_SCAN",
                "WORKUP_BRAIN_IMAGING",
                "HISTOLOGY_CONFIRMATION",
                "RECEPTOR_REASSESSMENT",
                "HER2_ISH_CONFIRMATION",
                "PERFORMANCE_STATUS_ASSESSMENT",
                "MENOPAUSAL_STATUS_ASSESSMENT",
            ],
            start=1,
        )
    },
    **{
        f"R-LRR-{i:02d}": c
        for i, c in enumerate(
            [
                "LRR_CURATIVE_INTENT",
                "LRR_RADICAL_RESECTION",
                "LRR_MASTECTOMY_AFTER_BCT",
                "NEOADJUVANT_SYSTEMIC_THERAPY",
                "NEOADJUVANT_RESPONSE_MONITORING",
                "LRR_ADJUVANT_SYSTEMIC",
                "LRR_RADIOTHERAPY",
                "WARN_PRIOR_RADIOTHERAPY",
                "WARN_UNDERTREATMENT_LRR",
                "CONTRALATERAL_MASTECTOMY_DISCUSS",
            ],
            start=1,
        )
    },
    "R-MET-01": "MET_PALLIATIVE_INTENT",
    **{
        f"R-MET-ENDO-{i:02d}": c
        for i, c in enumerate(
            [
                "ENDOCRINE_FIRST_LINE",
                "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION",
                "ENDO_AI_OVARIAN_SUPPRESSION",
                "ENDO_AROMATASE_INHIBITOR",
                "ENDO_TAMOXIFEN_ALTERNATIVE",
                "ENDO_SECOND_LINE_OPTIONS",
                "MONITOR_ENDOCRINE_RESPONSE",
                "WARN_NO_CHEMO_ENDOCRINE_COMBINATION",
                "WARN_STOP_INEFFECTIVE_ENDOCRINE",
            ],
            start=1,
        )
    },
    **{
        f"R-MET-CHEMO-{i:02d}": c
        for i, c in enumerate(
            [
                "CHEMOTHERAPY",
                "CHEMO_SINGLE_AGENT_PREFERRED",
                "CHEMO_REGIMEN_OPTIONS",
                "MONITOR_CHEMO_RESPONSE",
                "WARN_NO_HIGH_DOSE_CHEMO",
            ],
            start=1,
        )
    },
    **{
        f"R-MET-HER2-{i:02d}": c
        for i, c in enumerate(
            ["HER2_TRASTUZUMAB", "HER2_CARDIAC_MONITORING", "HER2_LAPATINIB_OPTION"], start=1
        )
    },
    **{
        f"R-MET-SUP-{i:02d}": c
        for i, c in enumerate(
            ["BONE_BISPHOSPHONATE", "PALLIATIVE_RADIOTHERAPY", "SYMPTOM_FOCUSED_CARE"], start=1
        )
    },
    **{
        f"R-MET-SURG-{i:02d}": c
        for i, c in enumerate(
            ["SURGERY_LIMITED_METASTATIC", "PRIMARY_TUMOUR_SURGERY", "LIVER_RESECTION"], start=1
        )
    },
    "R-MET-MON-01": "MONITOR_TUMOUR_MARKERS",
    **{f"R-PF-{i:02d}": c for i, c in enumerate(PROGNOSTIC_CODES, start=1)},
}
# The 1.0 rules whose condition, kind or content 2.0 changes ("Changes from version 1.0"
# and the bold parts of section 4); each must have a new id.
CHANGED_IN_2_0 = {
    "HER2_ISH_CONFIRMATION",
    "SYMPTOM_FOCUSED_CARE",
    "LRR_CURATIVE_INTENT",
    "LRR_RADICAL_RESECTION",
    "LRR_MASTECTOMY_AFTER_BCT",
    "NEOADJUVANT_SYSTEMIC_THERAPY",
    "LRR_ADJUVANT_SYSTEMIC",
    "LRR_RADIOTHERAPY",
    "WARN_UNDERTREATMENT_LRR",
    "ENDO_AI_OVARIAN_SUPPRESSION",
    "ENDO_AROMATASE_INHIBITOR",
    "ENDO_TAMOXIFEN_ALTERNATIVE",
    "ENDO_SECOND_LINE_OPTIONS",
    "CHEMOTHERAPY",
    "CHEMO_SINGLE_AGENT_PREFERRED",
    "CHEMO_REGIMEN_OPTIONS",
    "HER2_TRASTUZUMAB",
    "HER2_LAPATINIB_OPTION",
    "PALLIATIVE_RADIOTHERAPY",
    "SURGERY_LIMITED_METASTATIC",
    "PRIMARY_TUMOUR_SURGERY",
    "LIVER_RESECTION",
    "MONITOR_TUMOUR_MARKERS",
    *PROGNOSTIC_CODES,
}
ALL_IDS = {r.id: r.code for r in RULES} | {p.id: p.code for p in PROGNOSTIC_RULES}


def test_it_names_the_ruleset_and_its_note():
    assert (RULESET["id"], RULESET["version"]) == ("mbc-recurrence", "2.0")
    assert len(RULESET["note"]) >= 40
    for word in ("guideline summary", "patient guide", "pending human review", "not a complete"):
        assert word in RULESET["note"]


def test_it_has_unique_rule_ids():
    ids = [r.id for r in RULES] + [p.id for p in PROGNOSTIC_RULES]
    assert len(ids) == len(set(ids))


def test_it_has_unique_codes():
    emitted = [r.code for r in RULES] + [p.code for p in PROGNOSTIC_RULES]
    assert len(emitted) == len(set(emitted))


def test_it_reuses_no_retired_rule_id():
    assert set(ALL_IDS) & set(RETIRED_RULE_IDS) == set()


def test_it_retires_exactly_the_1_0_ids_it_no_longer_carries():
    assert set(RETIRED_RULE_IDS) == set(IDS_OF_1_0) - set(ALL_IDS)


@pytest.mark.parametrize("rule_id", sorted(ALL_IDS))
def test_a_kept_1_0_id_keeps_its_code_and_a_new_id_is_new(rule_id):
    if rule_id in IDS_OF_1_0:
        assert IDS_OF_1_0[rule_id] == ALL_IDS[rule_id]
        assert ALL_IDS[rule_id] not in CHANGED_IN_2_0, "changed meaning needs a new id"


@pytest.mark.parametrize("code", sorted(CHANGED_IN_2_0))
def test_a_rule_whose_meaning_changed_has_a_new_id(code):
    rule_id = {c: i for i, c in ALL_IDS.items()}[code]
    assert rule_id not in IDS_OF_1_0


def test_retired_ids_name_their_successor():
    for old, note in RETIRED_RULE_IDS.items():
        successor = note.rpartition(": ")[2]
        assert successor in ALL_IDS, old
        assert ALL_IDS[successor] == IDS_OF_1_0[old], old


@pytest.mark.parametrize("code", list(RECOMMENDATION_KINDS))
def test_it_has_a_rule_for_every_code_of_the_contract(code):
    assert code in BY_CODE


def test_it_has_no_code_the_contract_does_not_list():
    assert set(BY_CODE) - set(RECOMMENDATION_KINDS) == set()
    assert {p.code for p in PROGNOSTIC_RULES} == set(PROGNOSTIC_CODES)
    assert set(BY_CODE) & set(REMOVED_CODES) == set()


@pytest.mark.parametrize("code", [c for c, k in RECOMMENDATION_KINDS.items() if isinstance(k, str)])
def test_it_gives_each_code_the_contract_kind(code):
    assert BY_CODE[code].kind == RECOMMENDATION_KINDS[code]


def test_it_makes_a_kind_depend_on_the_case_exactly_where_the_contract_does():
    dynamic = {r.code for r in RULES if not isinstance(r.kind, str)}
    assert dynamic == {c for c, k in RECOMMENDATION_KINDS.items() if isinstance(k, tuple)}
    for code in dynamic:
        assert set(BY_CODE[code].kinds) == set(RECOMMENDATION_KINDS[code]), code


@pytest.mark.parametrize(
    ("codes", "scopes"),
    [
        (LOCOREGIONAL_CODES, {"isolated_locoregional"}),
        (METASTATIC_CODES, {"metastatic"}),
        ({c: k for c, k in BOTH_CODES.items() if c != "MENOPAUSAL_STATUS_ASSESSMENT"}, {"both"}),
        ({"MENOPAUSAL_STATUS_ASSESSMENT": "workup"}, {"metastatic"}),
    ],
    ids=["local-regional", "metastatic", "both categories", "menopausal status"],
)
def test_it_scopes_each_code_by_its_contract_table(codes, scopes):
    for code in codes:
        assert BY_CODE[code].scope in scopes, code


def test_it_keeps_the_contract_source_ids():
    assert set(SOURCES) == set(SOURCE_IDS)
    for source_id, source in SOURCES.items():
        assert source.id == source_id
        assert source.title.strip()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_it_cites_a_known_source_section_and_passage(rule):
    assert rule.source in SOURCES
    assert rule.section.strip()
    assert rule.title.strip()
    assert len(rule.passage.strip()) >= 25
    assert rule.source == CITED_STUDY.get(rule.code, rule.source)
    if rule.code not in CITED_STUDY:
        assert rule.source in (GUIDELINE, PATIENT_GUIDE), rule.code


def test_it_uses_only_the_contract_kinds():
    assert {r.kind for r in RULES if isinstance(r.kind, str)} <= set(KIND_ORDER)


def test_it_accepts_its_own_table():
    check_rule_table(RULES, PROGNOSTIC_RULES)


def _bad(**changes):
    return dataclasses.replace(RULES[0], **changes)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ((*RULES, _bad(code="SOMETHING_NEW")), "R-WU-01"),
        ((*RULES, _bad(id="R-NEW-01")), RULES[0].code),
        ((*RULES[1:], _bad(source="hearsay-2024")), "hearsay-2024"),
        ((*RULES[1:], _bad(kind="urgent")), "urgent"),
        ((*RULES[1:], _bad(scope="everywhere")), "everywhere"),
        ((*RULES[1:], _bad(id="R-LRR-01")), "R-LRR-01 was retired"),
        ((*RULES[1:], _bad(passage="See the text.")), "passage"),
        ((*RULES[1:], _bad(kind=lambda f: "workup")), "must list its kinds"),
    ],
    ids=[
        "duplicated id",
        "duplicated code",
        "unknown source",
        "unknown kind",
        "unknown scope",
        "retired id",
        "no passage",
        "dynamic kind without its kinds",
    ],
)
def test_it_refuses_a_broken_table(table, problem):
    with pytest.raises(RuntimeError, match=problem):
        check_rule_table(table, PROGNOSTIC_RULES)


def test_it_refuses_a_prognostic_code_that_repeats_a_rule_code():
    broken = dataclasses.replace(PROGNOSTIC_RULES[0], code=RULES[0].code)
    with pytest.raises(RuntimeError, match=RULES[0].code):
        check_rule_table(RULES, (broken, *PROGNOSTIC_RULES[1:]))


def test_it_refuses_a_repeated_prognostic_rule_id():
    broken = dataclasses.replace(PROGNOSTIC_RULES[1], id=PROGNOSTIC_RULES[0].id, code="PF_X")
    with pytest.raises(RuntimeError, match=PROGNOSTIC_RULES[0].id):
        check_rule_table(RULES, (*PROGNOSTIC_RULES, broken))
