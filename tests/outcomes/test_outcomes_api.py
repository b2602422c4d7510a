"""GET /api/v1/outcomes/summary/: the Outcomes statistics as JSON.

The tests route through this module's urlpatterns, which add the outcomes API to the site's
URLs, so that they hold whether or not mbc_site/api_urls.py includes it yet."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import include, path

from mbc_site.urls import urlpatterns as site_urlpatterns
from tests.api.helpers import assert_error_shape, client_for, error_codes, error_fields
from tests.outcomes.test_outcomes_cohort import (  # noqa: F401 (an autouse fixture)
    YEARS_4,
    patient,
    quick_password_hashing,
)

urlpatterns = [path("api/v1/", include("outcomes.api_urls")), *site_urlpatterns]

pytestmark = pytest.mark.urls(__name__)

URL = "/api/v1/outcomes/summary/"


@pytest.fixture
def by_surgery(coordinator):
    """With surgery: deaths at 48 and 96 months, one censored at 144 (one synthetic);
    without: deaths at 48, 48 and 96."""
    for i, (days, dead, surgery) in enumerate(
        [
            (YEARS_4, True, "metastasectomy"),
            (2 * YEARS_4, True, "metastasectomy"),
            (3 * YEARS_4, False, "primary_surgery"),
            (YEARS_4, True, None),
            (YEARS_4, True, None),
            (2 * YEARS_4, True, None),
        ]
    ):
        patient(coordinator, i, days=days, dead=dead, surgery=surgery, synthetic=i == 2)


def test_it_gives_the_statistics_of_each_group(by_surgery, oncologist):
    response = client_for(oncologist).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["endpoint"], body["group_by"]) == ("os", "surgery")
    assert (body["n"], body["events"], body["synthetic"]) == (6, 5, 1)
    surgery, none = body["groups"]
    assert (surgery["label"], surgery["n"], surgery["events"]) == ("Surgery", 3, 2)
    assert surgery["median"] == 96.0
    assert none["median"] == 48.0
    assert set(surgery["at"]) == {"12", "24", "36", "60"}
    assert surgery["at"]["60"]["survival"] == pytest.approx(2 / 3)
    assert surgery["at"]["60"]["at_risk"] == 2
    assert len(surgery["at"]["60"]["ci"]) == 2
    assert 0 < body["logrank_p"] < 1
    assert body["cox"] is None
    assert body["messages"] == []


def test_the_filters_and_the_split_apply(by_surgery, oncologist):
    body = (
        client_for(oncologist)
        .get(URL, {"group_by": "none", "endpoint": "pfs", "surgery": "no", "cases": "hospital"})
        .json()
    )
    assert [g["label"] for g in body["groups"]] == ["All patients"]
    assert (body["n"], body["synthetic"]) == (3, 0)
    assert body["filters"] == {
        "presentation": None,
        "subtype": None,
        "site_pattern": None,
        "surgery": "no",
        "cases": "hospital",
    }
    assert body["logrank_p"] is None


def test_it_fits_a_cox_model_when_asked(by_surgery, oncologist):
    body = client_for(oncologist).get(URL + "?cox=surgery").json()
    (term,) = body["cox"]["terms"]
    assert term["name"] == "surgery (from its date)"
    assert term["hazard_ratio"] > 0
    assert any("time-dependent" in note for note in body["cox"]["notes"])


def test_a_group_too_small_carries_a_message(coordinator, oncologist):
    patient(coordinator, 1, days=300, surgery="metastasectomy")
    patient(coordinator, 2, days=400)
    patient(coordinator, 3, days=500)
    body = client_for(oncologist).get(URL).json()
    assert body["groups"][0]["message"] == "Too few patients to estimate (n=1)."
    assert body["groups"][0]["median"] is None
    assert "Surgery: Too few patients to estimate (n=1)." in body["messages"]


def test_an_empty_cohort_answers_with_a_message(oncologist):
    body = client_for(oncologist).get(URL).json()
    assert (body["n"], body["groups"]) == (0, [])
    assert body["messages"] == ["No patient with recorded follow-up matches these filters."]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"endpoint": "death"}, "endpoint"),
        ({"group_by": "case_number"}, "group_by"),
        ({"subtype": "luminal_z"}, "subtype"),
        ({"surgery": "maybe"}, "surgery"),
        ({"cox": ["age", "ward"]}, "cox"),
    ],
)
def test_a_bad_value_answers_400_naming_the_field(by_surgery, oncologist, query, field):
    response = client_for(oncologist).get(URL, query)
    assert response.status_code == 400
    assert_error_shape(response)
    assert error_fields(response) == [field]
    assert error_codes(response) == ["invalid_choice"]


def test_it_needs_a_signed_in_user(db):
    response = client_for().get(URL)
    assert response.status_code == 401
    assert_error_shape(response)


def test_it_refuses_a_user_with_no_role(nobody):
    response = client_for(nobody).get(URL)
    assert response.status_code == 403
    assert_error_shape(response)


def test_it_refuses_a_post(oncologist):
    response = client_for(oncologist).post(URL, {})
    assert response.status_code == 405
    assert error_codes(response) == ["method_not_allowed"]


def test_the_schema_describes_it_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/outcomes/summary/:" in schema
    assert "OutcomesSummary:" in schema
