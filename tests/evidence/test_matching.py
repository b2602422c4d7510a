"""Evidence matching, patient by patient, through the real engine facts and the real library."""

from __future__ import annotations

import datetime as dt

import pytest

from evidence.matching import load_library, match_evidence
from recurrence.guideline import derive_facts, parse_case

TODAY = dt.date(2025, 1, 15)
LIBRARY = load_library()
RANDOMISED_PRIMARY = {
    "badwe-2015",
    "soran-2018",
    "soran-2021",
    "fitzal-2019",
    "khan-2022",
    "shien-2025",
    "reinhorn-2021",
}
OBSERVATIONAL_PRIMARY = {"soomro-2021", "ruiterkamp-2010", "harris-2013"}
STAGE_IV_SURGERY = RANDOMISED_PRIMARY | OBSERVATIONAL_PRIMARY | {"pockaj-2010"}


def matches_for(**case):
    data = {"recurrence_date": "2024-06-10", **case}
    return match_evidence(derive_facts(parse_case(data, today=TODAY)), LIBRARY)


def by_key(matches):
    return {m.study: m for m in matches}


def highlight(match, *words):
    """The one highlight whose label holds every word."""
    found = [h for h in match.highlights if all(w in h.label for w in words)]
    assert len(found) == 1, [h.label for h in match.highlights]
    return found[0]


def liver_only_fit():
    return matches_for(
        presentation="recurrence",
        primary_diagnosis_date="2018-02-01",
        er="positive",
        pr="positive",
        her2_ihc="1+",
        ki67_percent=10,
        ecog=0,
        sites=[{"site": "liver", "lesions": 1}],
    )


def triple_negative_de_novo_controlled():
    return matches_for(
        presentation="de_novo_stage_iv",
        age=48,
        er="negative",
        pr="negative",
        her2_ihc="0",
        ecog=0,
        systemic_disease_controlled=True,
        sites=[{"site": "bone", "lesions": 2}, {"site": "lung", "lesions": 1}],
    )


# --- liver only, fit ---------------------------------------------------------------------


def test_a_fit_liver_only_patient_gets_the_liver_series_first():
    matches = liver_only_fit()
    assert matches[0].study == "severance-liver"
    assert {"liver-review-2017", "pockaj-2010"} <= set(by_key(matches))


def test_the_liver_series_shows_the_solitary_liver_row_as_this_patients_group():
    series = by_key(liver_only_fit())["severance-liver"]
    row = highlight(series, "1-year overall survival", "no extrahepatic", "this patient's group")
    assert row.values[:2] == ["83.3%", "p=0.001"]
    three_year = highlight(series, "3-year overall survival", "no extrahepatic")
    assert "66.7%" in three_year.values
    assert "figures for this patient's group: no extrahepatic metastasis" in series.matched_on
    assert "liver the only site of distant disease" in series.matched_on


def test_the_liver_series_marks_its_extrahepatic_figures_as_inconsistent():
    series = by_key(liver_only_fit())["severance-liver"]
    results = highlight(series, "1-year overall survival", "with extrahepatic", "abstract")
    discussion = highlight(series, "1-year overall survival", "with extrahepatic", "discussion")
    assert "80.0%" in results.values and "60.0%" in discussion.values
    for row in (results, discussion):
        assert any(v.startswith("reported inconsistently:") for v in row.values)
        assert "this patient's group" not in row.label
    assert any("80.0%" in c and "60.0%" in c for c in series.caveats)


def test_a_liver_only_recurrence_gets_no_primary_tumour_surgery_evidence():
    assert not set(by_key(liver_only_fit())) & (RANDOMISED_PRIMARY | OBSERVATIONAL_PRIMARY)


def test_the_liver_series_score_is_the_sum_of_the_documented_weights():
    series = by_key(liver_only_fit())["severance-liver"]
    # intervention 40, presentation 10, site pattern 10, ECOG 0-1 5, subgroup 5, figures 10,
    # retrospective series 5
    assert series.score == 85


def test_liver_and_bone_disease_uses_the_extrahepatic_row_and_says_so():
    matches = matches_for(
        presentation="recurrence",
        ecog=1,
        sites=[{"site": "liver", "lesions": 1}, {"site": "bone", "lesions": 1}],
    )
    series = by_key(matches)["severance-liver"]
    assert "this patient's group" in highlight(series, "3-year overall", "with", "abstract").label
    assert "study: liver resection; this patient also has bone disease" in series.caveats


def test_poor_performance_status_is_a_caveat_for_the_liver_series():
    matches = matches_for(
        presentation="recurrence", ecog=2, sites=[{"site": "liver", "lesions": 1}]
    )
    series = by_key(matches)["severance-liver"]
    assert "study: good general condition; this patient: ECOG 2" in series.caveats


# --- de novo triple-negative after disease control ---------------------------------------


