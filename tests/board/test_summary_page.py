"""The printable one-page case summary, and the board's decision on the case page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from board.models import AgendaItem, Meeting
from board.services import amendment_add, decision_sign
from evidence.library import case_evidence
from recurrence.models import Case
from recurrence.services import case_body, case_update
from tests.pages.helpers import client_for

PLAN = "Letrozole; review in 3 months."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(coordinator):
    return Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)


@pytest.fixture
def on_agenda(meeting, stored_case):
    return AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)


def sign(case, meeting, user, **extra):
    data = {"meeting": meeting.pk, "outcome": "follows", "plan": PLAN, **extra}
    return decision_sign(case=case, data=data, user=user)


@pytest.fixture
def decision(oncologist, stored_case, meeting, on_agenda):
    return sign(stored_case, meeting, oncologist)


def edit(case, user, **changes):
    body = case_body(case)
    body.update(changes)
    return case_update(case_id=case.pk, data=body, version=case.version, user=user)


def summary_url(decision) -> str:
    return f"/board/decisions/{decision.pk}/"


def codes_in(html: str) -> list[str]:
    return re.findall(r'<code class="crec-code">([A-Z0-9_]+)</code>', html)


@pytest.mark.django_db
class TestCaseSummary:
    def test_it_has_the_patient_the_recommendation_the_evidence_and_the_decision(
        self, oncologist, stored_case, decision
    ):
        amendment_add(
            decision=decision, data={"reason": "typo", "text": "Anastrozole."}, user=oncologist
        )
        response = client_for(oncologist).get(summary_url(decision))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Case MBC-0001" in html and "Patient summary" in html
        assert "Postmenopausal" in html and "Bone (distant, 2 lesions, symptomatic)" in html
        assert codes_in(html) == decision.recommendation_codes
        assert "Treatment of Breast Carcinoma Recurrence" in html
        assert "“Systemic/Metastatic Disease: For Hormone Receptor-Positive Disease”" in html
        assert "Recommendation as signed" in html
        assert PLAN in html and "Follows the recommendation" in html
        assert "<strong>oscar</strong>" in html and "Meeting “Breast MDT” of 20 Nov 2025" in html
        assert "Anastrozole." in html and "typo" in html
        assert 'class="board-print"' in html
        assert "changed since" not in html

    def test_the_evidence_is_the_best_three_matches(self, oncologist, stored_case, decision):
        response = client_for(oncologist).get(summary_url(decision))
        case = Case.objects.prefetch_related("sites").get(pk=stored_case.pk)
        best = case_evidence(case)[:3]
        assert best, "the typical case should match some evidence"
        assert [m.study for m in response.context["evidence"]] == [m.study for m in best]
        html = response.content.decode()
        for match in best:
            assert f'href="/evidence/{match.study}/"' in html

    def test_the_snapshot_stays_as_signed_when_the_case_is_edited(
        self, oncologist, coordinator, stored_case, decision
    ):
        edit(stored_case, coordinator, er="negative", pr="negative")
        html = client_for(oncologist).get(summary_url(decision)).content.decode()
        assert codes_in(html) == decision.recommendation_codes
        assert "ENDOCRINE_FIRST_LINE" in codes_in(html)
        assert "CHEMOTHERAPY" not in codes_in(html)
        assert "The case has changed since the decision was signed" in html
        assert "(signed on version 1, now version 2)" in html
        assert re.search(r"also gives .*<code>CHEMOTHERAPY</code>", html)
        assert re.search(r"no longer gives .*<code>ENDOCRINE_FIRST_LINE</code>", html)

    def test_before_the_decision_it_has_room_to_write_it(
        self, oncologist, meeting, stored_case, on_agenda
    ):
        url = f"/board/meetings/{meeting.pk}/cases/{stored_case.pk}/"
        response = client_for(oncologist).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "No decision signed yet for this meeting" in html
        assert "Signature and date" in html
        assert "ENDOCRINE_FIRST_LINE" in codes_in(html)
        assert f'href="/board/meetings/{meeting.pk}/cases/{stored_case.pk}/decision/"' in html

    def test_the_case_summary_shows_the_latest_decision(
        self, oncologist, coordinator, stored_case, decision
    ):
        later = Meeting.objects.create(date="2026-01-15", title="January MDT")
        AgendaItem.objects.create(meeting=later, case=stored_case, position=1)
        newer = sign(stored_case, later, oncologist, plan="Fulvestrant.")
        response = client_for(coordinator).get(f"/board/cases/{stored_case.pk}/summary/")
        assert response.status_code == 200
        assert response.context["decision"] == newer
        assert "Fulvestrant." in response.content.decode()

    def test_any_role_reads_it(self, coordinator, administrator, nobody, decision):
        for user in (coordinator, administrator):
            assert client_for(user).get(summary_url(decision)).status_code == 200
        assert client_for(nobody).get(summary_url(decision)).status_code == 403
        response = client_for().get(summary_url(decision))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_case_not_on_the_agenda_has_no_meeting_summary(
        self, oncologist, meeting, stored_case
    ):
        url = f"/board/meetings/{meeting.pk}/cases/{stored_case.pk}/"
        assert client_for(oncologist).get(url).status_code == 404
        assert client_for(oncologist).get("/board/cases/424242/summary/").status_code == 404

    def test_it_refuses_other_methods(self, oncologist, meeting, stored_case, on_agenda):
        client = client_for(oncologist)
        assert client.post(f"/board/meetings/{meeting.pk}/cases/{stored_case.pk}/").status_code == (
            405
        )
        assert client.post(f"/board/cases/{stored_case.pk}/summary/").status_code == 405


@pytest.mark.django_db
class TestTheCasePage:
    def url(self, case) -> str:
        return f"/cases/{case.pk}/"

    def test_it_shows_the_latest_decision_with_its_signer_and_amendments(
        self, oncologist, stored_case, decision
    ):
        amendment_add(
            decision=decision, data={"reason": "typo", "text": "Anastrozole."}, user=oncologist
        )
        response = client_for(oncologist).get(self.url(stored_case))
        assert response.context["board_decision"] == decision
        html = response.content.decode()
        panel = html[html.index('class="panel board-panel"') :]
        assert "Board decision" in panel and PLAN in panel
        assert "<strong>oscar</strong>" in panel
        assert "Anastrozole." in panel and "typo" in panel
        assert f'href="/board/decisions/{decision.pk}/"' in panel
        assert f'href="/board/decisions/{decision.pk}/amend/"' in panel

    def test_coordinators_get_no_amend_link(self, coordinator, stored_case, decision):
        html = client_for(coordinator).get(self.url(stored_case)).content.decode()
        assert "Board decision" in html and "/amend/" not in html

    def test_it_says_when_the_case_changed_since(
        self, oncologist, coordinator, stored_case, decision
    ):
        edit(stored_case, coordinator, ecog=2)
        html = client_for(oncologist).get(self.url(stored_case)).content.decode()
        assert "The case has changed since this decision was signed" in html

    def test_without_a_decision_the_slot_stays_empty(self, oncologist, stored_case, on_agenda):
        response = client_for(oncologist).get(self.url(stored_case))
        assert response.context["board_decision"] is None
        assert "Board decision" not in response.content.decode()

    def test_it_reads_the_decision_in_a_constant_number_of_queries(
        self, oncologist, stored_case, decision, settings
    ):
        settings.PAGE_CACHE = False  # the queries of drawing the page, not of reading it
        client = client_for(oncologist)
        client.get(self.url(stored_case))
        with CaptureQueriesContext(connection) as one:
            client.get(self.url(stored_case))
        later = Meeting.objects.create(date="2026-01-15", title="January MDT")
        AgendaItem.objects.create(meeting=later, case=stored_case, position=1)
        newer = sign(stored_case, later, oncologist)
        for n in range(4):
            amendment_add(decision=newer, data={"reason": "r", "text": f"t{n}"}, user=oncologist)
        with CaptureQueriesContext(connection) as many:
            response = client.get(self.url(stored_case))
        assert response.context["board_decision"] == newer
        assert len(many) == len(one)
