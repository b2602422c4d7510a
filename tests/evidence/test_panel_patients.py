"""The evidence panel for the patients a board must not be misled about, and more scenarios.

Each case goes through the real engine (ruleset 2.0): candidacy is whether the rule offering
the study's intervention is in the patient's result, and the reasons for "not a candidate
now" are the engine's own unmet conditions of that rule.
"""

from __future__ import annotations

import datetime as dt

import pytest
from panel_order import assert_panel_order
from panel_patients import (
    BONE_ONLY,
    PATIENTS,
    SOLITARY_LIVER,
    STAGED,
    TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED,
    TRIPLE_NEGATIVE_DE_NOVO_PROGRESSING,
    VISCERAL_CRISIS_FOUR_ORGANS,
)

from evidence.matching import intervention_rule, load_library, match_evidence
from recurrence.guideline import derive_facts, parse_case, recommend, unmet_conditions

TODAY = dt.date(2025, 1, 15)
LIBRARY = load_library()
PRIMARY_TRIALS = {
    "badwe-2015",
    "soran-2018",
    "soran-2021",
    "fitzal-2019",
    "khan-2022",
    "shien-2025",
    "reinhorn-2021",
}
PRIMARY_OBSERVATIONAL = {"soomro-2021", "ruiterkamp-2010", "harris-2013"}


def panel(case):
    facts = derive_facts(parse_case(case, today=TODAY))
    result = recommend(facts)
    return facts, result, match_evidence(facts, LIBRARY, result)


def by_key(matches):
    return {m.study: m for m in matches}


def fired(result):
    return {r["code"] for r in result["recommendations"]}


def caveat(match, code):
    found = [c for c in match.caveats if c.code == code]
    assert len(found) <= 1
    return found[0] if found else None


# --- what holds for every patient ------------------------------------------------------


@pytest.mark.parametrize("case", PATIENTS.values(), ids=PATIENTS.keys())
def test_the_panel_keeps_its_order(case):
    assert_panel_order(panel(case)[2])


@pytest.mark.parametrize("case", PATIENTS.values(), ids=PATIENTS.keys())
def test_candidacy_is_whether_the_rule_of_the_intervention_fired(case):
    facts, result, matches = panel(case)
    codes = fired(result)
    for m in matches:
        assert m.rules == list(dict.fromkeys(intervention_rule(iv) for iv in m.interventions))
        assert m.candidate == any(rule in codes for rule in m.rules)


@pytest.mark.parametrize("case", PATIENTS.values(), ids=PATIENTS.keys())
def test_a_study_not_offered_names_every_unmet_condition_and_marks_no_figure(case):
    facts, _, matches = panel(case)
    for m in matches:
        not_candidate = caveat(m, "not_candidate")
        if m.candidate:
            assert not_candidate is None
            continue
        assert m.caveats[0] is not_candidate
        unmet = [c for rule in m.rules for c in unmet_conditions(facts, rule)]
        assert unmet
        assert {c["code"] for c in not_candidate.conditions} == {c["code"] for c in unmet}
        for condition in unmet:
            assert condition["text"] in not_candidate.text
        assert not any(h.this_patient_group or h.possibly_this_patient_group for h in m.highlights)


@pytest.mark.parametrize("case", PATIENTS.values(), ids=PATIENTS.keys())
def test_every_observational_series_says_what_it_cannot_show(case):
    for m in panel(case)[2]:
        codes = {c.code for c in m.caveats}
        if m.randomised or m.design == "review":
            assert "observational" not in codes and "no_comparison_group" not in codes
            continue
        assert "observational" in codes
        if len(LIBRARY.studies[m.study].arms) == 1:
            assert {"no_comparison_group", "selected_patients"} <= codes, m.study


@pytest.mark.parametrize("case", PATIENTS.values(), ids=PATIENTS.keys())
def test_no_caveat_is_repeated_and_every_highlight_is_one_figure_or_a_pair(case):
    for m in panel(case)[2]:
        pairs = [(c.code, c.text) for c in m.caveats]
        assert len(pairs) == len(set(pairs)), m.study
        for h in m.highlights:
            if h.figure is not None:
                assert h.figures == (h.figure,)
                assert not any("for the difference between the groups" in v for v in h.values)
            else:
                assert len(h.figures) == 2
                assert h.values[-1].endswith("for the difference between the groups")


# --- a solitary liver metastasis -------------------------------------------------------


