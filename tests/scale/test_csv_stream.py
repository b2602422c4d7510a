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