def test_a_triple_negative_patient_sees_the_soomro_subtype_row():
    soomro = by_key(triple_negative_de_novo_controlled())["soomro-2021"]
    row = highlight(soomro, "5-year overall survival", "triple-negative")
    assert row.values == ["surgery: 90%", "no surgery: 64.5%", "p=0.001"]
    assert "this patient's group" in row.label
    assert any(m.startswith("systemic disease controlled") for m in soomro.matched_on)
    assert "de novo stage IV, as in the study" in soomro.matched_on


def test_the_randomised_trials_appear_beside_the_observational_studies():
    matches = by_key(triple_negative_de_novo_controlled())
    assert set(matches) >= RANDOMISED_PRIMARY | OBSERVATIONAL_PRIMARY
    soomro = matches["soomro-2021"]
    assert any(c.startswith("Observational") and "khan-2022" in c for c in soomro.caveats)


def test_the_triple_negative_row_of_the_randomised_meta_analysis_is_shown():
    reinhorn = by_key(triple_negative_de_novo_controlled())["reinhorn-2021"]
    assert highlight(reinhorn, "triple-negative").values[0] == "1.4"


def test_an_upfront_surgery_trial_says_its_patients_had_no_systemic_therapy_first():
    soran = by_key(triple_negative_de_novo_controlled())["soran-2018"]
    assert any(c.startswith("study: surgery before any systemic therapy") for c in soran.caveats)
    assert "0.64 (CI 0.45-0.91)" in highlight(soran, "HER2 negative").values


@pytest.mark.parametrize(
    "case",
    [
        {"presentation": "de_novo_stage_iv", "systemic_disease_controlled": True},
        {"presentation": "de_novo_stage_iv", "systemic_disease_controlled": False},
        {"presentation": "de_novo_stage_iv"},
        {"presentation": "recurrence", "primary_in_situ": True},
    ],
    ids=["controlled", "not-controlled", "control-unknown", "recurrence-primary-in-place"],
)
def test_observational_primary_surgery_evidence_never_comes_without_the_trials(case):
    matches = set(by_key(matches_for(sites=[{"site": "bone", "lesions": 3}], **case)))
    assert matches & OBSERVATIONAL_PRIMARY
    assert matches >= RANDOMISED_PRIMARY


def test_a_recurrence_with_the_primary_in_place_is_told_where_soomro_differs():
    matches = matches_for(
        presentation="recurrence",
        primary_in_situ=True,
        sites=[{"site": "bone", "lesions": 3}],
    )
    soomro = by_key(matches)["soomro-2021"]
    assert (
        "study: de novo stage IV after systemic disease control; this patient: recurrence"
        in soomro.caveats
    )
    assert (
        "study: no residual systemic disease on imaging after neoadjuvant systemic therapy; "
        "this patient: systemic disease control not recorded" in soomro.caveats
    )


def test_a_de_novo_patient_whose_primary_was_removed_gets_no_primary_surgery_evidence():
    matches = matches_for(
        presentation="de_novo_stage_iv",
        primary_in_situ=False,
        sites=[{"site": "bone", "lesions": 8}],
    )
    assert not set(by_key(matches)) & (RANDOMISED_PRIMARY | OBSERVATIONAL_PRIMARY)


# --- lung only ---------------------------------------------------------------------------


def test_a_lung_only_patient_gets_the_lung_metastasectomy_studies():
    matches = matches_for(
        presentation="recurrence",
        primary_diagnosis_date="2019-01-10",
        sites=[{"site": "lung", "lesions": 2}],
    )
    keys = set(by_key(matches))
    assert {"friedel-2002", "fan-2015", "pockaj-2010"} <= keys
    assert not keys & {"severance-liver", "liver-review-2017", "soomro-2021"}
    friedel = by_key(matches)["friedel-2002"]
    assert "lung the only site of distant disease" in friedel.matched_on
    # disease-free interval 65 months: the registry's row for 36 months or more applies
    five_year = [h for h in friedel.highlights if h.label.startswith("5-year")]
    assert five_year[0].label.endswith("36 months or more [this patient's group]")
    assert five_year[0].values[0] == "45%"
    fan = by_key(matches)["fan-2015"]
    assert not [h for h in fan.highlights if "under 3 years" in h.label]


def test_a_short_disease_free_interval_shows_the_pooled_hazard_ratio():
    matches = matches_for(
        presentation="recurrence",
        primary_diagnosis_date="2023-01-10",
        sites=[{"site": "lung", "lesions": 7}],
    )
    fan = by_key(matches)["fan-2015"]
    assert highlight(fan, "under 3 years").values[0] == "1.70 (CI 1.37-2.10)"


def test_the_review_lists_the_works_it_cites_on_the_patients_site():
    pockaj = by_key(matches_for(presentation="recurrence", sites=[{"site": "lung", "lesions": 9}]))[
        "pockaj-2010"
    ]
    cited = highlight(pockaj, "lung metastasectomy")
    assert "Friedel 2002 (ref 32)" in cited.values
    assert not [h for h in pockaj.highlights if "liver" in h.label]