def test_a_solitary_liver_metastasis_is_a_candidate_for_liver_resection():
    _, result, matches = panel(SOLITARY_LIVER)
    assert {"LIVER_RESECTION", "SURGERY_LIMITED_METASTATIC"} <= fired(result)
    items = by_key(matches)
    assert all(m.candidate for m in matches)
    series = items["severance-liver"]
    assert series.rules == ["LIVER_RESECTION"]
    assert [m.study for m in matches if not m.randomised][0] == "severance-liver"
    assert [m.study for m in matches if m.randomised] == ["chmura-2022", "palma-2020"]
    solitary = [h for h in series.highlights if h.this_patient_group]
    assert [h.figure for h in solitary if h.figure] == [
        "severance-liver-05",
        "severance-liver-06",
        "severance-liver-13",
        "severance-liver-14",
    ]
    assert all(
        h.inconsistent for h in solitary if h.figure in ("severance-liver-05", "severance-liver-06")
    )
    assert {"selected_patients", "no_comparison_group", "reported_inconsistently"} <= {
        c.code for c in series.caveats
    }


def test_an_unfit_liver_patient_sees_the_liver_series_under_not_a_candidate():
    _, result, matches = panel({**SOLITARY_LIVER, "ecog": 2})
    assert "LIVER_RESECTION" not in fired(result)
    series = by_key(matches)["severance-liver"]
    assert not series.candidate
    assert "ECOG" in caveat(series, "not_candidate").text
    assert matches.index(series) > max(i for i, m in enumerate(matches) if m.candidate)


def test_a_liver_metastasis_judged_not_resectable_is_not_a_candidate():
    facts, _, matches = panel({**SOLITARY_LIVER, "resectable": False})
    series = by_key(matches)["severance-liver"]
    assert not series.candidate
    assert caveat(series, "not_candidate").conditions


def test_lesions_not_counted_are_named_as_the_reason():
    case = {**SOLITARY_LIVER, "sites": [{"site": "liver", "lesions": None}]}
    facts, _, matches = panel(case)
    series = by_key(matches)["severance-liver"]
    assert not series.candidate
    unmet = unmet_conditions(facts, "LIVER_RESECTION")
    assert [c["code"] for c in caveat(series, "not_candidate").conditions] == [
        c["code"] for c in unmet
    ]


def test_a_liver_patient_not_staged_is_told_so():
    facts, _, matches = panel({**SOLITARY_LIVER, "workup": {}})
    series = by_key(matches)["severance-liver"]
    assert not series.candidate
    assert caveat(series, "not_candidate").conditions


# --- a visceral crisis in four organs --------------------------------------------------


def test_a_visceral_crisis_in_four_organs_is_a_candidate_for_nothing():
    facts, result, matches = panel(VISCERAL_CRISIS_FOUR_ORGANS)
    assert not fired(result) & {"LIVER_RESECTION", "SURGERY_LIMITED_METASTATIC"}
    assert matches and not any(m.candidate for m in matches)
    assert {"severance-liver", "friedel-2002", "fan-2015", "pockaj-2010"} <= set(by_key(matches))
    for m in matches:
        assert not any(h.this_patient_group for h in m.highlights)
        text = caveat(m, "not_candidate").text.lower()
        assert "visceral crisis" in text, text


def test_the_visceral_crisis_reasons_are_the_engines():
    facts, _, matches = panel(VISCERAL_CRISIS_FOUR_ORGANS)
    series = by_key(matches)["severance-liver"]
    assert list(caveat(series, "not_candidate").conditions) == [
        {"code": c["code"], "text": c["text"]} for c in unmet_conditions(facts, "LIVER_RESECTION")
    ]


# --- a de novo triple-negative patient, controlled and progressing ----------------------


def test_triple_negative_controlled_primary_surgery_first_and_reinhorn_beside_soomro():
    _, result, matches = panel(TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED)
    assert "PRIMARY_TUMOUR_SURGERY" in fired(result)
    keys = [m.study for m in matches]
    items = by_key(matches)
    candidates = [m.study for m in matches if m.candidate]
    assert set(candidates) == PRIMARY_TRIALS | PRIMARY_OBSERVATIONAL | {"pockaj-2010"}
    # Randomised evidence first; the pooled trials' triple-negative HR beside Soomro's rates.
    assert all(items[k].randomised for k in candidates[: len(PRIMARY_TRIALS)])
    i = keys.index("reinhorn-2021")
    assert keys[i + 1] == "soomro-2021"
    assert items["reinhorn-2021"].beside == ["soomro-2021"]
    assert items["soomro-2021"].beside == ["reinhorn-2021"]
    hr = next(h for h in items["reinhorn-2021"].highlights if h.figure == "reinhorn-2021-04")
    assert hr.values == ["1.4"] and hr.this_patient_group
    rates = [h for h in items["soomro-2021"].highlights if h.this_patient_group]
    assert [h.figures for h in rates] == [
        ("soomro-2021-23",),
        ("soomro-2021-24",),
        ("soomro-2021-23", "soomro-2021-24"),
    ]
    # Metastasectomy and metastasis-directed therapy need metastases still on imaging.
    for key in ("friedel-2002", "fan-2015", "palma-2020", "chmura-2022"):
        assert not items[key].candidate


