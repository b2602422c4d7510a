"""Contract section 2: what the engine derives from a case, one derivation at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from recurrence.guideline import add_months, derive_facts, parse_case, whole_months_between
from recurrence.guideline.facts import her2_status, hormone_receptor_status, surrogate_subtype
from tests.guideline.cases import DE_NOVO, DROP, LOCOREGIONAL, METASTATIC, TODAY, build, run, sites
from tests.guideline.contract import DISTANT_SITES, LOCOREGIONAL_SITES, VISCERAL_SITES


def facts(base=METASTATIC, **overrides):
    return derive_facts(parse_case(build(base, **overrides), today=TODAY))


# --- hormone receptor status ------------------------------------------------------------

HR = [
    ("positive", "positive", "positive"),
    ("positive", "negative", "positive"),
    ("positive", "unknown", "positive"),
    ("negative", "positive", "positive"),
    ("unknown", "positive", "positive"),
    ("negative", "negative", "negative"),
    ("negative", "unknown", "unknown"),
    ("unknown", "negative", "unknown"),
    ("unknown", "unknown", "unknown"),
]


@pytest.mark.parametrize(("er", "pr", "expected"), HR)
def test_it_derives_the_hormone_receptor_status(er, pr, expected):
    assert facts(er=er, pr=pr).hr == expected
    assert hormone_receptor_status(er, pr) == expected


# --- HER2 status: every IHC score against every ISH result -------------------------------

HER2 = [
    ("0", "not_done", "negative"),
    ("0", "not_amplified", "negative"),
    ("0", "amplified", "positive"),
    ("1+", "not_done", "negative"),
    ("1+", "not_amplified", "negative"),
    ("1+", "amplified", "positive"),
    ("2+", "not_done", "equivocal"),
    ("2+", "not_amplified", "negative"),
    ("2+", "amplified", "positive"),
    # "positive if IHC 3+ or ISH amplified" comes first in the contract.
    ("3+", "not_done", "positive"),
    ("3+", "not_amplified", "positive"),
    ("3+", "amplified", "positive"),
    ("unknown", "not_done", "unknown"),
    ("unknown", "not_amplified", "negative"),
    ("unknown", "amplified", "positive"),
]


@pytest.mark.parametrize(("ihc", "ish", "expected"), HER2)
def test_it_derives_the_her2_status(ihc, ish, expected):
    assert facts(her2_ihc=ihc, her2_ish=ish).her2 == expected
    assert her2_status(ihc, ish) == expected


def test_it_has_a_her2_row_for_every_combination():
    assert len({(ihc, ish) for ihc, ish, _ in HER2}) == 5 * 3


# --- surrogate subtype -------------------------------------------------------------------

SUBTYPE = [
    # (why, er, pr, her2_ihc, her2_ish, ki67, subtype)
    ("hr unknown", "unknown", "unknown", "1+", "not_done", 10, "undetermined"),
    (
        "hr unknown, one receptor negative",
        "negative",
        "unknown",
        "0",
        "not_done",
        10,
        "undetermined",
    ),
    ("her2 unknown", "positive", "positive", "unknown", "not_done", 10, "undetermined"),
    ("her2 equivocal", "positive", "positive", "2+", "not_done", 10, "undetermined"),
    ("her2 equivocal, hr negative", "negative", "negative", "2+", "not_done", 50, "undetermined"),
    ("hr-, her2-", "negative", "negative", "0", "not_done", 80, "triple_negative"),
    ("hr-, her2- by ISH", "negative", "negative", "2+", "not_amplified", None, "triple_negative"),
    ("hr-, her2+", "negative", "negative", "3+", "not_done", 40, "her2_enriched"),
    ("hr-, her2+ by ISH", "negative", "negative", "2+", "amplified", None, "her2_enriched"),
    ("hr+, her2+", "positive", "positive", "3+", "not_done", 5, "luminal_b_her2"),
    ("hr+ by PR only, her2+", "negative", "positive", "1+", "amplified", None, "luminal_b_her2"),
    ("Ki-67 20 is high", "positive", "positive", "1+", "not_done", 20, "luminal_b"),
    ("Ki-67 just under 20", "positive", "positive", "1+", "not_done", 19.9, "luminal_a"),
    ("Ki-67 19", "positive", "positive", "0", "not_done", 19, "luminal_a"),
    ("Ki-67 0", "positive", "positive", "0", "not_done", 0, "luminal_a"),
    ("Ki-67 100", "positive", "positive", "0", "not_done", 100, "luminal_b"),
    ("low Ki-67, PR negative", "positive", "negative", "1+", "not_done", 10, "luminal_b"),
    ("high Ki-67, PR negative", "positive", "negative", "1+", "not_done", 30, "luminal_b"),
    ("high Ki-67, PR unknown", "positive", "unknown", "1+", "not_done", 20, "luminal_b"),
    ("low Ki-67, PR unknown", "positive", "unknown", "1+", "not_done", 10, "luminal_unspecified"),
    (
        "Ki-67 null, PR positive",
        "positive",
        "positive",
        "1+",
        "not_done",
        None,
        "luminal_unspecified",
    ),
    (
        # 2.0: PR negative is enough for luminal B, whatever Ki-67 (St Gallen 2013)
        "Ki-67 null, PR negative",
        "positive",
        "negative",
        "0",
        "not_done",
        None,
        "luminal_b",
    ),
    (
        "ER negative, PR positive, low Ki-67",
        "negative",
        "positive",
        "0",
        "not_done",
        5,
        "luminal_a",
    ),
]


@pytest.mark.parametrize(
    ("er", "pr", "ihc", "ish", "ki67", "expected"),
    [row[1:] for row in SUBTYPE],
    ids=[row[0] for row in SUBTYPE],
)
def test_it_derives_the_surrogate_subtype(er, pr, ihc, ish, ki67, expected):
    f = facts(er=er, pr=pr, her2_ihc=ihc, her2_ish=ish, ki67_percent=ki67)
    assert f.subtype == expected
    assert surrogate_subtype(f.hr, f.her2, pr, ki67) == expected


# --- category and intent -----------------------------------------------------------------


@pytest.mark.parametrize("site", LOCOREGIONAL_SITES)
def test_it_calls_a_recurrence_at_one_local_regional_site_isolated(site):
    # an in-breast site needs a breast that is still there (section 1)
    f = facts(LOCOREGIONAL, sites=sites(site), prior_breast_surgery="breast_conserving")
    assert (f.category, f.intent) == ("isolated_locoregional", "curative")


def test_it_calls_a_recurrence_at_every_local_regional_site_isolated():
    f = facts(
        LOCOREGIONAL, sites=sites(*LOCOREGIONAL_SITES), prior_breast_surgery="breast_conserving"
    )
    assert (f.category, f.intent) == ("isolated_locoregional", "curative")
    assert f.distant_sites == ()
    assert f.oligometastatic is False


@pytest.mark.parametrize("site", DISTANT_SITES)
def test_it_calls_a_recurrence_at_one_distant_site_metastatic(site):
    f = facts(METASTATIC, sites=sites(site))
    assert (f.category, f.intent) == ("metastatic", "palliative")
    assert f.distant_sites == (site,)


def test_it_calls_a_local_regional_recurrence_with_one_distant_site_metastatic():
    f = facts(LOCOREGIONAL, sites=sites("chest_wall", "axillary_nodes", "bone"))
    assert (f.category, f.intent) == ("metastatic", "palliative")
    assert f.distant_sites == ("bone",)


def test_it_counts_the_other_breast_as_distant():
    f = facts(LOCOREGIONAL, sites=sites("contralateral_breast"))
    assert f.category == "metastatic"


def test_it_calls_de_novo_stage_iv_metastatic_even_with_the_breast_in_place():
    f = facts(DE_NOVO, sites=sites("breast", "axillary_nodes", "bone"))
    assert (f.category, f.intent) == ("metastatic", "palliative")


# --- distant and visceral sites ----------------------------------------------------------


@pytest.mark.parametrize("site", DISTANT_SITES)
def test_it_counts_visceral_sites(site):
    f = facts(sites=sites(site))
    assert f.visceral_sites == ((site,) if site in VISCERAL_SITES else ())


def test_it_does_not_count_the_brain_as_visceral():
    f = facts(sites=sites("brain", "bone"))
    assert f.visceral_sites == ()
    assert set(f.distant_sites) == {"brain", "bone"}


def test_it_keeps_local_regional_sites_out_of_the_distant_ones():
    f = facts(sites=sites("axillary_nodes", "liver", "lung", "brain"))
    assert set(f.distant_sites) == {"liver", "lung", "brain"}
    assert set(f.visceral_sites) == {"liver", "lung"}
    assert set(f.locoregional_sites) == {"axillary_nodes"}


# --- oligometastatic ---------------------------------------------------------------------

OLIGO = [
    ("one lesion", [("lung", 1)], True),
    ("five lesions in one site", [("bone", 5)], True),
    ("five lesions over three sites", [("bone", 2), ("lung", 2), ("liver", 1)], True),
    ("six lesions", [("bone", 3), ("lung", 3)], False),
    ("six lesions in one site", [("liver", 6)], False),
    ("one site not counted", [("bone", 1), ("lung", None)], False),
    ("the only site not counted", [("lung", None)], False),
    ("local-regional lesions do not count", [("chest_wall", 10), ("lung", 2)], True),
    ("a local-regional site need not be counted", [("axillary_nodes", None), ("lung", 2)], True),
    ("brain counts like any distant site", [("brain", 1), ("lung", 4)], True),
]


@pytest.mark.parametrize(
    ("counts", "expected"), [row[1:] for row in OLIGO], ids=[row[0] for row in OLIGO]
)
def test_it_derives_oligometastatic(counts, expected):
    f = facts(sites=[{"site": s, "lesions": n} for s, n in counts])
    assert f.oligometastatic is expected


def test_it_never_calls_a_local_regional_recurrence_oligometastatic():
    f = facts(LOCOREGIONAL, sites=[{"site": "chest_wall", "lesions": 1}])
    assert f.oligometastatic is False


def test_it_calls_de_novo_disease_oligometastatic_by_its_distant_lesions():
    f = facts(DE_NOVO, sites=[{"site": "breast", "lesions": None}, {"site": "lung", "lesions": 3}])
    assert f.oligometastatic is True


# --- disease-free interval ---------------------------------------------------------------

MONTHS = [
    ("same day", "2020-01-15", "2020-01-15", 0),
    ("one day", "2020-01-15", "2020-01-16", 0),
    ("one day short of a month", "2020-01-15", "2020-02-14", 0),
    ("one month", "2020-01-15", "2020-02-15", 1),
    ("one day short of two years", "2020-01-15", "2022-01-14", 23),
    ("two years", "2020-01-15", "2022-01-15", 24),
    ("Jan 31 to Feb 28", "2021-01-31", "2021-02-28", 1),
    ("Jan 31 to Feb 27", "2021-01-31", "2021-02-27", 0),
    ("Jan 31 to Feb 29 in a leap year", "2020-01-31", "2020-02-29", 1),
    ("Jan 31 to Feb 28 in a leap year", "2020-01-31", "2020-02-28", 0),
    ("Jan 30 to Feb 29", "2020-01-30", "2020-02-29", 1),
    ("Jan 31 to Mar 30", "2021-01-31", "2021-03-30", 1),
    ("Jan 31 to Mar 31", "2021-01-31", "2021-03-31", 2),
    ("Mar 31 to Apr 30", "2021-03-31", "2021-04-30", 1),
    ("leap day to Feb 28", "2020-02-29", "2021-02-28", 12),
    ("leap day to Feb 27", "2020-02-29", "2021-02-27", 11),
    ("leap day to leap day", "2020-02-29", "2024-02-29", 48),
    ("leap day to Feb 28 of a leap year", "2020-02-29", "2024-02-28", 47),
    ("across a year end", "2019-12-31", "2020-02-29", 2),
    ("Feb 28 to Mar 28", "2021-02-28", "2021-03-28", 1),
    ("Feb 28 to Mar 27", "2021-02-28", "2021-03-27", 0),
]


@pytest.mark.parametrize(
    ("start", "end", "months"), [row[1:] for row in MONTHS], ids=[row[0] for row in MONTHS]
)
def test_it_counts_whole_calendar_months(start, end, months):
    start_day, end_day = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    assert whole_months_between(start_day, end_day) == months


@pytest.mark.parametrize(
    ("start", "end", "months"), [row[1:] for row in MONTHS], ids=[row[0] for row in MONTHS]
)
def test_it_derives_the_disease_free_interval(start, end, months):
    f = facts(primary_diagnosis_date=start, recurrence_date=end)
    assert f.disease_free_interval_months == months
    assert (
        run(build(METASTATIC, primary_diagnosis_date=start, recurrence_date=end))[
            "disease_free_interval_months"
        ]
        == months
    )


def test_it_has_no_disease_free_interval_without_a_primary_date():
    assert facts(primary_diagnosis_date=DROP).disease_free_interval_months is None
    assert facts(primary_diagnosis_date=None).disease_free_interval_months is None


def test_it_has_no_disease_free_interval_for_de_novo_disease():
    f = facts(DE_NOVO, primary_diagnosis_date="2023-01-01", recurrence_date="2024-04-10")
    assert f.disease_free_interval_months is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2021-01-31", 1, "2021-02-28"),
        ("2020-01-31", 1, "2020-02-29"),
        ("2020-02-29", 12, "2021-02-28"),
        ("2020-01-15", 24, "2022-01-15"),
        ("2020-11-30", 3, "2021-02-28"),
        ("2020-03-31", -1, "2020-02-29"),
    ],
)
def test_it_adds_calendar_months(day, months, expected):
    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


# --- recent tamoxifen --------------------------------------------------------------------

TAMOXIFEN = [
    ("no tamoxifen", {}, False),
    ("tamoxifen false", {"prior_tamoxifen": False}, False),
    ("still taking tamoxifen", {"prior_tamoxifen": True}, True),
    ("still taking, end null", {"prior_tamoxifen": True, "tamoxifen_end_date": None}, True),
    (
        "stopped the day of recurrence",
        {"prior_tamoxifen": True, "tamoxifen_end_date": "2024-04-10"},
        True,
    ),
    (
        "stopped 6 months before",
        {"prior_tamoxifen": True, "tamoxifen_end_date": "2023-10-10"},
        True,
    ),
    (
        "stopped 12 months before",
        {"prior_tamoxifen": True, "tamoxifen_end_date": "2023-04-10"},
        True,
    ),
    (
        "stopped a day short of 13 months before",
        {"prior_tamoxifen": True, "tamoxifen_end_date": "2023-03-11"},
        True,
    ),
    (
        "stopped 13 months before",
        {"prior_tamoxifen": True, "tamoxifen_end_date": "2023-03-10"},
        False,
    ),
    (
        "stopped 5 years before",
        {"prior_tamoxifen": True, "tamoxifen_end_date": "2019-04-10"},
        False,
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), [row[1:] for row in TAMOXIFEN], ids=[row[0] for row in TAMOXIFEN]
)
def test_it_derives_recent_tamoxifen(overrides, expected):
    assert facts(**overrides).recent_tamoxifen is expected


def test_it_measures_recent_tamoxifen_in_calendar_months_at_month_ends():
    # 2023-02-28 to 2024-02-29 is 12 months; to 2024-03-31 is 13.
    twelve = facts(
        prior_tamoxifen=True, tamoxifen_end_date="2023-02-28", recurrence_date="2024-02-29"
    )
    thirteen = facts(
        prior_tamoxifen=True, tamoxifen_end_date="2023-02-28", recurrence_date="2024-03-28"
    )
    assert twelve.recent_tamoxifen is True
    assert thirteen.recent_tamoxifen is False


def test_it_keeps_the_case_in_the_facts():
    case = parse_case(build(METASTATIC), today=TODAY)
    assert derive_facts(case).case == case


# --- facts new in 2.0 (contract section 2) ----------------------------------------------

FIT = {
    "sites": [{"site": "lung", "lesions": 2}],
    "ecog": 1,
    "visceral_crisis": False,
    "bulky_disease": False,
    "systemic_disease_controlled": False,
}


@pytest.mark.parametrize(
    ("workup", "staged"),
    [
        ({}, True),
        ({"chest_imaging": False}, False),
        ({"abdominal_imaging": False}, False),
        ({"chest_imaging": False, "abdominal_imaging": False}, False),
        ({"bone_scan": False, "brain_imaging": False, "cbc": False}, True),
    ],
)
def test_section_2_staged_needs_chest_and_abdominal_imaging(workup, staged):
    assert facts(workup=workup).staged is staged


@pytest.mark.parametrize(
    ("overrides", "fit"),
    [
        pytest.param({}, True, id="every condition met"),
        pytest.param({"sites": [{"site": "lung", "lesions": 5}]}, True, id="5 lesions"),
        pytest.param({"sites": [{"site": "lung", "lesions": 6}]}, False, id="6 lesions"),
        pytest.param({"sites": [{"site": "lung", "lesions": None}]}, False, id="not counted"),
        pytest.param({"workup": {"abdominal_imaging": False}}, False, id="not staged"),
        pytest.param({"visceral_crisis": True}, False, id="visceral crisis"),
        pytest.param({"bulky_disease": True}, False, id="bulky"),
        pytest.param({"bulky_disease": None}, True, id="bulk not assessed"),
        pytest.param({"ecog": None}, False, id="ECOG not recorded"),
        pytest.param({"ecog": 2}, True, id="ECOG 2"),
        pytest.param({"ecog": 3}, False, id="ECOG 3"),
        pytest.param({"systemic_disease_controlled": True}, False, id="disease controlled"),
        pytest.param({"systemic_disease_controlled": None}, True, id="control not assessed"),
        pytest.param(
            {"sites": [{"site": "contralateral_breast", "lesions": 1}]},
            False,
            id="contralateral breast alone",
        ),
        pytest.param(
            {
                "sites": [
                    {"site": "contralateral_breast", "lesions": 1},
                    {"site": "bone", "lesions": 1},
                ]
            },
            True,
            id="contralateral breast and bone",
        ),
    ],
)
def test_section_2_fit_for_local_treatment_of_metastases(overrides, fit):
    assert facts(**{**FIT, **overrides}).fit is fit


def test_section_2_fit_is_never_true_for_local_regional_disease():
    f = facts(LOCOREGIONAL, **{**FIT, "sites": [{"site": "chest_wall", "lesions": 1}]})
    assert f.fit is False


@pytest.mark.parametrize(
    ("ecog", "poor"), [(None, False), (0, False), (2, False), (3, True), (4, True)]
)
def test_section_2_poor_performance_status_is_ecog_3_or_4(ecog, poor):
    assert facts(ecog=ecog).poor_performance_status is poor


@pytest.mark.parametrize(
    ("names", "hard"),
    [
        (("bone",), True),
        (("pleura",), True),
        (("peritoneum",), True),
        (("bone", "pleura", "peritoneum"), True),
        (("bone", "lung"), False),
        (("liver",), False),
    ],
)
def test_section_2_not_easily_measurable_disease(names, hard):
    assert facts(sites=sites(*names)).not_easily_measurable is hard


def test_section_2_local_regional_disease_is_not_called_not_easily_measurable():
    assert facts(LOCOREGIONAL).not_easily_measurable is False


@pytest.mark.parametrize(
    ("taken", "end", "recent"),
    [
        (False, None, False),
        (True, None, True),  # still taking it
        (True, "2023-04-10", True),  # 12 months before the recurrence of 2024-04-10
        (True, "2023-04-11", True),
        (True, "2023-04-09", True),  # 12 whole months, one day more: still 12
        (True, "2023-03-10", False),  # 13 months
    ],
)
def test_section_2_recent_aromatase_inhibitor_by_the_12_month_rule(taken, end, recent):
    data = {"prior_aromatase_inhibitor": taken}
    if end:
        data["aromatase_inhibitor_end_date"] = end
    f = facts(**data)
    assert f.recent_aromatase_inhibitor is recent
    assert f.recent_tamoxifen is False


@pytest.mark.parametrize(
    ("ihc", "ish", "her2", "confirmed"),
    [
        ("3+", "amplified", "positive", True),
        ("3+", "not_done", "positive", False),
        ("3+", "not_amplified", "positive", False),
        ("2+", "amplified", "positive", True),
        ("0", "amplified", "positive", True),
        ("2+", "not_done", "equivocal", False),
        ("1+", "not_done", "negative", False),
    ],
)
def test_section_2_her2_confirmed_needs_amplified_ish(ihc, ish, her2, confirmed):
    f = facts(her2_ihc=ihc, her2_ish=ish)
    assert (f.her2, f.her2_confirmed) == (her2, confirmed)
