""" "Similar patients here" on the case page: outcomes.similar.similar_patients(case) and
templates/outcomes/_similar_patients.html. Surgery is compared from a 6-month landmark,
never as naive arms from the recurrence date."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from evidence.survival import landmark_comparison, time_dependent_cox
from outcomes.cohort import Filters, cohort_frame
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
    """Alike: 12 operated on at 1 month, 12 never, 2 who died before 6 months; not alike:
    another subtype, another site pattern."""
    for i in range(12):
        patient(coordinator, i, days=300 + 60 * i, dead=i % 4 != 0, surgery="metastasectomy")
    for i in range(12, 24):
        patient(coordinator, i, days=250 + 50 * (i - 12), dead=i % 5 != 0)
    patient(coordinator, 30, days=100)
    patient(coordinator, 31, days=120)
    patient(coordinator, 40, days=300, **TRIPLE_NEGATIVE)
    patient(coordinator, 41, days=300, **BONE_ONLY)


def render(similar) -> str:
    return render_to_string("outcomes/_similar_patients.html", {"similar": similar})


def alike(board_case):
    frame = cohort_frame(
        Filters(
            category=board_case.category,
            subtype=board_case.subtype,
            site_pattern=board_case.site_pattern,
            synthetic=False,
            exclude_case=board_case.pk,
        )
    )
    return frame["os_months"], frame["os_event"], frame["surgery_months"]


def test_it_takes_patients_alike_in_category_subtype_and_site_pattern(similar_cohort, board_case):
    similar = similar_patients(board_case)
    assert similar["criteria"] == ["Metastatic", "Luminal B", "Visceral, other"]
    assert similar["n"] == 26


def test_it_compares_surgery_from_the_six_month_landmark(similar_cohort, board_case):
    similar = similar_patients(board_case)
    assert similar["comparable"] is True
    surgery, none = similar["arms"]
    assert (surgery["label"], surgery["n"]) == ("Surgery by 6 months", 12)
    assert (none["label"], none["n"]) == ("No surgery by 6 months", 12)
    assert similar["landmark"]["excluded"] == {"died": 2, "censored": 0}
    expected = landmark_comparison(*alike(board_case), 6, at=[12, 24, 36])
    assert similar["landmark"]["hazard_ratio"] == pytest.approx(expected.effect.hazard_ratio)
    assert surgery["points"][0]["survival"] == f"{expected.treated.at[0].survival * 100:.0f}%"
    td = time_dependent_cox(*alike(board_case))
    assert similar["time_dependent"]["hazard_ratio"] == pytest.approx(td.hazard_ratio)


def test_too_few_patients_to_compare_is_said(coordinator, board_case):
    for i in range(6):
        patient(coordinator, i, days=400 + 50 * i, surgery="metastasectomy" if i < 3 else None)
    similar = similar_patients(board_case)
    assert similar["comparable"] is False and similar["arms"] == []
    assert similar["too_few"] == (
        "Too few patients to compare at 6 months: 3 with surgery by then and 3 without "
        "(at least 10 in each group needed)."
    )
    html = render(similar)
    assert "Too few patients to compare at 6 months" in html
    assert "Too few patients to estimate" not in html
    assert "Surgery by" not in html and "<img" not in html


def test_it_does_not_count_the_patient_herself(coordinator, similar_cohort, board_case):
    patient_with_follow_up = patient(coordinator, 50, days=YEARS_4, dead=True)
    assert similar_patients(patient_with_follow_up)["n"] == 27
    assert similar_patients(board_case)["n"] == 27


def test_a_real_patient_is_not_compared_with_synthetic_ones(coordinator, board_case):
    for i in range(3):
        patient(coordinator, i, days=300 + i, synthetic=True)
    assert similar_patients(board_case)["n"] == 0
    synthetic_case = patient(coordinator, 10, days=5, dead=False, synthetic=True)
    similar = similar_patients(synthetic_case)
    assert (similar["n"], similar["synthetic"]) == (3, True)


def test_it_reads_the_cohort_in_one_query(similar_cohort, board_case, django_assert_num_queries):
    from outcomes.similar import similar_patients_uncached

    similar_patients_uncached(board_case, chart=False)  # the first call imports the survival code
    with django_assert_num_queries(1):
        similar_patients_uncached(board_case, chart=False)


def test_it_links_to_the_same_patients_on_the_outcomes_page(similar_cohort, board_case):
    url = similar_patients(board_case)["url"]
    assert url.startswith("/outcomes/?")
    assert "subtype=luminal_b" in url and "site_pattern=visceral" in url
    assert "cases=hospital" in url and "group_by=surgery" in url and "landmark=6" in url


class TestPartial:
    def test_it_shows_the_landmark_comparison_labelled_as_observational(
        self, similar_cohort, board_case
    ):
        html = render(similar_patients(board_case))
        assert "Similar patients here" in html
        assert "Observational" in html
        assert "This hospital’s own records" in html
        assert "Metastatic · Luminal B · Visceral, other" in html
        assert "Landmark comparison: patients alive at 6 months" in html
        assert "Surgery by 6 months" in html and "No surgery by 6 months" in html
        assert "Hazard ratio of death with surgery by 6 months" in html
        assert "time-dependent" in html
        assert "badge-synthetic" not in html
        assert 'href="/static/css/outcomes.css"' in html

    def test_it_shows_no_naive_surgery_arms(self, similar_cohort, board_case):
        html = render(similar_patients(board_case))
        assert ">Surgery<" not in html and ">No surgery<" not in html

    def test_a_synthetic_cohort_is_labelled_synthetic(self, coordinator):
        for i in range(4):
            patient(coordinator, i, days=400 + 100 * i, synthetic=True)
        case = patient(coordinator, 10, days=5, dead=False, synthetic=True)
        similar = similar_patients(case, chart=True)
        html = render(similar)
        assert "badge-synthetic" in html
        assert "Synthetic demo cohort" in html
        assert "(synthetic demo data)" in svg(similar["chart"]).find(f"{SVG}title").text

    def test_its_chart_is_valid_svg(self, similar_cohort, board_case):
        root = svg(render(similar_patients(board_case, chart=True)))
        assert root.tag == f"{SVG}svg"
        texts = ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]
        assert "Surgery by 6 months (n=12)" in texts and "No surgery by 6 months (n=12)" in texts
        assert "At risk" in texts
        assert "Months after the 6-month landmark" in texts

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

    @pytest.mark.parametrize("count", [0, 3])
    def test_the_chart_url_answers_an_image_with_too_few_patients(
        self, coordinator, board_case, oncologist, client, count
    ):
        for i in range(count):
            patient(coordinator, i, days=300 + 30 * i, surgery="metastasectomy" if i else None)
        client.force_login(oncologist)
        response = client.get(similar_patients(board_case)["chart_url"])
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        root = ET.fromstring(response.content)
        texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
        assert ("Too few patients to compare" if count else "No similar patient") in texts

    def test_it_renders_nothing_without_the_context(self, db):
        assert render_to_string("outcomes/_similar_patients.html", {}).strip() == ""


def svg(html: str) -> ET.Element:
    found = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert found, "no chart"
    return ET.fromstring(found.group(0))
