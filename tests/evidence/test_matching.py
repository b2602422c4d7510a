"""Evidence matching, patient by patient, through the real engine facts and the real library."""

from __future__ import annotations

import datetime as dt

import pytest

from evidence.matching import CAVEAT_CODES, load_library, match_evidence
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
STAGED = {"chest_imaging": True, "abdominal_imaging": True}


def matches_for(**case):
    data = {"recurrence_date": "2024-06-10", **case}
    return match_evidence(derive_facts(parse_case(data, today=TODAY)), LIBRARY)


def by_key(matches):
    return {m.study: m for m in matches}


def texts(match, code=None):
    return [c.text for c in match.caveats if code is None or c.code == code]


def highlight(match, *words, comparison=False):
    """The one highlight (or comparison entry) whose label holds every word."""
    found = [
        h
        for h in match.highlights
        if all(w in h.label for w in words) and h.is_comparison is comparison
    ]
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
        workup=STAGED,
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
        workup=STAGED,
    )


# --- liver only, fit ---------------------------------------------------------------------


def test_a_fit_liver_only_patient_gets_the_liver_series_first_of_the_observational():
    matches = liver_only_fit()
    observational = [m.study for m in matches if not m.randomised]
    assert observational[0] == "severance-liver"
    assert {"liver-review-2017", "pockaj-2010"} <= set(by_key(matches))


def test_the_liver_series_shows_the_solitary_liver_rows_as_this_patients_group():
    series = by_key(liver_only_fit())["severance-liver"]
    one_year = highlight(series, "1-year overall survival", "no extrahepatic")
    assert (one_year.figure, one_year.values) == ("severance-liver-05", ["83.3%"])
    assert one_year.this_patient_group and one_year.inconsistent  # Table 1 contradicts it
    three_year = highlight(series, "3-year overall survival", "no extrahepatic")
    assert (three_year.figure, three_year.values) == ("severance-liver-06", ["66.7%"])
    assert "figures for the patient's subgroup: no extrahepatic metastasis" in series.matched_on
    assert "liver the only site of distant disease" in series.matched_on


def test_a_between_group_p_value_is_only_on_the_row_that_shows_both_groups():
    series = by_key(liver_only_fit())["severance-liver"]
    for h in series.highlights:
        if not h.is_comparison:
            assert not any(v.startswith("p") for v in h.values), h
    both = highlight(series, "1-year overall survival", comparison=True)
    assert both.figure is None
    assert both.figures == ("severance-liver-05", "severance-liver-07")
    assert both.values == [
        "no extrahepatic metastasis: 83.3%",
        "with extrahepatic metastasis: 80.0%",
        "p=0.001 for the difference between the groups",
    ]
    assert not both.this_patient_group  # one of its groups is not this patient's


def test_the_liver_series_marks_its_extrahepatic_figures_as_inconsistent_once():
    series = by_key(liver_only_fit())["severance-liver"]
    results = highlight(series, "1-year overall survival", "with extrahepatic", "abstract")
    discussion = highlight(series, "1-year overall survival", "with extrahepatic", "discussion")
    assert results.values == ["80.0%"] and discussion.values == ["60.0%"]
    for row in (results, discussion):
        assert row.inconsistent and not row.this_patient_group
        assert row.note is None  # the note is the item's caveat, not repeated per row
    notes = texts(series, "reported_inconsistently")
    assert len(notes) == len(set(notes))
    extrahepatic = [n for n in notes if "80.0%" in n and "60.0%" in n]
    assert len(extrahepatic) == 1 and "Table 2" in extrahepatic[0]
    caveat = next(c for c in series.caveats if c.text == extrahepatic[0])
    assert set(caveat.figures) == {f"severance-liver-{n:02}" for n in (7, 8, 9, 10)}


def test_the_liver_series_says_it_has_no_comparison_group_and_selected_patients():
    series = by_key(liver_only_fit())["severance-liver"]
    codes = [c.code for c in series.caveats]
    assert {"no_comparison_group", "selected_patients", "observational"} <= set(codes)
    assert "R0" in texts(series, "selected_patients")[0]
    assert "extrahepatic disease" in texts(series, "selected_patients")[0]
    assert "cannot show" in texts(series, "no_comparison_group")[0]


def test_a_liver_only_recurrence_gets_no_primary_tumour_surgery_evidence():
    assert not set(by_key(liver_only_fit())) & (RANDOMISED_PRIMARY | OBSERVATIONAL_PRIMARY)


