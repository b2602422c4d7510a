"""Contract section 4: prognostic factors (guideline: Prognostic Factors)."""

from __future__ import annotations

import pytest

from tests.guideline.cases import DE_NOVO, DROP, LOCOREGIONAL, METASTATIC, build, codes, run, sites
from tests.guideline.contract import FAVOURABLE_CODES, PROGNOSTIC_PAIRS, UNFAVOURABLE_CODES

EVERY_PF = set(FAVOURABLE_CODES) | set(UNFAVOURABLE_CODES)


def prognosis_row(section, data, include=(), exclude=()):
    return pytest.param(data, tuple(include), tuple(exclude), id=section)


def dfi(start, end):
    return build(METASTATIC, primary_diagnosis_date=start, recurrence_date=end)


ROWS = [
    # Long disease-free interval (>1-2 years): >= 24 months favourable, < 12 unfavourable
    prognosis_row(
        "DFI: 24 months", dfi("2020-01-15", "2022-01-15"), ["PF_LONG_DFI"], ["PF_SHORT_DFI"]
    ),
    prognosis_row(
        "DFI: one day short of 24 months",
        dfi("2020-01-15", "2022-01-14"),
        [],
        ["PF_LONG_DFI", "PF_SHORT_DFI"],
    ),
    prognosis_row(
        "DFI: 12 months", dfi("2021-01-15", "2022-01-15"), [], ["PF_LONG_DFI", "PF_SHORT_DFI"]
    ),
    prognosis_row(
        "DFI: one day short of 12 months",
        dfi("2021-01-15", "2022-01-14"),
        ["PF_SHORT_DFI"],
        ["PF_LONG_DFI"],
    ),
    prognosis_row(
        "DFI: Jan 31 to Feb 28 two years on", dfi("2019-01-31", "2021-02-28"), ["PF_LONG_DFI"]
    ),
    prognosis_row("DFI: same day", dfi("2022-01-15", "2022-01-15"), ["PF_SHORT_DFI"]),
    prognosis_row(
        "DFI: no primary date",
        build(METASTATIC, primary_diagnosis_date=DROP),
        [],
        ["PF_LONG_DFI", "PF_SHORT_DFI"],
    ),
    prognosis_row(
        "DFI: de novo stage IV",
        build(DE_NOVO, primary_diagnosis_date="2020-01-01"),
        [],
        ["PF_LONG_DFI", "PF_SHORT_DFI"],
    ),
    prognosis_row(
        "DFI: local-regional, long",
        build(LOCOREGIONAL, primary_diagnosis_date="2010-01-01"),
        ["PF_LONG_DFI"],
    ),
    prognosis_row(
        "DFI: local-regional, short",
        build(LOCOREGIONAL, primary_diagnosis_date="2024-01-01"),
        ["PF_SHORT_DFI"],
    ),
    # Limited metastatic sites without bulky disease: one distant site, or oligometastatic
    prognosis_row(
        "Sites: one distant site, not counted",
        build(METASTATIC, sites=sites("bone")),
        ["PF_LIMITED_SITES"],
        ["PF_MULTIPLE_SITES"],
    ),
    prognosis_row(
        "Sites: one distant site with many lesions",
        build(METASTATIC, sites=[{"site": "lung", "lesions": 20}]),
        ["PF_LIMITED_SITES"],
        ["PF_MULTIPLE_SITES"],
    ),
    prognosis_row(
        "Sites: two distant sites, 5 lesions",
        build(METASTATIC, sites=[{"site": "lung", "lesions": 2}, {"site": "bone", "lesions": 3}]),
        ["PF_LIMITED_SITES"],
        ["PF_MULTIPLE_SITES"],
    ),
    prognosis_row(
        "Sites: two distant sites, 6 lesions",
        build(METASTATIC, sites=[{"site": "lung", "lesions": 3}, {"site": "bone", "lesions": 3}]),
        ["PF_MULTIPLE_SITES"],
        ["PF_LIMITED_SITES"],
    ),
    prognosis_row(
        "Sites: two distant sites, not counted",
        build(METASTATIC, sites=sites("lung", "bone")),
        ["PF_MULTIPLE_SITES"],
        ["PF_LIMITED_SITES"],
    ),
    prognosis_row(
        "Sites: one distant site and local-regional disease",
        build(METASTATIC, sites=sites("chest_wall", "axillary_nodes", "liver")),
        ["PF_LIMITED_SITES"],
        ["PF_MULTIPLE_SITES"],
    ),
    prognosis_row(
        "Sites: de novo, one distant site",
        build(DE_NOVO, sites=sites("breast", "bone")),
        ["PF_LIMITED_SITES"],
    ),
    prognosis_row(
        "Sites: local-regional", LOCOREGIONAL, [], ["PF_LIMITED_SITES", "PF_MULTIPLE_SITES"]
    ),
    # No visceral involvement
    prognosis_row("Visceral: lung", METASTATIC, ["PF_VISCERAL"], ["PF_NO_VISCERAL"]),
    prognosis_row(
        "Visceral: liver and bone",
        build(METASTATIC, sites=sites("liver", "bone")),
        ["PF_VISCERAL"],
        ["PF_NO_VISCERAL"],
    ),
    prognosis_row(
        "Visceral: bone only",
        build(METASTATIC, sites=sites("bone")),
        ["PF_NO_VISCERAL"],
        ["PF_VISCERAL"],
    ),
    prognosis_row(
        "Visceral: brain is not visceral",
        build(METASTATIC, sites=sites("brain")),
        ["PF_NO_VISCERAL"],
        ["PF_VISCERAL"],
    ),
    prognosis_row(
        "Visceral: distant nodes and skin",
        build(METASTATIC, sites=sites("distant_nodes", "skin_distant")),
        ["PF_NO_VISCERAL"],
        ["PF_VISCERAL"],
    ),
    prognosis_row("Visceral: local-regional", LOCOREGIONAL, [], ["PF_VISCERAL", "PF_NO_VISCERAL"]),
    # Positive hormone receptor status
    prognosis_row("HR: positive", METASTATIC, ["PF_HR_POSITIVE"], ["PF_HR_NEGATIVE"]),
    prognosis_row(
        "HR: negative",
        build(METASTATIC, er="negative", pr="negative"),
        ["PF_HR_NEGATIVE"],
        ["PF_HR_POSITIVE"],
    ),
    prognosis_row(
        "HR: unknown",
        build(METASTATIC, er="unknown", pr="negative"),
        [],
        ["PF_HR_POSITIVE", "PF_HR_NEGATIVE"],
    ),
    prognosis_row("HR: positive, local-regional", LOCOREGIONAL, ["PF_HR_POSITIVE"]),
    prognosis_row(
        "HR: negative, local-regional",
        build(LOCOREGIONAL, er="negative", pr="negative"),
        ["PF_HR_NEGATIVE"],
    ),
    # HER2-negative status
    prognosis_row("HER2: negative", METASTATIC, ["PF_HER2_NEGATIVE"], ["PF_HER2_POSITIVE"]),
    prognosis_row(
        "HER2: positive",
        build(METASTATIC, her2_ihc="3+"),
        ["PF_HER2_POSITIVE"],
        ["PF_HER2_NEGATIVE"],
    ),
    prognosis_row(
        "HER2: equivocal",
        build(METASTATIC, her2_ihc="2+"),
        [],
        ["PF_HER2_POSITIVE", "PF_HER2_NEGATIVE"],
    ),
    prognosis_row(
        "HER2: unknown",
        build(METASTATIC, her2_ihc="unknown"),
        [],
        ["PF_HER2_POSITIVE", "PF_HER2_NEGATIVE"],
    ),
    prognosis_row(
        "HER2: positive, local-regional",
        build(LOCOREGIONAL, her2_ish="amplified"),
        ["PF_HER2_POSITIVE"],
    ),
]


