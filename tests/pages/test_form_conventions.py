"""One date entry (day, month by name, year) and day-month-year dates on pages; required
fields marked; the case form's sections are headings and Enter does not send it; focus
goes to the error summary; a confirmation step before signing; the case page's navigation."""

import re

import pytest

from board.models import AgendaItem, Decision, Meeting
from recurrence.models import FollowUp
from tests.pages.helpers import client_for

PLAN = "Letrozole; review in 3 months."


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
class TestDates:
    def test_dates_are_entered_as_day_month_name_and_year(self, coordinator, stored_case):
        html = client_for(coordinator).get(f"/cases/{stored_case.pk}/follow-up/").content.decode()
        assert 'type="date"' not in html
        assert 'name="last_contact_date_day"' in html
        assert '<option value="3">March</option>' in html
        assert 'name="last_contact_date_year"' in html
        assert ">Day</label>" in html and ">Month</label>" in html and ">Year</label>" in html

    def test_the_parts_are_saved_as_one_date(self, coordinator, stored_case):
        body = {
            "version": 1,
            "last_contact_date_day": "3",
            "last_contact_date_month": "2",
            "last_contact_date_year": "2025",
            "vital_status": "alive",
        }
        response = client_for(coordinator).post(f"/cases/{stored_case.pk}/follow-up/", body)
        assert response.status_code == 302
        assert FollowUp.objects.get().last_contact_date.isoformat() == "2025-02-03"

    def test_an_impossible_date_is_refused_by_name(self, coordinator, stored_case):
        body = {
            "version": 1,
            "last_contact_date_day": "31",
            "last_contact_date_month": "2",
            "last_contact_date_year": "2025",
            "vital_status": "alive",
        }
        response = client_for(coordinator).post(f"/cases/{stored_case.pk}/follow-up/", body)
        assert response.status_code == 400
        assert response.context["follow_up_form"].has_error("last_contact_date")
        assert not FollowUp.objects.exists()

    def test_errors_write_dates_as_the_pages_do(self, coordinator, stored_case):
        body = {"version": 1, "last_contact_date": "2024-01-02", "vital_status": "alive"}
        html = client_for(coordinator).post(f"/cases/{stored_case.pk}/follow-up/", body)
        text = html.content.decode()
        assert "before the recurrence date 10 Jun 2024" in text
        assert "2024-06-10" not in text


@pytest.mark.django_db
class TestCaseForm:
    def test_required_fields_are_marked(self, coordinator):
        html = client_for(coordinator).get("/cases/new/").content.decode()
        for label in ("Case number", "Presentation", "Recurrence date"):
            assert re.search(rf'class="field-label is-required"[^>]*>{label}<', html), label
        assert re.search(r'class="field-label"[^>]*>Hospital number<', html)
        assert 'aria-required="true"' in html

    def test_sections_are_headings_and_enter_does_not_submit(self, coordinator):
        html = client_for(coordinator).get("/cases/new/").content.decode()
        assert html.count('<legend><h2 class="section-title">') >= 5
        assert "data-enter-does-not-submit" in html
        assert 'src="/static/js/forms.js"' in html

    def test_the_error_summary_takes_the_focus(self, coordinator):
        html = client_for(coordinator).post("/cases/new/", {"case_number": ""}).content.decode()
        assert re.search(r'id="problems" data-focus-on-load', html)


@pytest.mark.django_db
class TestConfirmation:
    @pytest.fixture
    def meeting(self, coordinator, stored_case):
        meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT")
        AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
        return meeting

    def test_signing_shows_exactly_what_will_be_signed_first(
        self, oncologist, meeting, stored_case
    ):
        url = f"/board/meetings/{meeting.pk}/cases/{stored_case.pk}/decision/"
        client = client_for(oncologist)
        body = {"outcome": "follows", "plan": PLAN, "case_version": 1}
        response = client.post(url, body)
        assert response.status_code == 200
        html = response.content.decode()
        assert "This is what will be signed" in html
        assert PLAN in html and "Follows the recommendation" in html
        assert "Case version 1" in html
        assert not Decision.objects.exists()
        change = client.post(url, {**body, "confirmed": "1", "change": "1"})
        assert "Review and sign" in change.content.decode() and not Decision.objects.exists()
        assert client.post(url, {**body, "confirmed": "1"}).status_code == 302
        assert Decision.objects.get().plan == PLAN

    def test_a_refusal_comes_before_the_confirmation(self, oncologist, meeting, stored_case):
        url = f"/board/meetings/{meeting.pk}/cases/{stored_case.pk}/decision/"
        response = client_for(oncologist).post(url, {"outcome": "differs", "plan": PLAN})
        assert "This is what will be signed" not in response.content.decode()


@pytest.mark.django_db
def test_the_case_page_has_in_page_navigation(coordinator, stored_case):
    html = client_for(coordinator).get(f"/cases/{stored_case.pk}/").content.decode()
    nav = html[html.index('aria-label="On this page"') :]
    nav = nav[: nav.index("</nav>")]
    for target in re.findall(r'href="#([a-z-]+)"', nav):
        assert f'id="{target}"' in html, target
