"""Impossible follow-up and treatment records are refused (recurrence/followup.py)."""

import datetime as dt

import pytest

from recurrence.followup import (
    FollowUp,
    FollowUpRefused,
    parse_follow_up,
    parse_treatment,
    survival_times,
)

RECURRENCE = dt.date(2022, 3, 1)
TODAY = dt.date(2025, 1, 1)


def codes(data, **kwargs):
    with pytest.raises(FollowUpRefused) as refused:
        parse_follow_up(data, recurrence_date=RECURRENCE, today=TODAY, **kwargs)
    return {(e["field"], e["code"]) for e in refused.value.errors}


def test_a_living_patient_with_progression():
    got = parse_follow_up(
        {
            "last_contact_date": "2024-06-01",
            "vital_status": "alive",
            "progression_date": "2023-01-10",
        },
        recurrence_date=RECURRENCE,
        today=TODAY,
    )
    assert got == FollowUp(dt.date(2024, 6, 1), "alive", None, dt.date(2023, 1, 10))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"vital_status": "alive"}, {("last_contact_date", "required")}),
        (
            {"last_contact_date": "2024-01-01", "vital_status": "gone"},
            {("vital_status", "invalid_choice")},
        ),
        ({"last_contact_date": "2024-01-01", "vital_status": "dead"}, {("death_date", "required")}),
        (
            {"last_contact_date": "2022-01-01", "vital_status": "dead", "death_date": "2021-12-01"},
            {
                ("last_contact_date", "before_recurrence"),
                ("death_date", "before_recurrence"),
                ("last_contact_date", "contact_after_death"),
            },
        ),
        (
            {"last_contact_date": "2024-05-01", "vital_status": "dead", "death_date": "2024-04-01"},
            {("last_contact_date", "contact_after_death")},
        ),
        (
            {
                "last_contact_date": "2024-05-01",
                "vital_status": "dead",
                "death_date": "2024-05-01",
                "progression_date": "2024-06-01",
            },
            {("progression_date", "progression_after_death")},
        ),
        (
            {
                "last_contact_date": "2024-05-01",
                "vital_status": "alive",
                "progression_date": "2024-06-01",
            },
            {("progression_date", "after_last_contact")},
        ),
        (
            {
                "last_contact_date": "2024-05-01",
                "vital_status": "alive",
                "death_date": "2024-05-01",
            },
            {("death_date", "death_date_while_alive")},
        ),
        (
            {"last_contact_date": "2026-05-01", "vital_status": "alive"},
            {("last_contact_date", "future_date")},
        ),
        (
            {"last_contact_date": "2024-02-30", "vital_status": "alive"},
            {("last_contact_date", "invalid_date")},
        ),
        (
            {"last_contact_date": "2024-02-01", "vital_status": "alive", "mood": "ok"},
            {("mood", "unknown_field")},
        ),
    ],
)
def test_impossible_records_are_refused_naming_the_field(data, expected):
    assert codes(data) == expected


def test_treatments_are_checked_against_recurrence_and_death():
    follow_up = FollowUp(dt.date(2024, 5, 1), "dead", dt.date(2024, 5, 1))
    with pytest.raises(FollowUpRefused) as refused:
        parse_treatment(
            {
                "kind": "metastasectomy",
                "site": "chest_wall",
                "start_date": "2024-06-01",
                "end_date": "2024-05-01",
            },
            recurrence_date=RECURRENCE,
            today=TODAY,
            follow_up=follow_up,
        )
    assert {(e["field"], e["code"]) for e in refused.value.errors} == {
        ("site", "invalid_choice"),
        ("start_date", "after_death"),
        ("end_date", "date_order"),
    }


def test_a_systemic_line_needs_its_number():
    with pytest.raises(FollowUpRefused) as refused:
        parse_treatment(
            {"kind": "systemic_line", "start_date": "2022-04-01"},
            recurrence_date=RECURRENCE,
            today=TODAY,
        )
    assert [e["field"] for e in refused.value.errors] == ["line"]


def test_survival_times_count_months_from_the_recurrence():
    dead = survival_times(
        RECURRENCE, FollowUp(dt.date(2023, 3, 1), "dead", dt.date(2023, 3, 1), dt.date(2022, 9, 1))
    )
    assert (dead.os_months, dead.os_event, dead.pfs_months, dead.pfs_event) == (
        11.99,
        True,
        6.05,
        True,
    )
    alive = survival_times(RECURRENCE, FollowUp(dt.date(2024, 3, 1), "alive"))
    assert (alive.os_months, alive.os_event, alive.pfs_months, alive.pfs_event) == (
        24.02,
        False,
        24.02,
        False,
    )
