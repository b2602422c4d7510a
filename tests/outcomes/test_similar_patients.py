""" "Similar patients here" on the case page: outcomes.similar.similar_patients(case) and
templates/outcomes/_similar_patients.html."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from outcomes.similar import similar_patients
from tests.outcomes.test_outcomes_cohort import (  # noqa: F401 (an autouse fixture)
    YEARS_4,
    patient,
    quick_password_hashing,
)

SVG = "{http://www.w3.org/2000/svg}"
TRIPLE_NEGATIVE = {"er": "negative", "pr": "negative", "her2_ihc": "0", "ki67_percent": 70}
BONE_ONLY = {"sites": [{"site": "bone", "lesions": 1}], "symptomatic_sites": []}


@pytest.fixture
def board_case(coordinator):
    """The patient at the board (with no follow-up yet): metastatic, visceral."""
    return patient(coordinator, 999, days=10, dead=False)


@pytest.fixture
def similar_cohort(coordinator, board_case):
    """Alike: with surgery, deaths at 48 and 96 months and one censored at 144; without,
    deaths at 48, 48 and 96. Not alike: another subtype, another site pattern."""
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
        patient(coordinator, i, days=days, dead=dead, surgery=surgery)
    patient(coordinator, 20, days=300, **TRIPLE_NEGATIVE)
    patient(coordinator, 21, days=300, **BONE_ONLY)


def render(similar) -> str:
    return render_to_string("outcomes/_similar_patients.html", {"similar": similar})


def test_it_takes_patients_alike_in_category_subtype_and_site_pattern(similar_cohort, board_case):
    similar = similar_patients(board_case)
    assert similar["criteria"] == ["Metastatic", "Luminal B", "Visceral, other"]
    assert (similar["n"], similar["events"]) == (6, 5)
    surgery, none = similar["arms"]
    assert (surgery["label"], surgery["n"], surgery["events"]) == ("Surgery", 3, 2)
    assert (none["label"], none["n"], none["events"]) == ("No surgery", 3, 3)


def test_it_gives_median_and_yearly_survival_per_arm(similar_cohort, board_case):
    surgery, none = similar_patients(board_case)["arms"]
    assert surgery["median"] == "96.0"
    assert none["median"] == "48.0"
    assert [p["survival"] for p in surgery["points"]] == ["100%", "100%", "100%"]
    assert [p["survival"] for p in none["points"]] == ["100%", "100%", "100%"]


def test_it_does_not_count_the_patient_herself(coordinator, similar_cohort, board_case):
    patient_with_follow_up = patient(coordinator, 50, days=YEARS_4, dead=True)
    assert similar_patients(patient_with_follow_up)["n"] == 7
    assert similar_patients(board_case)["n"] == 7


def test_a_real_patient_is_not_compared_with_synthetic_ones(coordinator, board_case):
    for i in range(3):
        patient(coordinator, i, days=300 + i, synthetic=True)
    assert similar_patients(board_case)["n"] == 0
    synthetic_case = patient(coordinator, 10, days=5, dead=False, synthetic=True)
    similar = similar_patients(synthetic_case)
    assert (similar["n"], similar["synthetic"]) == (3, True)


def test_it_reads_the_cohort_in_one_query(similar_cohort, board_case, django_assert_num_queries):
    similar_patients(board_case)  # the first call imports the survival code
    with django_assert_num_queries(1):
        similar_patients(board_case)


def test_it_links_to_the_same_patients_on_the_outcomes_page(similar_cohort, board_case):
    url = similar_patients(board_case)["url"]
    assert url.startswith("/outcomes/?")
    assert "subtype=luminal_b" in url and "site_pattern=visceral" in url
    assert "cases=hospital" in url and "group_by=surgery" in url


class TestPartial:
    def test_it_shows_the_arms_labelled_as_observational_hospital_data(
        self, similar_cohort, board_case
    ):
        html = render(similar_patients(board_case))
        assert "Similar patients here" in html
        assert "Observational" in html
        assert "This hospital’s own records" in html
        assert "Metastatic · Luminal B · Visceral, other" in html
        assert "96.0" in html and "48.0" in html
        assert "badge-synthetic" not in html
        assert 'href="/static/css/outcomes.css"' in html

    def test_a_synthetic_cohort_is_labelled_synthetic(self, coordinator):
        for i in range(4):
            patient(coordinator, i, days=400 + 100 * i, synthetic=True)
        case = patient(coordinator, 10, days=5, dead=False, synthetic=True)
        html = render(similar_patients(case, chart=True))
        assert "badge-synthetic" in html
        assert "Synthetic demo cohort" in html
        assert "(synthetic demo data)" in svg(html).find(f"{SVG}title").text

    def test_its_chart_is_valid_svg(self, similar_cohort, board_case):
        root = svg(render(similar_patients(board_case, chart=True)))
        assert root.tag == f"{SVG}svg"
        texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
        assert "Surgery (n=3)" in texts and "No surgery (n=3)" in texts
        assert "At risk" in texts

    def test_an_arm_too_small_to_estimate_gets_a_message(self, coordinator, board_case):
        patient(coordinator, 1, days=300, surgery="metastasectomy")
        patient(coordinator, 2, days=400)
        patient(coordinator, 3, days=500)
        similar = similar_patients(board_case)
        html = render(similar)
        assert "Surgery: Too few patients to estimate (n=1)." in html
        assert similar["arms"][0]["estimable"] is False

    def test_a_missing_arm_is_said(self, coordinator, board_case):
        patient(coordinator, 1, days=300)
        patient(coordinator, 2, days=400)
        html = render(similar_patients(board_case))
        assert "None of these patients had surgery" in html

    def test_no_similar_patient_is_said(self, board_case):
        similar = similar_patients(board_case)
        assert similar["n"] == 0
        html = render(similar)
        assert "No other hospital patient with recorded follow-up" in html
        assert "<svg" not in html

    def test_the_case_page_loads_the_chart_from_its_own_url(
        self, similar_cohort, board_case, oncologist, nobody, client
    ):
        similar = similar_patients(board_case)
        assert similar["chart"] == ""
        assert f'<img src="{similar["chart_url"]}"' in render(similar)
        client.force_login(oncologist)
        response = client.get(similar["chart_url"])
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert ET.fromstring(response.content).tag == f"{SVG}svg"
        client.force_login(nobody)
        assert client.get(similar["chart_url"]).status_code == 403

    def test_it_renders_nothing_without_the_context(self, db):
        assert render_to_string("outcomes/_similar_patients.html", {}).strip() == ""


def svg(html: str) -> ET.Element:
    found = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert found, "no chart"
    return ET.fromstring(found.group(0))
