"""Contract section 4, "Prognostic factors" (guideline: Prognostic Factors).

The source lists favourable factors only. Each row gives a case and, for the factor it
is about, the list the contract files it in: favourable, absent, unknown, or None when the
factor does not apply to the case.
"""

from __future__ import annotations

import pytest

from tests.guideline.cases import (
    DE_NOVO,
    DROP,
    LOCOREGIONAL,
    METASTATIC,
    build,
    prognosis_list,
    run,
    sites,
)
from tests.guideline.contract import PROGNOSTIC_CODES, REMOVED_CODES

NOT_STAGED = {"chest_imaging": False}


def pf(section, data, code, where):
    return pytest.param(data, code, where, id=section)


def dfi(start, end, base=METASTATIC):
    return build(base, primary_diagnosis_date=start, recurrence_date=end)


def met(*site_list, **overrides):
    return build(METASTATIC, sites=list(site_list), **overrides)


ROWS = [
    # PF_LONG_DFI: recurrence only; >= 24 months favourable, < 24 absent, no primary date unknown
    pf("DFI: 24 months", dfi("2020-01-15", "2022-01-15"), "PF_LONG_DFI", "favourable"),
    pf("DFI: one day short of 24", dfi("2020-01-15", "2022-01-14"), "PF_LONG_DFI", "absent"),
    pf("DFI: 12 months", dfi("2021-01-15", "2022-01-15"), "PF_LONG_DFI", "absent"),
    pf("DFI: same day", dfi("2022-01-15", "2022-01-15"), "PF_LONG_DFI", "absent"),
    pf(
        "DFI: Jan 31 to Feb 28 two years on",
        dfi("2019-01-31", "2021-02-28"),
        "PF_LONG_DFI",
        "favourable",
    ),
    pf(
        "DFI: Feb 29 to Feb 28 two years on",
        dfi("2020-02-29", "2022-02-28"),
        "PF_LONG_DFI",
        "favourable",
    ),
    pf(
        "DFI: no primary date",
        build(METASTATIC, primary_diagnosis_date=DROP),
        "PF_LONG_DFI",
        "unknown",
    ),
    pf(
        "DFI: de novo stage IV does not apply",
        build(DE_NOVO, primary_diagnosis_date="2020-01-01"),
        "PF_LONG_DFI",
        None,
    ),
    pf(
        "DFI: local-regional, long",
        build(LOCOREGIONAL, primary_diagnosis_date="2010-01-01"),
        "PF_LONG_DFI",
        "favourable",
    ),
    pf(
        "DFI: local-regional, short",
        dfi("2023-10-01", "2024-04-10", LOCOREGIONAL),
        "PF_LONG_DFI",
        "absent",
    ),
    # PF_LIMITED_SITES: metastatic; oligometastatic, staged and bulky false favourable;
    # counted lesions > 5 (even with a site not counted) or bulky true absent; else unknown
    pf(
        "Sites: 3 lesions, staged, not bulky",
        met({"site": "bone", "lesions": 3}, bulky_disease=False),
        "PF_LIMITED_SITES",
        "favourable",
    ),
    pf(
        "Sites: 5 lesions on two sites, not bulky",
        met({"site": "bone", "lesions": 2}, {"site": "lung", "lesions": 3}, bulky_disease=False),
        "PF_LIMITED_SITES",
        "favourable",
    ),
    pf(
        "Sites: 3 lesions, bulk not assessed",
        met({"site": "bone", "lesions": 3}),
        "PF_LIMITED_SITES",
        "unknown",
    ),
    pf(
        "Sites: 3 lesions, not staged",
        met({"site": "bone", "lesions": 3}, bulky_disease=False, workup=NOT_STAGED),
        "PF_LIMITED_SITES",
        "unknown",
    ),
    pf(
        "Sites: 3 lesions, bulky",
        met({"site": "bone", "lesions": 3}, bulky_disease=True),
        "PF_LIMITED_SITES",
        "absent",
    ),
    pf(
        "Sites: 6 lesions",
        met({"site": "bone", "lesions": 2}, {"site": "lung", "lesions": 4}, bulky_disease=False),
        "PF_LIMITED_SITES",
        "absent",
    ),
    pf(
        "Sites: 6 counted and a site not counted",
        met({"site": "bone", "lesions": 6}, {"site": "lung", "lesions": None}),
        "PF_LIMITED_SITES",
        "absent",
    ),
    pf(
        "Sites: 2 counted and a site not counted",
        met({"site": "bone", "lesions": 2}, {"site": "lung", "lesions": None}, bulky_disease=False),
        "PF_LIMITED_SITES",
        "unknown",
    ),
    pf(
        "Sites: one site, not counted",
        met({"site": "liver", "lesions": None}, bulky_disease=False),
        "PF_LIMITED_SITES",
        "unknown",
    ),
    pf("Sites: local-regional does not apply", build(LOCOREGIONAL), "PF_LIMITED_SITES", None),
    # PF_NO_VISCERAL: metastatic; brain counts against it (2.0); needs staging to be favourable
    pf("Visceral: bone only, staged", met(*sites("bone")), "PF_NO_VISCERAL", "favourable"),
    pf(
        "Visceral: distant nodes and skin, staged",
        met(*sites("distant_nodes", "skin_distant")),
        "PF_NO_VISCERAL",
        "favourable",
    ),
    pf(
        "Visceral: bone only, not staged",
        met(*sites("bone"), workup={"abdominal_imaging": False}),
        "PF_NO_VISCERAL",
        "unknown",
    ),
    pf("Visceral: lung", met(*sites("lung")), "PF_NO_VISCERAL", "absent"),
    pf(
        "Visceral: liver and bone, not staged",
        met(*sites("liver", "bone"), workup=NOT_STAGED),
        "PF_NO_VISCERAL",
        "absent",
    ),
    pf(
        "Visceral: brain only is not 'no visceral involvement'",
        met(*sites("brain")),
        "PF_NO_VISCERAL",
        "absent",
    ),
    pf("Visceral: local-regional does not apply", build(LOCOREGIONAL), "PF_NO_VISCERAL", None),
    # PF_HR_POSITIVE: always
    pf("HR: positive", build(METASTATIC), "PF_HR_POSITIVE", "favourable"),
    pf("HR: negative", build(METASTATIC, er="negative", pr="negative"), "PF_HR_POSITIVE", "absent"),
    pf("HR: unknown", build(METASTATIC, er="unknown", pr="negative"), "PF_HR_POSITIVE", "unknown"),
    pf(
        "HR: negative, local-regional",
        build(LOCOREGIONAL, er="negative", pr="negative"),
        "PF_HR_POSITIVE",
        "absent",
    ),
    # PF_HER2_NEGATIVE: always; equivocal counts as unknown
    pf("HER2: negative", build(METASTATIC), "PF_HER2_NEGATIVE", "favourable"),
    pf("HER2: positive", build(METASTATIC, her2_ihc="3+"), "PF_HER2_NEGATIVE", "absent"),
    pf("HER2: equivocal", build(METASTATIC, her2_ihc="2+"), "PF_HER2_NEGATIVE", "unknown"),
    pf("HER2: unknown", build(METASTATIC, her2_ihc="unknown"), "PF_HER2_NEGATIVE", "unknown"),
    pf(
        "HER2: positive, local-regional",
        build(LOCOREGIONAL, her2_ihc="0", her2_ish="amplified"),
        "PF_HER2_NEGATIVE",
        "absent",
    ),
]