@pytest.mark.parametrize(("data", "include", "exclude"), ROWS)
def test_it_weighs_the_prognostic_factors(data, include, exclude):
    got = codes(run(data))
    assert [c for c in include if c not in got] == []
    assert [c for c in exclude if c in got] == []


@pytest.mark.parametrize(("data", "include", "exclude"), ROWS)
def test_it_files_each_factor_on_its_side(data, include, exclude):
    prognosis = run(data)["prognosis"]
    assert set(prognosis) == {"favourable", "unfavourable"}
    assert set(prognosis["favourable"]) <= set(FAVOURABLE_CODES)
    assert set(prognosis["unfavourable"]) <= set(UNFAVOURABLE_CODES)


@pytest.mark.parametrize(("data", "include", "exclude"), ROWS)
def test_it_never_gives_both_sides_of_a_factor(data, include, exclude):
    got = codes(run(data))
    for favourable, unfavourable in PROGNOSTIC_PAIRS:
        assert not {favourable, unfavourable} <= got


def test_it_keeps_prognostic_codes_out_of_the_recommendations():
    result = run(build(METASTATIC, sites=sites("lung", "bone", "liver")))
    assert {r["code"] for r in result["recommendations"]} & EVERY_PF == set()


def test_it_gives_a_full_prognosis_when_everything_is_known():
    result = run(build(METASTATIC, primary_diagnosis_date="2015-01-01", sites=sites("bone")))
    assert set(result["prognosis"]["favourable"]) == set(FAVOURABLE_CODES)
    assert result["prognosis"]["unfavourable"] == []


def test_it_gives_an_unfavourable_prognosis_when_everything_is_against():
    result = run(
        build(
            METASTATIC,
            primary_diagnosis_date="2024-01-01",
            er="negative",
            pr="negative",
            her2_ihc="3+",
            sites=sites("lung", "liver"),
        )
    )
    assert result["prognosis"]["favourable"] == []
    assert set(result["prognosis"]["unfavourable"]) == set(UNFAVOURABLE_CODES)
