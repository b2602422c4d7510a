"""Parallel adds to one agenda in real concurrent transactions (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from board.models import AgendaItem, Meeting
from board.services import agenda_add
from recurrence.services import case_create

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

ADDS = 12


def run_in_parallel(work, n):
    start = threading.Barrier(n)
    results, errors = [], []

    def one(i):
        try:
            start.wait(5)
            results.append(work(i))
        except Exception as exc:  # noqa: BLE001 - any failure is what the test reports
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_parallel_adds_of_one_case_give_one_item_and_no_error(coordinator, case_data):
    case = case_create(data=case_data(), user=coordinator)
    meeting = Meeting.objects.create(date="2025-11-20", title="MDT")
    results, errors = run_in_parallel(
        lambda i: agenda_add(meeting=meeting, case_id=case.pk)[1], ADDS
    )
    assert errors == []
    assert sorted(results) == [False] * (ADDS - 1) + [True]
    assert list(AgendaItem.objects.values_list("case_id", "position")) == [(case.pk, 1)]


@pytest.mark.django_db(transaction=True)
def test_parallel_adds_of_different_cases_get_distinct_positions(coordinator, case_data):
    cases = [
        case_create(data=case_data(case_number=f"MBC-{i:04d}"), user=coordinator)
        for i in range(ADDS)
    ]
    meeting = Meeting.objects.create(date="2025-11-20", title="MDT")
    results, errors = run_in_parallel(
        lambda i: agenda_add(meeting=meeting, case_id=cases[i].pk)[1], ADDS
    )
    assert errors == []
    assert results == [True] * ADDS
    positions = sorted(AgendaItem.objects.values_list("position", flat=True))
    assert positions == list(range(1, ADDS + 1))
