"""The Outcomes page: who may see it, the figures it shows, bad input, and its queries."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outcomes.cohort import Filters
from outcomes.labels import AT_MONTHS, DEFAULT_LANDMARK
from outcomes.reports import outcomes_analysis
from recurrence.models import Case
from tests.outcomes.test_outcomes_cohort import (  # noqa: F401 (an autouse fixture)
    YEARS_4,
    patient,
    quick_password_hashing,
)

URL = "/outcomes/"
SVG = "{http://www.w3.org/2000/svg}"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def four(coordinator):
    """Four patients whose Kaplan-Meier estimate is worked out by hand: deaths at 48, 144
    and 192 months, one censored at 96. S = 3/4 from 48 months, 3/8 from 144, 0 from 192;
    the median is 144 months."""
    for i, (years, dead) in enumerate([(4, True), (8, False), (12, True), (16, True)]):
        patient(coordinator, i, days=years * YEARS_4 // 4, dead=dead)


@pytest.fixture
def by_surgery(coordinator):
    """Two arms: with surgery, deaths at 48 and 96 months and one censored at 144; without,
    deaths at 48, 48 and 96 months."""
    for i, (days, dead, surgery) in enumerate(
        [
            (YEARS_4, True, "metastasectomy"),
            (2 * YEARS_4, True, "primary_surgery"),
            (3 * YEARS_4, False, "metastasectomy"),
            (YEARS_4, True, None),
            (YEARS_4, True, None),
            (2 * YEARS_4, True, None),
        ]
    ):
        patient(coordinator, i, days=days, dead=dead, surgery=surgery)


def svg_of(html: str) -> ET.Element:
    found = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert found, "no chart in the page"
    return ET.fromstring(found.group(0))


class TestAccess:
    def test_it_sends_an_anonymous_visitor_to_sign_in(self, db):
        response = client_for().get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_it_refuses_a_user_with_no_role(self, nobody):
        assert client_for(nobody).get(URL).status_code == 403

    @pytest.mark.django_db  # the users come through getfixturevalue, unseen when tests are ordered
    @pytest.mark.parametrize("role", ["coordinator", "oncologist", "administrator"])
    def test_every_role_reads_it(self, request, role):
        user = request.getfixturevalue(role)
        assert client_for(user).get(URL).status_code == 200

    def test_it_refuses_a_post(self, oncologist):
        assert client_for(oncologist).post(URL, {"group_by": "subtype"}).status_code == 405


class TestFigures:
    def test_the_kaplan_meier_estimate_is_the_one_worked_by_hand(self, four):
        result = outcomes_analysis(group_by="none")
        (group,) = result["groups"]
        assert (group["n"], group["events"]) == (4, 3)
        assert group["median"] == 144.0
        assert group["at"]["12"]["survival"] == 1.0
        assert group["at"]["36"]["survival"] == 1.0
        assert group["at"]["60"]["survival"] == pytest.approx(0.75)
        assert group["at"]["60"]["at_risk"] == 3
        assert result["logrank_p"] is None

    def test_the_page_prints_the_hand_worked_figures(self, four, oncologist):
        html = client_for(oncologist).get(URL, {"group_by": "none"}).content.decode()
        assert "4 patients, 3 deaths" in html
        assert "144.0" in html
        assert "75%" in html

    def test_it_splits_by_surgery_and_compares_the_arms(self, by_surgery, oncologist):
        from evidence.survival import logrank

        result = outcomes_analysis(group_by="surgery")
        surgery, none = result["groups"]
        assert (surgery["label"], surgery["n"], surgery["events"]) == ("Surgery", 3, 2)
        assert (none["label"], none["n"], none["events"]) == ("No surgery", 3, 3)
        # Surgery: 2/3 from 48 months, 1/3 from 96; no surgery: 1/3 from 48, 0 from 96.
        assert surgery["median"] == 96.0
        assert none["median"] == 48.0
        assert surgery["at"]["60"]["survival"] == pytest.approx(2 / 3)
        assert none["at"]["60"]["survival"] == pytest.approx(1 / 3)
        expected = logrank({"Surgery": ([48, 96, 144], [1, 1, 0]), "No": ([48, 48, 96], [1, 1, 1])})
        assert result["logrank_p"] == pytest.approx(expected.p)

        html = client_for(oncologist).get(URL, {"show_biased": "on"}).content.decode()
        assert "Log-rank test across the groups" in html
        assert "67%" in html and "33%" in html
        assert "Biased by immortal time." in html

    def test_it_shows_progression_free_survival(self, coordinator, oncologist):
        patient(coordinator, 1, days=2 * YEARS_4, dead=False, progression_days=YEARS_4)
        patient(coordinator, 2, days=2 * YEARS_4, dead=False)
        result = outcomes_analysis(group_by="none", endpoint="pfs")
        assert result["groups"][0]["events"] == 1
        assert result["groups"][0]["at"]["60"]["survival"] == pytest.approx(0.5)
        html = client_for(oncologist).get(URL, {"endpoint": "pfs"}).content.decode()
        assert "Progression-free survival" in html

    @pytest.mark.parametrize(
        ("group_by", "labels"),
        [
            ("subtype", ["Luminal B", "Triple negative"]),
            ("presentation", ["Recurrence"]),
            ("site_pattern", ["Visceral, other"]),
        ],
    )
    def test_it_splits_by_the_other_groupings(self, coordinator, group_by, labels):
        tn = {"er": "negative", "pr": "negative", "her2_ihc": "0", "ki67_percent": 70}
        for i in range(3):
            patient(coordinator, i, days=300 + 100 * i)
            patient(coordinator, 10 + i, days=200 + 50 * i, **tn)
        result = outcomes_analysis(group_by=group_by)
        assert [g["label"] for g in result["groups"]] == labels
        assert sum(g["n"] for g in result["groups"]) == 6

    def test_a_group_too_small_to_estimate_gets_a_message(self, coordinator, oncologist):
        patient(coordinator, 1, days=300, surgery="metastasectomy")
        patient(coordinator, 2, days=400)
        patient(coordinator, 3, days=500, dead=False)
        result = outcomes_analysis(group_by="surgery")
        surgery = result["groups"][0]
        assert surgery["n"] == 1 and surgery["median"] is None
        assert "Too few patients to estimate" in surgery["message"]
        response = client_for(oncologist).get(URL, {"show_biased": "on"})
        assert response.status_code == 200
        assert "Too few patients to estimate (n=1)." in response.content.decode()

    def test_no_patient_with_follow_up_is_said_plainly(self, oncologist, stored_case):
        response = client_for(oncologist).get(URL, {"subtype": "her2_enriched"})
        assert response.status_code == 200
        assert "No patient with recorded follow-up matches these filters." in (
            response.content.decode()
        )

    def test_a_follow_up_before_a_corrected_recurrence_date_is_left_out(
        self, coordinator, oncologist
    ):
        first = patient(coordinator, 1, days=100)
        patient(coordinator, 2, days=300)
        patient(coordinator, 3, days=400)
        Case.objects.filter(pk=first.pk).update(recurrence_date="2005-12-01")
        response = client_for(oncologist).get(URL, {"group_by": "none"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "1 patient left out: follow-up ends before the recurrence date" in html
        assert "2 patients, 2 deaths" in html

    def test_it_fits_a_cox_model_when_asked(self, coordinator, oncologist):
        ages = [62, 45, 71, 50, 58, 66, 43, 55, 69, 48, 60, 52]
        for i in range(12):
            patient(
                coordinator,
                i,
                days=200 + 90 * i,
                dead=i % 4 != 0,
                surgery="metastasectomy" if i % 3 == 0 else None,
                age=ages[i],
            )
        result = outcomes_analysis(cox_covariates=["surgery", "age"])
        names = [t["name"] for t in result["cox"]["terms"]]
        assert names == ["surgery (from its date)", "age per 10 years"]
        assert result["cox"]["events"] == 9
        html = client_for(oncologist).get(URL, {"cox": ["surgery", "age"]}).content.decode()
        assert "Cox proportional hazards model" in html
        assert "surgery (from its date)" in html
        assert "hazard ratios are imprecise" in html
        assert "Surgery is time-dependent in this model" in html

    def test_a_cox_model_that_cannot_be_fitted_says_why(self, coordinator, oncologist):
        patient(coordinator, 1, days=300)
        patient(coordinator, 2, days=400)
        response = client_for(oncologist).get(URL, {"cox": "subtype"})
        assert response.status_code == 200
        assert "has the same value for every patient" in response.content.decode()
        response = client_for(oncologist).get(URL, {"cox": "surgery"})
        assert "Nobody was treated: there is nothing to compare." in response.content.decode()

    def test_without_covariates_there_is_no_cox_model(self, by_surgery, oncologist):
        assert outcomes_analysis()["cox"] is None
        assert 'id="cox-heading"' not in client_for(oncologist).get(URL).content.decode()


class TestChart:
    def test_the_chart_is_valid_svg_with_its_numbers_at_risk(self, by_surgery, oncologist):
        html = client_for(oncologist).get(URL, {"show_biased": "on"}).content.decode()
        root = svg_of(html)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
        assert "Number at risk" in texts
        assert any(t.startswith("Surgery (n=3") for t in texts)
        assert any(t.startswith("No surgery (n=3") for t in texts)

    def test_the_chart_loads_nothing_from_outside(self, by_surgery, oncologist):
        html = client_for(oncologist).get(URL, {"show_biased": "on"}).content.decode()
        chart = re.search(r"<svg\b.*?</svg>", html, re.S).group(0)
        assert "http://" not in chart.replace("http://www.w3.org", "")
        assert "https://" not in chart


class TestSynthetic:
    def test_a_synthetic_cohort_is_labelled_synthetic(self, coordinator, oncologist):
        for i in range(3):
            patient(coordinator, i, days=300 + 10 * i, synthetic=True)
        html = client_for(oncologist).get(URL, {"group_by": "none"}).content.decode()
        assert "Synthetic demo data." in html
        assert "badge-synthetic" in html
        assert "(synthetic demo data)" in svg_of(html).find(f"{SVG}title").text

    def test_a_mixed_cohort_says_how_many_are_synthetic(self, coordinator, oncologist):
        patient(coordinator, 1, days=300, synthetic=True)
        patient(coordinator, 2, days=400)
        patient(coordinator, 3, days=500)
        html = client_for(oncologist).get(URL, {"group_by": "none"}).content.decode()
        assert "1 of these 3 patients are synthetic" in html
        hospital = (
            client_for(oncologist).get(URL, {"cases": "hospital", "group_by": "none"}).content
        ).decode()
        assert "synthetic" not in svg_of(hospital).find(f"{SVG}title").text
        assert "Mixed data" not in hospital

    def test_a_hospital_cohort_carries_no_synthetic_label(self, by_surgery, oncologist):
        html = client_for(oncologist).get(URL).content.decode()
        assert "badge-synthetic" not in html
        assert "Observational data" in html


class TestBadInput:
    @pytest.mark.parametrize(
        "query",
        [
            {"endpoint": "death"},
            {"group_by": "hospital_number"},
            {"subtype": "<script>alert(1)</script>"},
            {"site_pattern": "x" * 5000},
            {"presentation": ["recurrence", "nonsense"]},
            {"surgery": "maybe"},
            {"cases": "all"},
            {"cox": ["age", "case_number"]},
            {"cox": ""},
            {"endpoint": "", "group_by": ""},
            {"page": "7", "unknown": "1"},
            {"subtype": "luminal_a\x00"},
        ],
    )
    def test_bad_values_are_ignored_with_a_message(self, by_surgery, oncologist, query):
        response = client_for(oncologist).get(URL, query)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "Showing:" in html

    def test_an_unknown_value_is_named_and_the_default_used(self, by_surgery, oncologist):
        html = client_for(oncologist).get(URL, {"group_by": "ward"}).content.decode()
        assert "Some choices were not understood" in html
        assert "Split by: “ward” is not one of the choices; showing surgery vs no surgery" in html
        assert "split by surgery vs no surgery" in html

    def test_an_unknown_covariate_is_left_out_and_the_others_kept(self, by_surgery, oncologist):
        html = client_for(oncologist).get(URL, {"cox": ["surgery", "ward"]}).content.decode()
        assert "“ward” not known; left out of the model" in html
        assert "Cox model on surgery" in html


class TestQueries:
    def count(self, user) -> int:
        client = client_for(user)
        client.get(URL)  # the first request imports the survival code
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"cox": ["surgery"]}).status_code == 200
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_the_cohort(self, coordinator, oncologist):
        for i in range(10):
            patient(coordinator, i, days=100 + 37 * i, surgery="metastasectomy" if i % 3 else None)
        small = self.count(oncologist)
        for i in range(10, 40):
            patient(coordinator, i, days=100 + 37 * i, surgery="metastasectomy" if i % 3 else None)
        assert self.count(oncologist) == small

    def test_the_analysis_itself_reads_one_query(self, by_surgery, django_assert_num_queries):
        from outcomes.reports import outcomes_analysis_uncached

        with django_assert_num_queries(1):
            outcomes_analysis_uncached(
                Filters(subtype="luminal_b"),
                "surgery",
                "os",
                ["surgery"],
                True,
                False,
                AT_MONTHS,
                DEFAULT_LANDMARK,
                False,
            )
