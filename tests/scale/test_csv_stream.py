"""The streamed CSV (outcomes.export.csv_stream, sorted by the database) equals the one
built from the cohort frame (csv_rows), row for row, for every split and endpoint."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from outcomes.cohort import Filters
from outcomes.demo import seed_cohort
from outcomes.export import csv_rows, csv_stream
from outcomes.labels import GROUP_BY


@pytest.fixture
def cohort(coordinator):
    seed_cohort(coordinator, size=150, seed=11)


@pytest.mark.django_db
@pytest.mark.parametrize("group_by", list(GROUP_BY))
@pytest.mark.parametrize("endpoint", ["os", "pfs"])
def test_the_stream_equals_the_frame(cohort, group_by, endpoint):
    streamed = list(csv_stream(None, group_by, endpoint, ["age"]))
    assert streamed == csv_rows(None, group_by, endpoint, ["age"])
    assert len(streamed) > 1


@pytest.mark.django_db
def test_the_stream_equals_the_frame_with_filters(cohort):
    filters = Filters(category="metastatic", surgery=True)
    assert list(csv_stream(filters, "subtype", "os")) == csv_rows(filters, "subtype", "os")


@pytest.mark.django_db
def test_the_page_streams_it(cohort, oncologist):
    client = Client()
    client.force_login(oncologist)
    response = client.get("/outcomes/data.csv", {"group_by": "site_pattern", "endpoint": "pfs"})
    assert response.streaming
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    expected = [[str(v) for v in row] for row in csv_rows(None, "site_pattern", "pfs")]
    assert rows == expected


def _fresh_text(*choices) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(*choices))
    return out.getvalue()


@pytest.mark.django_db
def test_the_cached_csv_equals_the_fresh_one_even_with_a_chunk_lost(cohort, monkeypatch):
    from django.core.cache import cache

    from outcomes import export
    from outcomes.revision import derived_key

    monkeypatch.setattr(export, "CSV_CHUNK_ROWS", 40)  # 150 patients: four chunks
    choices = (None, "subtype", "os", ["age"])
    first = list(export.csv_text(*choices))
    assert len(first) == 4
    assert "".join(first) == _fresh_text(*choices)
    assert list(export.csv_text(*choices)) == first  # replayed from the cache
    key = derived_key("csv", {**Filters().__dict__}, "subtype", "os", ["age"])
    assert cache.get(key) == 4
    cache.delete(f"{key}:2")
    assert list(export.csv_text(*choices)) == first


@pytest.mark.django_db
def test_a_new_follow_up_changes_the_next_csv(cohort, coordinator, case_data):
    from outcomes.export import csv_text
    from recurrence import services

    before = "".join(csv_text())
    case = services.case_create(data=case_data(case_number="CSV-NEW"), user=coordinator)
    services.follow_up_save(
        case_id=case.pk,
        data={"last_contact_date": "2025-03-01", "vital_status": "alive"},
        version=case.version,
        user=coordinator,
    )
    after = "".join(csv_text())
    assert after.count("\n") == before.count("\n") + 1
    assert after == _fresh_text(None, "surgery", "os", [])
