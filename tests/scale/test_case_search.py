"""The case search: a case-number prefix or an exact hospital number (recurrence.search),
on the case list and the API; counts exact below COUNT_LIMIT."""

from __future__ import annotations

import pytest
from django.test import Client

from recurrence import search
from recurrence.models import Case
from recurrence.services import case_create
from tests.api.helpers import client_for as api_client


@pytest.fixture
def cases(coordinator, case_data):
    for number, hospital in [
        ("MBC-2024-001", "H100"),
        ("MBC-2024-002", "H1001"),
        ("MBC-2025-001", "X-MBC-2024"),
        ("LRR-7", "h100b"),
    ]:
        case_create(data=case_data(case_number=number, hospital_number=hospital), user=coordinator)


def numbers(q: str) -> list[str]:
    return sorted(Case.objects.filter(search.search(q)).values_list("case_number", flat=True))


@pytest.mark.django_db
def test_a_case_number_prefix_or_an_exact_hospital_number(cases):
    assert numbers("MBC-2024") == ["MBC-2024-001", "MBC-2024-002"]
    assert numbers("mbc-2024-00") == ["MBC-2024-001", "MBC-2024-002"]
    assert numbers("2024") == []  # not a prefix of any case number
    assert numbers("H100") == ["MBC-2024-001"]  # exact, not H1001
    assert numbers("h1001") == ["MBC-2024-002"]
    assert numbers("X-MBC-2024") == ["MBC-2025-001"]


@pytest.mark.django_db
def test_the_list_and_the_api_search_alike(cases, oncologist):
    client = Client()
    client.force_login(oncologist)
    html = client.post("/", {"q": "MBC-2024"}).content.decode()
    assert "2 cases match" in html and "MBC-2024-001" in html and "MBC-2025-001" not in html
    found = api_client(oncologist).get("/api/v1/cases/", {"q": "H1001"}).json()
    assert found["count"] == 1 and found["results"][0]["case_number"] == "MBC-2024-002"


@pytest.mark.django_db
def test_counts_are_exact_below_the_limit_and_bounded_above(cases, monkeypatch):
    assert search.bounded_count(Case.objects.all()) == (4, True)
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    count, exact = search.bounded_count(Case.objects.all())
    if _postgres():  # the planner's estimate, never below the limit
        assert count >= 3 and not exact
    else:  # counting is all there is
        assert (count, exact) == (4, True)


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
