"""The cohort behind the Outcomes pages (outcomes.cohort.cohort_frame): one query, survival
times as recurrence.followup computes them, surgery as recorded treatments, no identifiers.

`patient()` here builds the small cohorts the other Outcomes tests use, and they import
`quick_password_hashing` with it."""

from __future__ import annotations

import copy
import datetime as dt
import math

import pytest

from outcomes.cohort import Filters, cohort_frame
from recurrence.followup import FollowUp as FollowUpData
from recurrence.followup import survival_times
from recurrence.models import FollowUp, Treatment
from recurrence.services import case_create
from tests.conftest import BASE_CASE

RECURRENCE = dt.date(2005, 1, 1)
# 1461 days are 48 months of 365.25 / 12 days exactly, so these times are whole months.
YEARS_4 = 1461


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """The cast's passwords are hashed for every test; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def patient(
    user,
    number: int,
    *,
    days: int,
    dead: bool = True,
    progression_days: int | None = None,
    surgery: str | None = None,
    surgery_days: int = 30,
    synthetic: bool = False,
    recurrence: dt.date = RECURRENCE,
    **overrides,
):
    """A stored case with its follow-up: dead (or last seen alive) `days` after the
    recurrence date; `surgery` is a treatment kind to record, if any, `surgery_days` after
    the recurrence date."""
    body = copy.deepcopy(BASE_CASE)
    body.update(
        case_number=f"T-{number:04d}",
        hospital_number=f"HN{number:06d}",
        recurrence_date=recurrence.isoformat(),
        primary_diagnosis_date="2001-03-01",
    )
    body.update(overrides)
    case = case_create(data=body, user=user, synthetic=synthetic)
    end = case.recurrence_date + dt.timedelta(days=days)
    FollowUp.objects.create(
        case=case,
        last_contact_date=end,
        vital_status="dead" if dead else "alive",
        death_date=end if dead else None,
        progression_date=None
        if progression_days is None
        else case.recurrence_date + dt.timedelta(days=progression_days),
    )
    if surgery:
        Treatment.objects.create(
            case=case,
            kind=surgery,
            site="lung" if surgery == "metastasectomy" else "",
            start_date=case.recurrence_date + dt.timedelta(days=surgery_days),
        )
    return case


def test_it_reads_the_cohort_in_one_query(coordinator, django_assert_num_queries):
    for i in range(5):
        patient(coordinator, i, days=100 * (i + 1), surgery="metastasectomy" if i % 2 else None)
    with django_assert_num_queries(1):
        frame = cohort_frame()
    assert len(frame) == 5


def test_the_times_are_those_of_recurrence_followup(coordinator):
    records = [
        (400, True, None),
        (731, False, 200),
        (YEARS_4, True, 1000),
        (95, False, None),
        (2000, True, 2000),
    ]
    expected = []
    for i, (days, dead, progression) in enumerate(records):
        case = patient(coordinator, i, days=days, dead=dead, progression_days=progression)
        end = case.recurrence_date + dt.timedelta(days=days)
        times = survival_times(
            case.recurrence_date,
            FollowUpData(
                end,
                "dead" if dead else "alive",
                end if dead else None,
                None
                if progression is None
                else case.recurrence_date + dt.timedelta(days=progression),
            ),
        )
        expected.append(
            (times.os_months, int(times.os_event), times.pfs_months, int(times.pfs_event))
        )
    frame = cohort_frame()
    got = list(
        frame[["os_months", "os_event", "pfs_months", "pfs_event"]].itertuples(
            index=False, name=None
        )
    )
    assert sorted(got) == sorted(expected)
    assert 48.0 in set(frame["os_months"])


def test_progression_free_survival_ends_at_progression_or_death(coordinator):
    patient(coordinator, 1, days=2 * YEARS_4, dead=True, progression_days=YEARS_4)
    patient(coordinator, 2, days=2 * YEARS_4, dead=True)
    patient(coordinator, 3, days=2 * YEARS_4, dead=False)
    frame = cohort_frame().sort_values(["pfs_months", "pfs_event"])
    assert list(frame[["pfs_months", "pfs_event"]].itertuples(index=False, name=None)) == [
        (48.0, 1),
        (96.0, 0),
        (96.0, 1),
    ]
    assert sorted(frame["os_event"]) == [0, 1, 1]


@pytest.mark.parametrize(
    ("kind", "counts"),
    [
        ("primary_surgery", True),
        ("metastasectomy", True),
        ("radiotherapy", False),
        ("systemic_line", False),
    ],
)
def test_surgery_is_a_primary_surgery_or_a_metastasectomy(coordinator, kind, counts):
    case = patient(coordinator, 1, days=300)
    Treatment.objects.create(
        case=case,
        kind=kind,
        line=1 if kind == "systemic_line" else None,
        site="lung" if kind == "metastasectomy" else "",
        start_date=case.recurrence_date + dt.timedelta(days=10),
    )
    assert cohort_frame()["surgery"].tolist() == [counts]


def test_two_surgeries_still_make_one_patient(coordinator):
    case = patient(coordinator, 1, days=300, surgery="metastasectomy")
    Treatment.objects.create(
        case=case,
        kind="primary_surgery",
        start_date=case.recurrence_date + dt.timedelta(days=60),
    )
    frame = cohort_frame()
    assert len(frame) == 1
    assert frame["surgery"].tolist() == [True]


def test_cases_without_follow_up_are_left_out(coordinator, stored_case):
    patient(coordinator, 1, days=300)
    assert len(cohort_frame()) == 1


def test_the_frame_holds_no_identifiers_or_dates(coordinator):
    patient(coordinator, 1, days=300)
    frame = cohort_frame()
    assert set(frame.columns) == {
        "presentation",
        "category",
        "subtype",
        "site_pattern",
        "synthetic",
        "surgery",
        "age",
        "os_months",
        "os_event",
        "pfs_months",
        "pfs_event",
        "surgery_months",
        "metastasectomy_months",
        "metastasectomy_liver_months",
        "metastasectomy_lung_months",
        "metastasectomy_brain_months",
        "metastasectomy_bone_months",
        "radiotherapy_months",
        "has_liver",
        "has_lung",
        "has_brain",
        "has_bone",
    }


def test_it_gives_the_months_to_the_first_treatment_of_each_kind(
    coordinator, django_assert_num_queries
):
    case = patient(
        coordinator, 1, days=YEARS_4, surgery="metastasectomy", surgery_days=YEARS_4 // 4
    )
    for kind, site, days in (
        ("metastasectomy", "lung", YEARS_4 // 2),
        ("primary_surgery", "", YEARS_4 // 8),
        ("radiotherapy", "bone", YEARS_4 // 2),
        ("systemic_line", "", 10),
    ):
        Treatment.objects.create(
            case=case, kind=kind, site=site, start_date=RECURRENCE + dt.timedelta(days=days)
        )
    patient(coordinator, 2, days=300)
    with django_assert_num_queries(1):
        frame = cohort_frame()
    treated, untreated = frame.sort_values("os_months", ascending=False).to_dict("records")
    months = 1461 / 48
    assert treated["surgery_months"] == round((YEARS_4 // 8) / months, 2)  # the first of both
    assert treated["metastasectomy_months"] == round((YEARS_4 // 4) / months, 2)
    assert treated["metastasectomy_lung_months"] == round((YEARS_4 // 4) / months, 2)
    assert treated["radiotherapy_months"] == round((YEARS_4 // 2) / months, 2)
    assert math.isnan(treated["metastasectomy_liver_months"])
    assert (treated["has_lung"], treated["has_bone"], treated["has_liver"]) == (True, True, False)
    assert math.isnan(untreated["surgery_months"]) and not untreated["surgery"]


def test_the_filters_choose_the_cases(coordinator):
    triple_negative = {"er": "negative", "pr": "negative", "her2_ihc": "0", "ki67_percent": 70}
    one = patient(coordinator, 1, days=300, **triple_negative)
    patient(coordinator, 2, days=400, surgery="metastasectomy")
    patient(coordinator, 3, days=500, synthetic=True)
    assert one.subtype == "triple_negative"
    assert len(cohort_frame(Filters(subtype="triple_negative"))) == 1
    assert len(cohort_frame(Filters(surgery=True))) == 1
    assert len(cohort_frame(Filters(surgery=False))) == 2
    assert len(cohort_frame(Filters(synthetic=True))) == 1
    assert len(cohort_frame(Filters(synthetic=False))) == 2
    assert len(cohort_frame(Filters(exclude_case=one.pk))) == 2
    assert len(cohort_frame(Filters(site_pattern="bone_only"))) == 0
    assert len(cohort_frame(Filters(site_pattern=one.site_pattern))) == 3