# --- bone only ---------------------------------------------------------------------------


def test_a_de_novo_solitary_bone_patient_sees_the_bone_only_trial_subgroups():
    matches = by_key(
        matches_for(
            presentation="de_novo_stage_iv",
            age=60,
            er="positive",
            pr="positive",
            her2_ihc="0",
            ki67_percent=10,
            systemic_disease_controlled=True,
            sites=[{"site": "bone", "lesions": 1}],
        )
    )
    assert "0.47 (CI 0.23-0.98)" in highlight(matches["soran-2018"], "solitary bone-only").values
    assert highlight(matches["reinhorn-2021"], "bone-only").values[0] == "0.97"
    assert "100%" in highlight(matches["soomro-2021"], "luminal A").values[0]
    assert not set(matches) & {"severance-liver", "friedel-2002", "fan-2015"}


def test_a_widespread_bone_recurrence_gets_only_the_bone_surgery_review():
    matches = matches_for(presentation="recurrence", sites=[{"site": "bone", "lesions": 12}])
    assert [m.study for m in matches] == ["pockaj-2010"]
    assert highlight(matches[0], "bone").values == ["Durr 2002 (ref 44)"]


# --- isolated local-regional recurrence ------------------------------------------------


@pytest.mark.parametrize(
    "sites",
    [
        [{"site": "chest_wall", "lesions": 1}],
        [{"site": "breast", "lesions": 1}, {"site": "axillary_nodes", "lesions": 2}],
    ],
    ids=["chest-wall", "breast-and-axilla"],
)
def test_an_isolated_local_regional_recurrence_gets_no_stage_iv_evidence(sites):
    assert (
        matches_for(
            presentation="recurrence",
            prior_breast_surgery="breast_conserving",
            sites=sites,
        )
        == []
    )


# --- unknown receptors -------------------------------------------------------------------


def unknown_receptors():
    return by_key(
        matches_for(
            presentation="de_novo_stage_iv",
            systemic_disease_controlled=True,
            sites=[{"site": "liver", "lesions": 2}],
        )
    )


def test_unknown_receptors_get_no_subtype_or_receptor_highlight():
    matches = unknown_receptors()
    assert {"soomro-2021", "soran-2018", "reinhorn-2021"} <= set(matches)
    words = ("luminal", "triple", "HER2", "ER/PR", "hormone receptor")
    for match in matches.values():
        for h in match.highlights:
            assert not any(w in h.label for w in words), h.label
    assert not any("64.5%" in v for h in matches["soomro-2021"].highlights for v in h.values)


def test_unknown_receptors_are_named_as_a_caveat():
    matches = unknown_receptors()
    assert any("subtype undetermined" in c for c in matches["soomro-2021"].caveats)
    assert any("HER2 unknown" in c for c in matches["soran-2018"].caveats)


def test_an_unspecified_luminal_subtype_shows_both_luminal_rows_as_possible():
    matches = by_key(
        matches_for(
            presentation="de_novo_stage_iv",
            er="positive",
            pr="positive",
            her2_ihc="1+",
            systemic_disease_controlled=True,
            sites=[{"site": "bone", "lesions": 2}],
        )
    )
    soomro = matches["soomro-2021"]
    for subtype in ("luminal A", "luminal B"):
        label = highlight(soomro, "5-year overall survival", subtype).label
        assert "may be this patient's group" in label
    assert any(c.startswith("Ki-67 not recorded") for c in soomro.caveats)


# --- ordering and shape ------------------------------------------------------------------


def test_matches_are_ordered_by_score_then_key_and_repeatable():
    matches = triple_negative_de_novo_controlled()
    order = [(-m.score, m.study) for m in matches]
    assert order == sorted(order)
    assert [m.as_dict() for m in matches] == [
        m.as_dict() for m in triple_negative_de_novo_controlled()
    ]


def test_a_match_as_a_dict_has_the_evidence_shape():
    match = liver_only_fit()[0].as_dict()
    assert list(match) == [
        "study",
        "title",
        "design",
        "n",
        "score",
        "matched_on",
        "caveats",
        "highlights",
    ]
    assert (match["study"], match["design"], match["n"]) == (
        "severance-liver",
        "retrospective_series",
        13,
    )
    assert all(set(h) == {"label", "values"} for h in match["highlights"])


def test_evidence_from_other_cancers_is_marked_and_scored_down():
    matches = by_key(liver_only_fit())
    palma = matches["palma-2020"]
    assert any(c.startswith("study: not limited to breast cancer") for c in palma.caveats)
    assert palma.score < matches["chmura-2022"].score


def test_no_stage_iv_surgery_evidence_is_left_out_for_a_de_novo_oligometastatic_patient():
    keys = set(by_key(triple_negative_de_novo_controlled()))
    assert keys >= STAGE_IV_SURGERY
