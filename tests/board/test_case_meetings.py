"""The case page's meetings and decisions, "Add to meeting", and the case list's meeting
filter (page and API)."""

import datetime as dt

import pytest
from django.utils import timezone

from board.models import AgendaItem, Meeting
from board.services import decision_sign
from recurrence.services import case_create
from tests.api.helpers import client_for as api_client
from tests.pages.helpers import client_for


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meetings(coordinator):
    today = timezone.localdate()
    return {
        "past": Meeting.objects.create(date=today - dt.timedelta(days=14), title="Past MDT"),
        "today": Meeting.objects.create(date=today, title="Today MDT"),
        "next": Meeting.objects.create(date=today + dt.timedelta(days=7), title="Next MDT"),
    }


def add_url(case) -> str:
    return f"/board/cases/{case.pk}/meetings/"


@pytest.mark.django_db
class TestCasePage:
    def test_it_offers_the_upcoming_meetings_the_case_is_not_on(
        self, coordinator, stored_case, meetings
    ):
        AgendaItem.objects.create(meeting=meetings["today"], case=stored_case, position=1)
        html = client_for(coordinator).get(f"/cases/{stored_case.pk}/").content.decode()
        form = html[html.index('class="inline-form add-to-meeting"') :]
        form = form[: form.index("</form>")]
        assert "Next MDT" in form
        assert "Past MDT" not in form and "Today MDT" not in form

    def test_add_to_meeting_puts_the_case_on_the_agenda_once(
        self, coordinator, stored_case, meetings
    ):
        client = client_for(coordinator)
        response = client.post(add_url(stored_case), {"meeting": meetings["next"].pk}, follow=True)
        assert response.redirect_chain[-1][0] == f"/cases/{stored_case.pk}/#meetings"
        assert "added to Next MDT" in response.content.decode()
        again = client.post(add_url(stored_case), {"meeting": meetings["next"].pk}, follow=True)
        assert "already on that agenda" in again.content.decode()
        assert list(meetings["next"].items.values_list("case_id", "position")) == [
            (stored_case.pk, 1)
        ]

    def test_a_past_meeting_is_not_offered_nor_accepted(self, coordinator, stored_case, meetings):
        response = client_for(coordinator).post(
            add_url(stored_case), {"meeting": meetings["past"].pk}, follow=True
        )
        assert "Not added" in response.content.decode()
        assert not AgendaItem.objects.exists()

    def test_an_oncologist_cannot_add(self, oncologist, stored_case, meetings):
        response = client_for(oncologist).post(
            add_url(stored_case), {"meeting": meetings["next"].pk}
        )
        assert response.status_code == 403
        assert not AgendaItem.objects.exists()

    def test_the_case_page_lists_its_meetings_and_decisions(
        self, coordinator, oncologist, stored_case, meetings
    ):
        for position, key in enumerate(("past", "next"), start=1):
            AgendaItem.objects.create(meeting=meetings[key], case=stored_case, position=position)
        decision_sign(
            case=stored_case,
            data={"meeting": meetings["past"].pk, "outcome": "follows", "plan": "Letrozole."},
            user=oncologist,
        )
        html = client_for(oncologist).get(f"/cases/{stored_case.pk}/").content.decode()
        section = html[html.index('id="meetings"') :]
        assert "Past MDT" in section and "decision signed</a> by oscar" in section
        assert "Next MDT" in section and "no decision yet" in section


@pytest.mark.django_db
class TestMeetingFilter:
    def test_the_case_list_filters_by_meeting(self, coordinator, case_data, meetings):
        on = case_create(data=case_data(case_number="MBC-0001"), user=coordinator)
        case_create(data=case_data(case_number="MBC-0002"), user=coordinator)
        AgendaItem.objects.create(meeting=meetings["next"], case=on, position=1)
        response = client_for(coordinator).get(f"/?meeting={meetings['next'].pk}")
        assert [c.case_number for c in response.context["page"]] == ["MBC-0001"]
        assert "Next MDT" in response.content.decode()
        everything = client_for(coordinator).get("/?meeting=")
        assert len(everything.context["page"]) == 2

    def test_the_api_filters_by_meeting(self, coordinator, case_data, meetings):
        on = case_create(data=case_data(case_number="MBC-0001"), user=coordinator)
        case_create(data=case_data(case_number="MBC-0002"), user=coordinator)
        AgendaItem.objects.create(meeting=meetings["next"], case=on, position=1)
        api = api_client(coordinator)
        body = api.get(f"/api/v1/cases/?meeting={meetings['next'].pk}").json()
        assert [c["case_number"] for c in body["results"]] == ["MBC-0001"]
        assert api.get("/api/v1/cases/?meeting=x").status_code == 400
