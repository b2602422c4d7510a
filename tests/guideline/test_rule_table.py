"""The rule table against the contract's own list of codes (section 4)."""

from __future__ import annotations

import dataclasses

import pytest

from recurrence.guideline import PROGNOSTIC_RULES, RULES, RULESET, SOURCES
from recurrence.guideline.rules import check_rule_table
from tests.guideline.contract import (
    FAVOURABLE_CODES,
    KIND_ORDER,
    LOCOREGIONAL_CODES,
    METASTATIC_CODES,
    PROGNOSTIC_PAIRS,
    RECOMMENDATION_KINDS,
    SOURCE_IDS,
    UNFAVOURABLE_CODES,
    WORKUP_CODES,
)

BY_CODE = {rule.code: rule for rule in RULES}
GUIDELINE = "guideline-recurrence-2025"
PATIENT_GUIDE = "patient-guide-recurrence-2015"
# Where the contract names a study as the basis of a code.
CITED_STUDY = {"PRIMARY_TUMOUR_SURGERY": "soomro-2021", "LIVER_RESECTION": "severance-liver"}


def test_it_names_the_ruleset():
    assert RULESET == {"id": "mbc-recurrence", "version": "1.0"}


def test_it_has_unique_rule_ids():
    ids = [r.id for r in RULES] + [p.id for p in PROGNOSTIC_RULES]
    assert len(ids) == len(set(ids))


def test_it_has_unique_codes():
    emitted = [r.code for r in RULES]
    emitted += [c for p in PROGNOSTIC_RULES for c in (p.favourable_code, p.unfavourable_code)]
    assert len(emitted) == len(set(emitted))


@pytest.mark.parametrize("code", list(RECOMMENDATION_KINDS))
def test_it_has_a_rule_for_every_code_of_the_contract(code):
    assert code in BY_CODE


def test_it_has_no_code_the_contract_does_not_list():
    assert set(BY_CODE) - set(RECOMMENDATION_KINDS) == set()


@pytest.mark.parametrize("code", [c for c, k in RECOMMENDATION_KINDS.items() if isinstance(k, str)])
def test_it_gives_each_code_the_contract_kind(code):
    assert BY_CODE[code].kind == RECOMMENDATION_KINDS[code]


def test_it_makes_only_the_ai_with_ovarian_suppression_kind_depend_on_the_case():
    assert [r.code for r in RULES if not isinstance(r.kind, str)] == ["ENDO_AI_OVARIAN_SUPPRESSION"]


@pytest.mark.parametrize(
    ("codes", "scopes"),
    [
        (LOCOREGIONAL_CODES, {"isolated_locoregional"}),
        (METASTATIC_CODES, {"metastatic"}),
        ({c: k for c, k in WORKUP_CODES.items() if c != "MENOPAUSAL_STATUS_ASSESSMENT"}, {"both"}),
        ({"MENOPAUSAL_STATUS_ASSESSMENT": "workup"}, {"both", "metastatic"}),
    ],
    ids=["local-regional", "metastatic", "workup", "menopausal status"],
)
def test_it_scopes_each_code_by_its_contract_table(codes, scopes):
    for code in codes:
        assert BY_CODE[code].scope in scopes, code


def test_it_has_the_prognostic_pairs_of_the_contract():
    pairs = {(p.favourable_code, p.unfavourable_code) for p in PROGNOSTIC_RULES}
    assert pairs == set(PROGNOSTIC_PAIRS)
    assert set(FAVOURABLE_CODES).isdisjoint(UNFAVOURABLE_CODES)


def test_it_keeps_the_contract_source_ids():
    assert set(SOURCES) == set(SOURCE_IDS)
    for source_id, source in SOURCES.items():
        assert source.id == source_id
        assert source.title.strip()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_it_cites_a_known_source_and_section(rule):
    assert rule.source in SOURCES
    assert rule.section.strip()
    assert rule.title.strip()
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
    ],
    ids=["duplicated id", "duplicated code", "unknown source", "unknown kind", "unknown scope"],
)
def test_it_refuses_a_broken_table(table, problem):
    with pytest.raises(RuntimeError, match=problem):
        check_rule_table(table, PROGNOSTIC_RULES)


def test_it_refuses_a_prognostic_code_that_repeats_a_rule_code():
    broken = dataclasses.replace(PROGNOSTIC_RULES[0], favourable_code=RULES[0].code)
    with pytest.raises(RuntimeError, match=RULES[0].code):
        check_rule_table(RULES, (broken, *PROGNOSTIC_RULES[1:]))


def test_it_refuses_a_repeated_prognostic_rule_id():
    broken = dataclasses.replace(
        PROGNOSTIC_RULES[1],
        id=PROGNOSTIC_RULES[0].id,
        favourable_code="PF_X",
        unfavourable_code="PF_Y",
    )
    with pytest.raises(RuntimeError, match=PROGNOSTIC_RULES[0].id):
        check_rule_table(RULES, (*PROGNOSTIC_RULES, broken))