def test_the_liver_series_fit_is_its_share_of_the_documented_points():
    series = by_key(liver_only_fit())["severance-liver"]
    # intervention 40, presentation 10, site pattern 10, ECOG 0-1 5, subgroup 5 = 70 of 80
    assert series.fit == round(70 * 100 / 80) == 88


def test_liver_and_bone_disease_uses_the_extrahepatic_row_and_says_so():
    matches = matches_for(
        presentation="recurrence",
        ecog=1,
        sites=[{"site": "liver", "lesions": 1}, {"site": "bone", "lesions": 1}],
        workup=STAGED,
    )
    series = by_key(matches)["severance-liver"]
    extrahepatic = highlight(series, "3-year overall", "with", "abstract")
    assert extrahepatic.figure == "severance-liver-08"
    assert "study: liver resection; this patient also has bone disease" in texts(
        series, "population_differs"
    )


def test_poor_performance_status_is_a_caveat_for_the_liver_series():
    matches = matches_for(
        presentation="recurrence", ecog=2, sites=[{"site": "liver", "lesions": 1}]
    )
    series = by_key(matches)["severance-liver"]
    assert "study: good general condition; this patient: ECOG 2" in texts(series)


# --- de novo triple-negative after disease control ---------------------------------------


def test_a_triple_negative_patient_sees_the_soomro_subtype_rows_and_their_comparison():
    soomro = by_key(triple_negative_de_novo_controlled())["soomro-2021"]
    surgery = next(h for h in soomro.highlights if h.figure == "soomro-2021-23")
    without = next(h for h in soomro.highlights if h.figure == "soomro-2021-24")
    assert surgery.values == ["surgery: 90%"] and without.values == ["no surgery: 64.5%"]
    both = highlight(soomro, "triple-negative", comparison=True)
    assert both.figures == ("soomro-2021-23", "soomro-2021-24")
    assert both.values[-1] == "p=0.001 for the difference between the groups"
    assert surgery.this_patient_group and both.this_patient_group
    assert any(m.startswith("systemic disease controlled") for m in soomro.matched_on)
    assert "de novo stage IV, as in the study" in soomro.matched_on


def test_soomro_hazard_ratios_without_a_reference_group_are_not_shown():
    soomro = by_key(triple_negative_de_novo_controlled())["soomro-2021"]
    shown = {f for h in soomro.highlights for f in h.figures}
    assert not shown & {f"soomro-2021-{n}" for n in range(25, 32)}
    assert not [h for h in soomro.highlights if "4.866" in " ".join(h.values)]


def test_soomro_carries_the_immortal_time_caveat():
    soomro = by_key(triple_negative_de_novo_controlled())["soomro-2021"]
    immortal = texts(soomro, "immortal_time")
    assert len(immortal) == 1 and "counted from surgery" in immortal[0]
    assert texts(soomro, "selected_patients")


def test_the_randomised_trials_are_listed_with_the_observational_studies():
    matches = by_key(triple_negative_de_novo_controlled())
    assert set(matches) >= RANDOMISED_PRIMARY | OBSERVATIONAL_PRIMARY
    observational = texts(matches["soomro-2021"], "observational")
    assert observational and "khan-2022" in observational[0]


def test_the_triple_negative_row_of_the_randomised_meta_analysis_is_shown():
    reinhorn = by_key(triple_negative_de_novo_controlled())["reinhorn-2021"]
    row = highlight(reinhorn, "triple-negative")
    assert (row.figure, row.values) == ("reinhorn-2021-04", ["1.4"])


def test_an_upfront_surgery_trial_says_its_patients_had_no_systemic_therapy_first():
    soran = by_key(triple_negative_de_novo_controlled())["soran-2018"]
    assert any(t.startswith("study: surgery before any systemic therapy") for t in texts(soran))
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
    differs = texts(by_key(matches)["soomro-2021"], "population_differs")
    assert "study: de novo stage IV after systemic disease control; this patient: recurrence" in (
        differs
    )
    assert (
        "study: no residual systemic disease on imaging after neoadjuvant systemic therapy; "
        "this patient: systemic disease control not recorded" in differs
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
        ecog=1,
        sites=[{"site": "lung", "lesions": 2}],
        workup=STAGED,
    )
    keys = set(by_key(matches))
    assert {"friedel-2002", "fan-2015", "pockaj-2010"} <= keys
    assert not keys & {"severance-liver", "liver-review-2017", "soomro-2021"}
    friedel = by_key(matches)["friedel-2002"]
    assert "lung the only site of distant disease" in friedel.matched_on
    # disease-free interval 65 months: the registry's row for 36 months or more applies
    five_year = [h for h in friedel.highlights if h.label.startswith("5-year")]
    assert five_year[0].label.endswith("36 months or more")
    assert five_year[0].this_patient_group and five_year[0].values == ["45%"]
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
    assert [c.intervention for c in pockaj.cited] == ["lung_metastasectomy"]
    assert "Friedel 2002 (ref 32)" in pockaj.cited[0].works
    assert pockaj.highlights == []
    assert texts(pockaj, "review_only")


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
            ecog=1,
            systemic_disease_controlled=True,
            sites=[{"site": "bone", "lesions": 1}],
            workup=STAGED,
        )
    )
    assert "0.47 (CI 0.23-0.98)" in highlight(matches["soran-2018"], "solitary bone-only").values
    assert highlight(matches["reinhorn-2021"], "bone-only").values == ["0.97"]
    luminal_a = next(h for h in matches["soomro-2021"].highlights if h.figure == "soomro-2021-15")
    assert luminal_a.values == ["surgery: 100%"] and luminal_a.this_patient_group
    assert not set(matches) & {"severance-liver", "friedel-2002", "fan-2015"}


