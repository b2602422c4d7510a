"""No decision for a deceased patient, none before the meeting's day; the facts shown."""

import datetime as dt

import pytest
from django.utils import timezone

from board.models import AgendaItem, Decision, Meeting
from recurrence.services import follow_up_save
from tests.api.helpers import assert_error_shape, client_for, error_codes
from tests.pages.helpers import client_for as page_client

PLAN = "Letrozole; review in 3 months."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def meeting_on(day, coordinator, stored_case) -> Meeting:
    meeting = Meeting.objects.create(date=day, title="Breast MDT", created_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
    return meeting


def sign_api(user, case, meeting):
    body = {"meeting": meeting.pk, "outcome": "follows", "plan": PLAN}
    return client_for(user).post(f"/api/v1/cases/{case.pk}/decisions/", body, format="json")


def record_death(case, user):
    return follow_up_save(
        case_id=case.pk,
        data={
            "last_contact_date": "2025-01-05",
            "vital_status": "dead",
            "death_date": "2025-01-05",
        },
        version=case.version,
        user=user,
    )


def decide_url(meeting, case) -> str:
    return f"/board/meetings/{meeting.pk}/cases/{case.pk}/decision/"


@pytest.mark.django_db
class TestApi:
    def test_a_deceased_patient_gets_no_decision(self, coordinator, oncologist, stored_case):
        meeting = meeting_on("2025-11-20", coordinator, stored_case)
        record_death(stored_case, coordinator)
        response = sign_api(oncologist, stored_case, meeting)
        assert response.status_code == 400
        assert_error_shape(response)
        assert error_codes(response) == ["patient_deceased"]
        assert not Decision.objects.exists()

    def test_no_signing_before_the_meeting_day(self, coordinator, oncologist, stored_case):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        meeting = meeting_on(tomorrow, coordinator, stored_case)
        response = sign_api(oncologist, stored_case, meeting)
        assert response.status_code == 400
        assert_error_shape(response)
        assert error_codes(response) == ["meeting_not_started"]
        assert response.json()["errors"][0]["field"] == "meeting"
        assert not Decision.objects.exists()

    def test_the_meeting_day_itself_is_allowed(self, coordinator, oncologist, stored_case):
        meeting = meeting_on(timezone.localdate(), coordinator, stored_case)
        assert sign_api(oncologist, stored_case, meeting).status_code == 201

    def test_the_day_is_the_day_in_the_board_time_zone(
        self, settings, coordinator, oncologist, stored_case
    ):
        # Far east of UTC it is already tomorrow for most of the UTC day, and vice versa.
        settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
        kiritimati_today = timezone.localdate(
            timezone=__import__("zoneinfo").ZoneInfo("Pacific/Kiritimati")
        )
        meeting = meeting_on(kiritimati_today, coordinator, stored_case)
        assert sign_api(oncologist, stored_case, meeting).status_code == 201
        other = Meeting.objects.create(date=kiritimati_today + dt.timedelta(days=1), title="Next")
        AgendaItem.objects.create(meeting=other, case=stored_case, position=1)
        assert error_codes(sign_api(oncologist, stored_case, other)) == ["meeting_not_started"]

    def test_a_living_patient_with_follow_up_is_decided(self, coordinator, oncologist, stored_case):
        meeting = meeting_on("2025-11-20", coordinator, stored_case)
        follow_up_save(
            case_id=stored_case.pk,
            data={"last_contact_date": "2025-01-05", "vital_status": "alive"},
            version=1,
            user=coordinator,
        )
        assert sign_api(oncologist, stored_case, meeting).status_code == 201


@pytest.mark.django_db
class TestPages:
    def test_the_form_shows_the_vital_status_and_refuses_a_deceased_patient(
        self, coordinator, oncologist, stored_case
    ):
        meeting = meeting_on("2025-11-20", coordinator, stored_case)
        record_death(stored_case, coordinator)
        client = page_client(oncologist)
        html = client.get(decide_url(meeting, stored_case)).content.decode()
        assert "Deceased" in html and "5 Jan 2025" in html
        assert "Sign the decision</button>" not in html
        assert 'data-code="patient_deceased"' in html
        body = {"outcome": "follows", "plan": PLAN, "case_version": 2, "confirmed": "1"}
        response = client.post(decide_url(meeting, stored_case), body)
        assert response.status_code == 400
        assert response.context["form"].codes() == {"__all__": ["patient_deceased"]}
        assert PLAN in response.content.decode()  # what was typed is kept
        assert not Decision.objects.exists()

    def test_a_future_meeting_refuses_signing_on_the_page(
        self, coordinator, oncologist, stored_case
    ):
        meeting = meeting_on(timezone.localdate() + dt.timedelta(days=7), coordinator, stored_case)
        body = {"outcome": "follows", "plan": PLAN, "case_version": 1, "confirmed": "1"}
        response = page_client(oncologist).post(decide_url(meeting, stored_case), body)
        assert response.status_code == 400
        assert response.context["form"].codes() == {"__all__": ["meeting_not_started"]}
        assert not Decision.objects.exists()

    def test_the_agenda_shows_vital_status_and_last_follow_up(self, coordinator, stored_case):
        meeting = meeting_on("2025-11-20", coordinator, stored_case)
        html = page_client(coordinator).get(f"/board/meetings/{meeting.pk}/").content.decode()
        assert "No follow-up recorded" in html
        follow_up_save(
            case_id=stored_case.pk,
            data={"last_contact_date": "2025-02-03", "vital_status": "alive"},
            version=1,
            user=coordinator,
        )
        html = page_client(coordinator).get(f"/board/meetings/{meeting.pk}/").content.decode()
        assert "Alive" in html and "last follow-up 3 Feb 2025" in html
