"""The CSV of the de-identified survival data behind the Outcomes chart."""

from __future__ import annotations

import csv
import io
import re

import pytest

from outcomes.reports import outcomes_analysis
from tests.outcomes.test_outcomes_cohort import (  # noqa: F401 (an autouse fixture)
    YEARS_4,
    patient,
    quick_password_hashing,
)
from tests.outcomes.test_outcomes_page import client_for

URL = "/outcomes/data.csv"


@pytest.fixture
def cohort(coordinator):
    """Three with surgery, three without; ages 45 to 70; one synthetic."""
    rows = [
        (YEARS_4, True, "metastasectomy", 45),
        (2 * YEARS_4, True, "primary_surgery", 52),
        (3 * YEARS_4, False, "metastasectomy", 58),
        (YEARS_4, True, None, 61),
        (YEARS_4 + 30, False, None, 66),
        (2 * YEARS_4, True, None, 70),
    ]
    return [
        patient(coordinator, i, days=days, dead=dead, surgery=surgery, age=age, synthetic=i == 5)
        for i, (days, dead, surgery, age) in enumerate(rows)
    ]


def table(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


def test_it_is_a_csv_download(cohort, oncologist):
    response = client_for(oncologist).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == ('attachment; filename="outcomes-os-by-surgery.csv"')


def test_it_has_one_row_per_patient_with_the_chart_s_columns(cohort, oncologist):
    rows = table(client_for(oncologist).get(URL))
    assert list(rows[0]) == [
        "row",
        "group",
        "os_months",
        "os_event",
        "surgery_months",
        "presentation",
        "subtype",
        "site_pattern",
        "surgery",
        "age_band",
        "synthetic",
    ]
    assert [r["surgery_months"] for r in rows] == ["0.99", "0.99", "0.99", "", "", ""]
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [(r["group"], r["os_months"], r["os_event"], r["surgery"]) for r in rows] == [
        ("Surgery", "48.00", "1", "1"),
        ("Surgery", "96.00", "1", "1"),
        ("Surgery", "144.00", "0", "1"),
        ("No surgery", "48.00", "1", "0"),
        ("No surgery", "48.99", "0", "0"),
        ("No surgery", "96.00", "1", "0"),
    ]
    assert [r["synthetic"] for r in rows] == ["0", "0", "0", "0", "0", "1"]
    assert {r["age_band"] for r in rows} == {"40-49", "50-59", "60-69", "70-79"}


def test_it_matches_the_figures_on_the_page(cohort, oncologist):
    rows = table(client_for(oncologist).get(URL, {"group_by": "none", "endpoint": "pfs"}))
    result = outcomes_analysis(group_by="none", endpoint="pfs")
    assert len(rows) == result["n"] == 6
    assert sum(int(r["pfs_event"]) for r in rows) == result["events"] == 4
    assert {r["group"] for r in rows} == {"All patients"}


def test_it_names_no_patient_and_gives_no_date(cohort, oncologist):
    response = client_for(oncologist).get(URL, {"cox": ["surgery"]})
    text = response.getvalue().decode()
    for case in cohort:
        assert case.case_number not in text
        assert case.hospital_number not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    cells = {value for row in table(response) for value in row.values()}
    assert not cells & {str(case.age) for case in cohort}, "exact ages"


def test_exact_ages_only_when_age_is_a_covariate(cohort, oncologist):
    rows = table(client_for(oncologist).get(URL, {"cox": ["age", "surgery"]}))
    assert "age" in rows[0]
    assert sorted(int(r["age"]) for r in rows) == [45, 52, 58, 61, 66, 70]


def test_the_filters_choose_the_rows(cohort, oncologist):
    rows = table(client_for(oncologist).get(URL, {"surgery": "yes", "cases": "hospital"}))
    assert len(rows) == 3
    assert {r["group"] for r in rows} == {"Surgery"}
    rows = table(client_for(oncologist).get(URL, {"cases": "synthetic"}))
    assert [r["synthetic"] for r in rows] == ["1"]


def test_the_rows_do_not_follow_the_order_of_entry(coordinator, oncologist):
    for i, days in enumerate([900, 100, 500, 300]):
        patient(coordinator, i, days=days)
    rows = table(client_for(oncologist).get(URL, {"group_by": "none"}))
    months = [float(r["os_months"]) for r in rows]
    assert months == sorted(months)


def test_an_empty_cohort_gives_the_header_only(oncologist):
    response = client_for(oncologist).get(URL, {"subtype": "luminal_a"})
    assert response.status_code == 200
    assert response.getvalue().decode().strip().startswith("row,group,os_months")
    assert len(table(response)) == 0


@pytest.mark.parametrize(
    "query",
    [{"endpoint": "x"}, {"group_by": "case_number"}, {"cox": "bogus"}, {"surgery": "1"}],
)
def test_bad_values_fall_back_to_the_defaults(cohort, oncologist, query):
    response = client_for(oncologist).get(URL, query)
    assert response.status_code == 200
    assert len(table(response)) == 6


def test_it_refuses_an_anonymous_visitor_and_a_user_with_no_role(db, nobody):
    response = client_for().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client_for(nobody).get(URL).status_code == 403


def test_it_refuses_a_post(oncologist):
    assert client_for(oncologist).post(URL).status_code == 405