def test_a_widespread_bone_recurrence_gets_only_the_bone_surgery_review():
    matches = matches_for(presentation="recurrence", sites=[{"site": "bone", "lesions": 12}])
    assert [m.study for m in matches] == ["pockaj-2010"]
    assert [c.works for c in matches[0].cited] == [["Durr 2002 (ref 44)"]]


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
    assert any("subtype undetermined" in t for t in texts(matches["soomro-2021"]))
    assert any("HER2 unknown" in t for t in texts(matches["soran-2018"], "receptors_incomplete"))


def test_an_unspecified_luminal_subtype_shows_both_luminal_rows_as_possible():
    matches = by_key(
        matches_for(
            presentation="de_novo_stage_iv",
            er="positive",
            pr="positive",
            her2_ihc="1+",
            ecog=0,
            systemic_disease_controlled=True,
            sites=[{"site": "bone", "lesions": 2}],
        )
    )
    soomro = matches["soomro-2021"]
    assert soomro.candidate
    for subtype in ("luminal A", "luminal B"):
        for h in soomro.highlights:
            if subtype in h.label and not h.is_comparison:
                assert h.possibly_this_patient_group and not h.this_patient_group
    assert texts(soomro, "ki67_not_recorded")


# --- ordering and shape ------------------------------------------------------------------


def test_matches_are_repeatable():
    assert [m.as_dict() for m in triple_negative_de_novo_controlled()] == [
        m.as_dict() for m in triple_negative_de_novo_controlled()
    ]


def test_a_match_as_a_dict_has_the_evidence_shape():
    match = by_key(liver_only_fit())["severance-liver"].as_dict()
    assert list(match) == [
        "study",
        "title",
        "design",
        "n",
        "randomised",
        "fit",
        "candidate",
        "rules",
        "interventions",
        "matched_on",
        "caveats",
        "highlights",
        "cited",
        "beside",
        "trial",
    ]
    assert "score" not in match
    assert (match["study"], match["design"], match["n"], match["randomised"]) == (
        "severance-liver",
        "retrospective_series",
        13,
        False,
    )
    assert 0 <= match["fit"] <= 100
    assert all({"code", "text"} <= set(c) for c in match["caveats"])
    assert all(c["code"] in CAVEAT_CODES for c in match["caveats"])
    assert all(
        set(h)
        == {
            "figure",
            "figures",
            "label",
            "values",
            "this_patient_group",
            "possibly_this_patient_group",
            "inconsistent",
            "note",
        }
        for h in match["highlights"]
    )
    singles = [h for h in match["highlights"] if h["figure"] is not None]
    assert all(h["figures"] == [h["figure"]] for h in singles)
    assert all(len(h["figures"]) == 2 for h in match["highlights"] if h["figure"] is None)


def test_evidence_from_other_cancers_is_marked_and_fits_less():
    matches = by_key(liver_only_fit())
    palma = matches["palma-2020"]
    assert any(t.startswith("study: not limited to breast cancer") for t in texts(palma))
    assert palma.fit < matches["chmura-2022"].fit


def test_no_stage_iv_surgery_evidence_is_left_out_for_a_de_novo_oligometastatic_patient():
    keys = set(by_key(triple_negative_de_novo_controlled()))
    assert keys >= STAGE_IV_SURGERY


def test_no_caveat_is_repeated_within_an_item():
    for matches in (liver_only_fit(), triple_negative_de_novo_controlled()):
        for m in matches:
            pairs = [(c.code, c.text) for c in m.caveats]
            assert len(pairs) == len(set(pairs)), m.study