@pytest.mark.parametrize(("data", "code", "where"), ROWS)
def test_it_files_each_factor_in_the_list_the_contract_gives(data, code, where):
    assert prognosis_list(run(data), code) == where


@pytest.mark.parametrize(("data", "code", "where"), ROWS)
def test_it_files_every_factor_that_applies_exactly_once(data, code, where):
    prognosis = run(data)["prognosis"]
    assert set(prognosis) == {"favourable", "absent", "unknown"}
    listed = [c for name in ("favourable", "absent", "unknown") for c in prognosis[name]]
    assert len(listed) == len(set(listed))
    assert set(listed) <= set(PROGNOSTIC_CODES)
    applies = {"PF_HR_POSITIVE", "PF_HER2_NEGATIVE"}
    if data["presentation"] == "recurrence":
        applies.add("PF_LONG_DFI")
    if run(data)["category"] == "metastatic":
        applies |= {"PF_LIMITED_SITES", "PF_NO_VISCERAL"}
    assert set(listed) == applies


def test_the_unfavourable_codes_of_1_0_are_gone():
    """ "Changes from version 1.0": codes removed."""
    for data in (
        build(
            METASTATIC,
            er="negative",
            pr="negative",
            her2_ihc="3+",
            primary_diagnosis_date="2024-01-01",
            sites=sites("liver", "lung", "bone", lesions=4),
        ),
        build(LOCOREGIONAL, primary_diagnosis_date="2024-01-01"),
    ):
        result = run(data)
        listed = {c for codes in result["prognosis"].values() for c in codes}
        assert listed & set(REMOVED_CODES) == set()
        assert "unfavourable" not in result["prognosis"]
