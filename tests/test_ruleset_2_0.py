"""Ruleset 2.0 in the application: stored cases that 2.0 refuses, the new fields, decisions
signed under 1.0, source passages and the ruleset's note on the pages, the Sources page."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.utils.html import escape

from board.models import AgendaItem, Decision, Meeting
from recurrence.guideline import RULESET, SOURCES
from recurrence.models import Case, CaseSite
from recurrence.services import case_body, case_create, case_update
from tests.api.helpers import client_for as api_client
from tests.pages.helpers import client_for, form_data
from tests.shared_docs import ROOT

PLAN = "Letrozole; review in 3 months."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def refused_case(stored_case):
    """A case as ruleset 1.0 let it be stored: an in-breast site after a mastectomy."""
    Case.objects.filter(pk=stored_case.pk).update(prior_breast_surgery="mastectomy")
    CaseSite.objects.create(case=stored_case, site="breast", lesions=1, position=5)
    return Case.objects.get(pk=stored_case.pk)


@pytest.fixture
def meeting(coordinator):
    return Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)


def run_cases_refused(capsys) -> tuple[int, list[dict]]:
    code = 0
    try:
        call_command("cases_refused")
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.django_db
class TestStoredCaseRefusedBy2_0:
    def test_cases_refused_lists_it_and_exits_1(self, refused_case, case_data, coordinator, capsys):
        case_create(data=case_data(case_number="MBC-0002"), user=coordinator)
        code, lines = run_cases_refused(capsys)
        assert code == 1
        assert len(lines) == 1
        assert set(lines[0]) == {"id", "case_number", "errors"}
        assert (lines[0]["id"], lines[0]["case_number"]) == (refused_case.pk, "MBC-0001")
        assert [e["code"] for e in lines[0]["errors"]] == ["breast_site_after_mastectomy"]

    def test_cases_refused_exits_0_when_every_case_is_accepted(self, stored_case, capsys):
        assert run_cases_refused(capsys) == (0, [])

    def test_the_recommendation_api_answers_409_with_the_errors(self, oncologist, refused_case):
        response = api_client(oncologist).get(f"/api/v1/cases/{refused_case.pk}/recommendation/")
        assert response.status_code == 409
        body = response.json()
        assert set(body) == {"errors"}
        assert body["errors"][0]["code"] == "breast_site_after_mastectomy"
        assert body["errors"][0]["field"].startswith("sites[")

    def test_the_case_page_names_the_problem_and_shows_no_recommendation(
        self, coordinator, refused_case
    ):
        response = client_for(coordinator).get(f"/cases/{refused_case.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "needs correcting" in html
        assert "after a mastectomy a local recurrence is recorded as chest wall" in html
        assert 'class="rec"' not in html and "ENDOCRINE_FIRST_LINE" not in html
        assert f'href="/cases/{refused_case.pk}/edit/"' in html

    def test_the_board_summary_names_the_problem_and_shows_no_recommendation(
        self, oncologist, refused_case
    ):
        response = client_for(oncologist).get(f"/board/cases/{refused_case.pk}/summary/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "needs correcting" in html and "breast_site_after_mastectomy" in html
        assert "crec-code" not in html

    def test_the_meeting_page_marks_it(self, oncologist, refused_case, meeting):
        AgendaItem.objects.create(meeting=meeting, case=refused_case, position=1)
        response = client_for(oncologist).get(f"/board/meetings/{meeting.pk}/")
        assert response.status_code == 200
        assert "Needs correction" in response.content.decode()
        assert client_for(oncologist).get(f"/board/meetings/{meeting.pk}/print/").status_code == 200

    def test_signing_is_refused_with_case_needs_correction(self, oncologist, refused_case, meeting):
        AgendaItem.objects.create(meeting=meeting, case=refused_case, position=1)
        response = api_client(oncologist).post(
            f"/api/v1/cases/{refused_case.pk}/decisions/",
            {"meeting": meeting.pk, "outcome": "follows", "plan": PLAN},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "case_needs_correction"
        page = client_for(oncologist).post(
            f"/board/meetings/{meeting.pk}/cases/{refused_case.pk}/decision/",
            {"outcome": "follows", "plan": PLAN, "case_version": refused_case.version},
        )
        assert page.status_code == 400
        assert "needs correcting" in page.content.decode()
        assert not Decision.objects.exists()

    def test_correcting_the_case_brings_the_recommendation_back(
        self, coordinator, oncologist, refused_case, capsys
    ):
        body = case_body(refused_case)
        body["sites"] = [
            s if s["site"] != "breast" else {"site": "chest_wall", "lesions": 1}
            for s in body["sites"]
        ]
        case_update(
            case_id=refused_case.pk, data=body, version=refused_case.version, user=coordinator
        )
        response = api_client(oncologist).get(f"/api/v1/cases/{refused_case.pk}/recommendation/")
        assert response.status_code == 200
        assert run_cases_refused(capsys) == (0, [])


@pytest.mark.django_db
class TestNewFields:
    def test_the_api_accepts_and_returns_them(self, coordinator, case_data):
        body = case_data(
            prior_aromatase_inhibitor=True,
            aromatase_inhibitor_end_date="2024-01-15",
            bulky_disease=False,
            resectable=True,
        )
        response = api_client(coordinator).post("/api/v1/cases/", body, format="json")
        assert response.status_code == 201, response.json()
        got = response.json()
        assert got["aromatase_inhibitor_end_date"] == "2024-01-15"
        assert (got["bulky_disease"], got["resectable"]) == (False, True)

    def test_the_api_refuses_an_end_date_without_the_drug_and_stores_nothing(
        self, coordinator, case_data
    ):
        body = case_data(aromatase_inhibitor_end_date="2024-01-15")
        response = api_client(coordinator).post("/api/v1/cases/", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "aromatase_inhibitor_end_date"
        assert not Case.objects.exists()

    def test_the_case_form_stores_them_and_explains_them(self, coordinator, case_data):
        page = client_for(coordinator).get("/cases/new/").content.decode()
        assert "Leave empty if she is still taking it" in page
        assert "A large tumour burden at any site" in page
        assert "in metastatic disease, the metastases (not the primary tumour)" in page
        body = case_data(
            prior_aromatase_inhibitor=True,
            aromatase_inhibitor_end_date="2023-12-01",
            bulky_disease=True,
        )
        response = client_for(coordinator).post("/cases/new/", form_data(body))
        assert response.status_code == 302, response.content.decode()[:2000]
        case = Case.objects.get()
        assert case.aromatase_inhibitor_end_date.isoformat() == "2023-12-01"
        assert case.bulky_disease is True

    def test_a_case_stored_before_has_them_empty(self, stored_case):
        case = Case.objects.get(pk=stored_case.pk)
        assert case.aromatase_inhibitor_end_date is None and case.bulky_disease is None


def _signed_under_1_0(case, meeting, oncologist) -> Decision:
    AgendaItem.objects.create(meeting=meeting, case=case, position=1)
    snapshot = {
        "ruleset": {"id": "mbc-recurrence", "version": "1.0"},
        "category": "metastatic",
        "intent": "palliative",
        "hr": "positive",
        "her2": "negative",
        "subtype": "luminal_b",
        "oligometastatic": True,
        "disease_free_interval_months": 63,
        "recommendations": [
            {
                "code": "ENDO_AI_OVARIAN_SUPPRESSION",
                "kind": "treatment",
                "title": "Aromatase inhibitor after or with ovarian ablation",
                "detail": "As 1.0 gave it.",
                "rule": "R-MET-ENDO-03",
                "source": {"id": "guideline-recurrence-2025", "section": "Premenopausal patients"},
                "because": ["hormone receptor positive"],
            }
        ],
        "prognosis": {"favourable": ["PF_LONG_DFI"], "unfavourable": ["PF_VISCERAL"]},
    }
    return Decision.objects.create(
        case=case,
        meeting=meeting,
        outcome="follows",
        plan=PLAN,
        ruleset_id="mbc-recurrence",
        ruleset_version="1.0",
        recommendation_codes=["ENDO_AI_OVARIAN_SUPPRESSION"],
        recommendation_snapshot=snapshot,
        case_version=case.version,
        signed_by=oncologist,
    )


@pytest.mark.django_db
class TestSignedUnder1_0:
    def test_the_summary_shows_the_1_0_result_as_signed(self, oncologist, stored_case, meeting):
        decision = _signed_under_1_0(stored_case, meeting, oncologist)
        response = client_for(oncologist).get(f"/board/decisions/{decision.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Signed under ruleset 1.0" in html
        assert re.findall(r'<code class="crec-code">([A-Z0-9_]+)</code>', html) == [
            "ENDO_AI_OVARIAN_SUPPRESSION"
        ]
        decision.refresh_from_db()
        assert decision.recommendation_snapshot["ruleset"]["version"] == "1.0"

    def test_the_case_page_says_which_ruleset_it_was_signed_under(
        self, oncologist, stored_case, meeting
    ):
        _signed_under_1_0(stored_case, meeting, oncologist)
        html = client_for(oncologist).get(f"/cases/{stored_case.pk}/").content.decode()
        assert "signed under ruleset 1.0" in html
        assert f"ruleset {RULESET['id']} 2.0" in html  # the recommendation shown now

    def test_a_new_decision_is_signed_under_2_0(self, oncologist, stored_case, meeting):
        AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
        response = api_client(oncologist).post(
            f"/api/v1/cases/{stored_case.pk}/decisions/",
            {"meeting": meeting.pk, "outcome": "follows", "plan": PLAN},
            format="json",
        )
        assert response.status_code == 201
        decision = Decision.objects.get()
        assert decision.ruleset_version == "2.0"
        assert decision.recommendation_snapshot["ruleset"]["note"] == RULESET["note"]


@pytest.mark.django_db
class TestPassagesAndNote:
    def test_the_case_page_shows_the_note_and_each_passage_behind_a_disclosure(
        self, oncologist, stored_case
    ):
        html = client_for(oncologist).get(f"/cases/{stored_case.pk}/").content.decode()
        assert escape(RULESET["note"]) in html
        result = (
            api_client(oncologist).get(f"/api/v1/cases/{stored_case.pk}/recommendation/").json()
        )
        details = re.findall(r'<details class="rec-passage"><summary>Source text</summary>', html)
        assert len(details) == len(result["recommendations"]) + 1  # and the prognosis
        for rec in result["recommendations"]:
            assert escape(rec["source"]["passage"]) in html, rec["code"]
        assert "<details open" not in html

    def test_the_board_summary_shows_the_note_and_the_passages(self, oncologist, stored_case):
        html = (
            client_for(oncologist).get(f"/board/cases/{stored_case.pk}/summary/").content.decode()
        )
        assert escape(RULESET["note"]) in html
        assert html.count('<details class="rec-passage">') >= 10
        assert "<details open" not in html
        # on paper: the passage stays closed, source and section are printed
        assert "“Initial Assessment and Workup”" in html
        css = (ROOT / "static" / "css" / "guideline.css").read_text(encoding="utf-8")
        assert re.search(
            r"@media print \{[^@]*\.rec-passage > :not\(summary\)[^}]*display: none", css
        )


@pytest.mark.django_db
class TestSourcesPage:
    def test_it_states_each_document_in_its_own_terms(self, oncologist):
        html = client_for(oncologist).get("/sources/").content.decode()
        guideline = SOURCES["guideline-recurrence-2025"]
        for text in (
            "Educational purpose only",
            "pending human review",
            "Medical A.I.",
            "November 5, 2025",
            "Dr.Oracle",
        ):
            assert escape(text) in html, text
        assert "AI service" in guideline.kind and "pending human review" in guideline.kind
        for source in SOURCES.values():
            assert source.status and escape(source.status) in html, source.id
        assert "Original Research Article" in html
        assert "no comparison group" in html
        assert escape(RULESET["note"]) in html
