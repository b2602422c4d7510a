"""Nothing typed is lost: a form posted after the session ended, or refused, is kept on the
server per user and form, and given back when the form is opened again."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from board.models import AgendaItem, Decision, Meeting
from recurrence.models import Draft
from tests.conftest import PASSWORD
from tests.pages.helpers import client_for

PLAN = "Letrozole and a bone-directed agent; review at 3 months. Typed with care."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(coordinator, stored_case):
    meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
    return meeting


def decide_url(meeting, case) -> str:
    return f"/board/meetings/{meeting.pk}/cases/{case.pk}/decision/"


def end_sessions_on_the_server() -> None:
    Session.objects.all().delete()


def sign_in(client, user, **extra):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, **extra}
    )


@pytest.mark.django_db
class TestSessionEnded:
    def test_a_decision_posted_after_the_session_ended_comes_back_after_sign_in(
        self, oncologist, meeting, stored_case
    ):
        client = client_for(oncologist)
        url = decide_url(meeting, stored_case)
        assert client.get(url).status_code == 200
        end_sessions_on_the_server()

        posted = client.post(
            url, {"outcome": "follows", "plan": PLAN, "case_version": 1, "confirmed": "1"}
        )
        assert posted.status_code == 302
        assert posted["Location"].startswith("/accounts/login/")
        assert "Letrozole" not in posted["Location"]  # never in the URL
        assert not Decision.objects.exists()
        draft = Draft.objects.get()
        assert (draft.user, draft.reason, draft.data["plan"]) == (oncologist, "session", [PLAN])

        login_page = client.get(posted["Location"])
        assert "Your session had ended" in login_page.content.decode()
        signed_in = sign_in(client, oncologist, next=url)
        assert signed_in["Location"] == url
        form_page = client.get(url).content.decode()
        assert PLAN in form_page
        assert "Your session had ended, so this was not saved." in form_page

        signed = client.post(
            url, {"outcome": "follows", "plan": PLAN, "case_version": 1, "confirmed": "1"}
        )
        assert signed.status_code == 302
        assert Decision.objects.get().plan == PLAN
        assert not Draft.objects.exists()  # deleted on a successful save

    def test_sign_in_without_next_returns_to_the_kept_form(self, oncologist, meeting, stored_case):
        client = client_for(oncologist)
        url = decide_url(meeting, stored_case)
        client.get(url)
        end_sessions_on_the_server()
        client.post(url, {"outcome": "follows", "plan": PLAN, "case_version": 1, "confirmed": "1"})
        assert sign_in(client, oncologist)["Location"] == url

    def test_another_user_signing_in_does_not_get_the_draft(
        self, oncologist, meeting, stored_case, django_user_model
    ):
        client = client_for(oncologist)
        url = decide_url(meeting, stored_case)
        client.get(url)
        end_sessions_on_the_server()
        client.post(url, {"outcome": "follows", "plan": PLAN, "case_version": 1, "confirmed": "1"})
        other = django_user_model.objects.create_user("olga", password=PASSWORD)
        other.groups.add(*oncologist.groups.all())
        assert sign_in(client, other)["Location"] != url
        assert PLAN not in client.get(url).content.decode()

    def test_without_a_previous_sign_in_nothing_is_kept(self, meeting, stored_case):
        from django.test import Client

        response = Client().post(decide_url(meeting, stored_case), {"plan": PLAN})
        assert response.status_code == 302
        assert not Draft.objects.exists()

    def test_a_case_edit_posted_after_the_session_ended_is_kept(self, coordinator, stored_case):
        from recurrence.services import case_body
        from tests.pages.helpers import form_data

        client = client_for(coordinator)
        url = f"/cases/{stored_case.pk}/edit/"
        client.get(url)
        end_sessions_on_the_server()
        body = case_body(stored_case)
        body["age"] = 63
        client.post(url, form_data(body, version=1))
        sign_in(client, coordinator)
        page = client.get(url)
        assert page.context["entry"].form.data["age"] == "63"
        assert "Your session had ended" in page.content.decode()


@pytest.mark.django_db
class TestRefused:
    def test_a_refused_decision_is_kept_and_given_back(
        self, coordinator, oncologist, meeting, stored_case
    ):
        client = client_for(oncologist)
        url = decide_url(meeting, stored_case)
        response = client.post(
            url, {"outcome": "differs", "plan": PLAN, "case_version": 1, "confirmed": "1"}
        )
        assert response.context["form"].codes() == {"reason": ["required"]}
        assert Draft.objects.get().reason == "refused"
        client.logout()
        client = client_for(None)
        assert sign_in(client, oncologist)["Location"] == url
        page = client.get(url).content.decode()
        assert PLAN in page and "This was not saved." in page

    def test_a_refused_follow_up_is_kept(self, coordinator, stored_case):
        client = client_for(coordinator)
        url = f"/cases/{stored_case.pk}/follow-up/"
        body = {"version": 1, "last_contact_date": "2025-02-01", "vital_status": "dead"}
        assert client.post(url, body).status_code == 400
        page = client.get(url)
        assert page.context["follow_up_form"].data["last_contact_date"] == "2025-02-01"

    def test_a_draft_older_than_seven_days_is_gone(self, oncologist, meeting, stored_case):
        client = client_for(oncologist)
        url = decide_url(meeting, stored_case)
        client.post(url, {"outcome": "differs", "plan": PLAN, "case_version": 1, "confirmed": "1"})
        Draft.objects.update(saved_at=timezone.now() - dt.timedelta(days=7, minutes=1))
        assert PLAN not in client.get(url).content.decode()


@pytest.mark.django_db
class TestIdleWarning:
    def test_every_page_carries_the_idle_timeout_and_the_static_script(self, settings, coordinator):
        html = client_for(coordinator).get("/").content.decode()
        assert f'name="mbc-session-idle" content="{settings.SESSION_COOKIE_AGE}"' in html
        assert 'src="/static/js/session.js"' in html
        assert "<script>" not in html and " onclick=" not in html

    def test_stay_signed_in_renews_the_session(self, coordinator):
        client = client_for(coordinator)
        response = client.post("/accounts/session/")
        assert response.status_code == 200
        assert response.json()["idle_seconds"] > 0
        end_sessions_on_the_server()
        assert client.post("/accounts/session/").status_code == 302


@pytest.mark.django_db
def test_after_signing_out_a_visit_is_not_called_an_ended_session(coordinator):
    client = client_for(coordinator)
    client.get("/")
    assert "mbc_draft_owner" in client.cookies
    client.post("/accounts/logout/")
    assert client.cookies["mbc_draft_owner"].value == ""
    page = client.get("/", follow=True).content.decode()
    assert "Your session had ended" not in page


@pytest.mark.django_db
def test_a_kept_draft_can_be_discarded(oncologist, meeting, stored_case):
    client = client_for(oncologist)
    url = decide_url(meeting, stored_case)
    client.post(url, {"outcome": "differs", "plan": PLAN, "case_version": 1, "confirmed": "1"})
    page = client.get(url).content.decode()
    assert PLAN in page and 'action="/accounts/drafts/discard/"' in page
    response = client.post("/accounts/drafts/discard/", {"path": url})
    assert response["Location"] == url
    assert not Draft.objects.exists()
    assert PLAN not in client.get(url).content.decode()
    # Only the application's own form pages.
    assert client.post("/accounts/drafts/discard/", {"path": "//evil.example/"})["Location"] == "/"
