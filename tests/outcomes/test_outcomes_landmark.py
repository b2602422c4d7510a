"""Treatment splits on the Outcomes page and in its API: the landmark comparison and the
time-dependent hazard ratio by default, the biased comparison only when asked and
labelled, and the methods text with its sources."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from evidence.survival import landmark_comparison, naive_cox, time_dependent_cox
from outcomes.cohort import cohort_frame
from outcomes.methods import METHOD_SOURCES, STANFORD
from outcomes.reports import outcomes_analysis
from recurrence.models import Treatment
from tests.outcomes.test_outcomes_cohort import (  # noqa: F401 (an autouse fixture)
    RECURRENCE,
    patient,
    quick_password_hashing,
)
from tests.shared_docs import require_shared_dir

URL = "/outcomes/"
API = "/api/v1/outcomes/summary/"
SVG = "{http://www.w3.org/2000/svg}"
MONTH = 365.25 / 12
BONE_ONLY = {"sites": [{"site": "bone", "lesions": 1}], "symptomatic_sites": []}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def charts(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


@pytest.fixture
def operated(coordinator):
    """32 patients: 12 operated on at 2 months, 2 operated on at 9 months (after the
    6-month landmark), 14 never; 3 more died and 1 was last seen before 6 months."""
    for i in range(12):
        patient(coordinator, i, days=400 + 90 * i, dead=i % 3 != 0, surgery_days=61,
                surgery="metastasectomy")  # fmt: skip
    for i in range(12, 14):
        patient(coordinator, i, days=500 + 60 * i, surgery="primary_surgery", surgery_days=274)
    for i in range(14, 28):
        patient(coordinator, i, days=250 + 70 * (i - 14), dead=i % 4 != 0)
    for i, days in enumerate([100, 120, 150]):
        patient(coordinator, 40 + i, days=days)
    patient(coordinator, 50, days=90, dead=False)


def columns(frame):
    return frame["os_months"], frame["os_event"], frame["surgery_months"]


class TestAnalysis:
    def test_the_landmark_comparison_is_evidence_survival_s_on_the_cohort(self, operated):
        result = outcomes_analysis(group_by="surgery", chart=False)
        found = result["treatment"]["landmark"]
        assert (found["landmark"], found["n"]) == (6, 28)
        assert found["excluded"] == {"died": 3, "censored": 1}
        treated, untreated = found["groups"]
        assert (treated["label"], treated["n"]) == ("Surgery by 6 months", 12)
        assert (untreated["label"], untreated["n"]) == ("No surgery by 6 months", 16)
        expected = landmark_comparison(*columns(cohort_frame()), 6)
        assert found["comparable"] is True
        assert found["hazard_ratio"] == pytest.approx(expected.effect.hazard_ratio)
        assert found["ci"] == pytest.approx([expected.effect.ci_low, expected.effect.ci_high])
        assert found["logrank_p"] == pytest.approx(expected.logrank.p)

    def test_the_time_dependent_ratio_is_evidence_survival_s(self, operated):
        result = outcomes_analysis(group_by="surgery", chart=False)
        effect = result["treatment"]["time_dependent"]
        expected = time_dependent_cox(*columns(cohort_frame()))
        assert effect["hazard_ratio"] == pytest.approx(expected.hazard_ratio)
        assert (effect["n"], effect["events"], effect["biased"]) == (32, expected.events, False)
        assert result["treatment"]["naive"] is None

    def test_the_naive_ratio_only_when_asked_and_marked_biased(self, operated):
        result = outcomes_analysis(group_by="surgery", chart=False, naive=True)
        naive = result["treatment"]["naive"]
        assert naive["biased"] is True
        expected = naive_cox(*columns(cohort_frame()))
        assert naive["hazard_ratio"] == pytest.approx(expected.hazard_ratio)
        assert result["groups_biased"] is True

    def test_the_landmark_is_chosen(self, operated):
        found = outcomes_analysis(group_by="surgery", chart=False, landmark=12)["treatment"]
        assert found["landmark"]["landmark"] == 12
        assert found["landmark"]["n"] < 28

    def test_too_few_at_the_landmark_is_said(self, coordinator):
        for i in range(6):
            patient(coordinator, i, days=400 + 30 * i, surgery="metastasectomy" if i < 3 else None)
        found = outcomes_analysis(group_by="surgery", chart=False)["treatment"]["landmark"]
        assert found["comparable"] is False
        assert found["hazard_ratio"] is None and found["logrank_p"] is None
        assert found["message"] == (
            "Too few patients to compare at 6 months: 3 with surgery by then and 3 without "
            "(at least 10 in each group needed)."
        )

    def test_metastasectomy_by_site_compares_patients_with_disease_there(self, coordinator):
        patient(coordinator, 1, days=400, surgery="metastasectomy")  # lung
        patient(coordinator, 2, days=500)
        patient(coordinator, 3, days=600, **BONE_ONLY)
        result = outcomes_analysis(group_by="metastasectomy_lung", chart=False)
        assert result["n"] == 2
        assert (
            "Only patients with lung disease recorded are compared: 2 of 3." in (result["messages"])
        )
        assert [g["label"] for g in result["groups"]] == [
            "Lung metastasectomy",
            "No lung metastasectomy",
        ]
        liver = outcomes_analysis(group_by="metastasectomy_liver", chart=False)
        assert liver["n"] == 0

    def test_radiotherapy_is_a_treatment_split(self, coordinator):
        case = patient(coordinator, 1, days=400)
        Treatment.objects.create(
            case=case, kind="radiotherapy", site="bone", start_date=RECURRENCE + dt.timedelta(30)
        )
        patient(coordinator, 2, days=500)
        result = outcomes_analysis(group_by="radiotherapy", chart=False)
        assert result["treatment"]["treated_label"] == "Radiotherapy"
        assert [g["n"] for g in result["treatment"]["landmark"]["groups"]] == [1, 1]

    def test_a_treatment_after_the_last_contact_counts_as_none_and_is_said(self, coordinator):
        patient(coordinator, 1, days=100, dead=False, surgery="metastasectomy", surgery_days=200)
        patient(coordinator, 2, days=300)
        result = outcomes_analysis(group_by="surgery", chart=False)
        assert result["treatment"]["notes"] == [
            "1 patient had surgery dated after the last recorded contact: counted as "
            "untreated; update the follow-up."
        ]

    def test_splits_known_at_the_recurrence_are_unchanged(self, operated):
        result = outcomes_analysis(group_by="subtype", chart=False)
        assert result["treatment"] is None and result["groups_biased"] is False
        assert sum(g["n"] for g in result["groups"]) == 32


class TestPage:
    def test_a_treatment_split_shows_the_landmark_curves_by_default(self, operated, oncologist):
        html = client_for(oncologist).get(URL).content.decode()
        assert "landmark comparison at 6 months" in html
        assert "left out: 3 who died and 1 whose follow-up ended by then" in html
        (chart,) = charts(html)
        words = texts(chart)
        assert "Number at risk" in words
        assert any(w.startswith("Surgery by 6 months (n=12") for w in words)
        assert "Months after the landmark (6 months from recurrence)" in words
        assert "Overall survival from the 6-month landmark" in chart.find(f"{SVG}title").text
        assert "Time-dependent: treated from the date of surgery" in html
        assert "Biased by immortal time." not in html and "badge-biased" not in html
        assert 'id="km-heading"' not in html

    def test_the_biased_comparison_is_shown_only_when_asked_and_labelled(
        self, operated, oncologist
    ):
        html = client_for(oncologist).get(URL, {"show_biased": "on"}).content.decode()
        assert len(charts(html)) == 2
        assert "Biased by immortal time." in html
        assert "Naive: “ever treated” counted from the recurrence date" in html
        biased_title = charts(html)[1].find(f"{SVG}title").text
        assert biased_title.startswith("Biased comparison: ")

    def test_the_form_shows_the_default_landmark_chosen(self, operated, oncologist):
        html = client_for(oncologist).get(URL).content.decode()
        assert re.search(r'<option value="6" selected>6 months</option>', html)
        assert re.search(r'name="show_biased"(?![^>]*checked)', html)

    def test_the_chosen_landmark_is_used(self, operated, oncologist):
        html = client_for(oncologist).get(URL, {"landmark": "3"}).content.decode()
        assert "landmark comparison at 3 months" in html
        bad = client_for(oncologist).get(URL, {"landmark": "5"}).content.decode()
        assert "Landmark: “5” is not one of the choices; showing 6 months instead." in bad

    def test_too_few_patients_get_a_message_and_no_chart(self, coordinator, oncologist):
        for i in range(4):
            patient(coordinator, i, days=400 + 30 * i, surgery="metastasectomy" if i < 2 else None)
        html = client_for(oncologist).get(URL).content.decode()
        assert "Too few patients to compare at 6 months" in html
        assert charts(html) == []

    def test_a_characteristic_split_is_drawn_from_the_recurrence_as_before(
        self, operated, oncologist
    ):
        html = client_for(oncologist).get(URL, {"group_by": "subtype"}).content.decode()
        assert 'id="km-heading"' in html and "landmark-heading" not in html
        assert "badge-biased" not in html
        assert "Months from recurrence" in texts(charts(html)[0])

    def test_the_methods_section_explains_with_the_stanford_example(self, operated, oncologist):
        html = client_for(oncologist).get(URL).content.decode()
        assert "How these figures are computed" in html
        assert METHOD_SOURCES["anderson-1983"] in html
        assert METHOD_SOURCES["crowley-1977"] in html
        assert "hazard ratio of death of 0.27 (p &lt; 1e-7)" in html
        assert "the hazard ratio is 1.14 (95% CI 0.63–2.05)" in html
        assert "immortal time" in html

    def test_the_csv_carries_the_treatment_times(self, operated, oncologist):
        text = client_for(oncologist).get("/outcomes/data.csv").getvalue().decode()
        header = text.splitlines()[0].split(",")
        assert "surgery_months" in header


class TestApi:
    def test_it_gives_the_landmark_and_time_dependent_comparisons(self, operated, oncologist):
        body = client_for(oncologist).get(API, {"landmark": "3"}).json()
        assert body["groups_biased"] is True
        assert body["treatment"]["landmark"]["landmark"] == 3
        assert body["treatment"]["time_dependent"]["kind"] == "time_dependent"
        assert body["treatment"]["naive"] is None
        asked = client_for(oncologist).get(API, {"show_biased": "true"}).json()
        assert asked["treatment"]["naive"]["biased"] is True

    def test_a_bad_landmark_answers_400(self, operated, oncologist):
        response = client_for(oncologist).get(API, {"landmark": "-4"})
        assert response.status_code == 400
        assert "landmark" in response.json()["errors"] or "landmark" in response.content.decode()


class TestMethodsSources:
    def test_the_stanford_figures_are_what_evidence_survival_computes(self):
        from tests.survival import stanford

        heart = stanford.per_patient()
        args = (heart["months"], heart["died"], heart["transplant_months"])
        naive, unbiased = naive_cox(*args), time_dependent_cox(*args)
        assert f"{naive.hazard_ratio:.2f}" == STANFORD["naive_hr"] and naive.p < 1e-7
        assert f"{unbiased.hazard_ratio:.2f}" == STANFORD["time_dependent_hr"]
        assert (f"{unbiased.ci_low:.2f}", f"{unbiased.ci_high:.2f}") == STANFORD[
            "time_dependent_ci"
        ]
        assert (len(heart), int(heart["transplant_months"].notna().sum())) == (
            STANFORD["patients"],
            STANFORD["transplanted"],
        )

    def test_the_sources_and_figures_are_the_facts_file_s(self):
        text = (require_shared_dir() / "evidence" / "literature-facts.md").read_text("utf-8")
        for key, citation in METHOD_SOURCES.items():
            row = next(line for line in text.splitlines() if line.startswith(f"| `{key}`"))
            assert citation in row
        crowley = next(line for line in text.splitlines() if line.startswith("| `crowley-1977`"))
        assert f"HR {STANFORD['naive_hr']} ({STANFORD['naive_p'].replace('p ', 'p ')}" in crowley
        low, high = STANFORD["time_dependent_ci"]
        assert f"HR {STANFORD['time_dependent_hr']} (95% CI {low}-{high}" in crowley
        assert (
            f"{STANFORD['patients']} patients, {STANFORD['transplanted']} transplanted" in crowley
        )


class TestDemoCohort:
    def test_the_outcomes_page_draws_the_landmark_curves_for_the_demo_cohort(
        self, coordinator, oncologist
    ):
        from outcomes.demo import seed_cohort

        seed_cohort(coordinator)
        result = outcomes_analysis(group_by="surgery", chart=False)
        assert result["treatment"]["landmark"]["comparable"] is True
        html = client_for(oncologist).get(URL).content.decode()
        (chart,) = charts(html)
        assert any(w.startswith("Surgery by 6 months") for w in texts(chart))
        assert "(synthetic demo data)" in chart.find(f"{SVG}title").text