def test_the_two_reports_of_mf07_01_stand_together_and_name_each_other():
    matches = panel(TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED)[2]
    keys = [m.study for m in matches]
    assert abs(keys.index("soran-2018") - keys.index("soran-2021")) == 1
    items = by_key(matches)
    assert caveat(items["soran-2018"], "same_trial").studies == ("soran-2021",)
    assert caveat(items["soran-2021"], "same_trial").studies == ("soran-2018",)
    assert "MF07-01" in caveat(items["soran-2021"], "same_trial").text


def test_soomro_carries_immortal_time_and_never_its_unreferenced_hazard_ratios():
    soomro = by_key(panel(TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED)[2])["soomro-2021"]
    assert caveat(soomro, "immortal_time")
    shown = {f for h in soomro.highlights for f in h.figures}
    assert not shown & {f"soomro-2021-{n}" for n in range(25, 32)}


def test_triple_negative_progressing_is_not_a_candidate_for_primary_surgery():
    facts, result, matches = panel(TRIPLE_NEGATIVE_DE_NOVO_PROGRESSING)
    assert "PRIMARY_TUMOUR_SURGERY" not in fired(result)
    assert "SURGERY_LIMITED_METASTATIC" in fired(result)
    items = by_key(matches)
    for key in PRIMARY_TRIALS | PRIMARY_OBSERVATIONAL:
        assert not items[key].candidate
        assert caveat(items[key], "not_candidate").conditions
    for key in ("friedel-2002", "fan-2015", "palma-2020", "chmura-2022", "pockaj-2010"):
        assert items[key].candidate
    soomro = items["soomro-2021"]
    assert not any(h.this_patient_group for h in soomro.highlights)
    # The trials and the series still stand side by side, under "not a candidate now".
    keys = [m.study for m in matches]
    partner = soomro.beside[0]
    assert abs(keys.index(partner) - keys.index("soomro-2021")) == 1


# --- bone only ---------------------------------------------------------------------------


def test_a_bone_only_oligometastatic_recurrence():
    _, result, matches = panel(BONE_ONLY)
    assert "SURGERY_LIMITED_METASTATIC" in fired(result)
    items = by_key(matches)
    assert set(items) == {"pockaj-2010", "palma-2020", "chmura-2022"}
    assert all(m.candidate for m in matches)
    assert [m.study for m in matches][:2] == ["chmura-2022", "palma-2020"]
    assert [c.intervention for c in items["pockaj-2010"].cited] == ["bone"]


def test_widespread_bone_disease_not_counted_is_not_a_candidate():
    case = {**BONE_ONLY, "sites": [{"site": "bone", "lesions": None}]}
    matches = panel(case)[2]
    assert [m.study for m in matches] == ["pockaj-2010"]
    assert not matches[0].candidate


def test_a_de_novo_solitary_bone_patient_sees_the_trial_subgroups_as_hers():
    case = {
        **TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED,
        "er": "positive",
        "pr": "positive",
        "ki67_percent": 30,
        "age": 60,
        "sites": [{"site": "bone", "lesions": 1}],
    }
    items = by_key(panel(case)[2])
    solitary = next(h for h in items["soran-2018"].highlights if h.figure == "soran-2018-05")
    assert solitary.this_patient_group and solitary.values == ["0.47 (CI 0.23-0.98)"]
    # Soomro's luminal B rates beside the pooled trials' hormone-receptor positive HR.
    assert items["soomro-2021"].beside == ["reinhorn-2021"]


def test_a_recurrence_with_the_primary_in_place_is_not_a_primary_surgery_candidate():
    case = {**BONE_ONLY, "primary_in_situ": True}
    items = by_key(panel(case)[2])
    assert not items["soomro-2021"].candidate
    assert caveat(items["soomro-2021"], "not_candidate").conditions


def test_an_isolated_local_regional_recurrence_has_no_panel():
    case = {
        "presentation": "recurrence",
        "recurrence_date": "2024-06-10",
        "prior_breast_surgery": "mastectomy",
        "sites": [{"site": "chest_wall", "lesions": 1}],
        "workup": STAGED,
    }
    assert panel(case)[2] == []
