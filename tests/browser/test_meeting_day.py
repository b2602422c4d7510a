"""The meeting day end to end, a coordinator and an oncologist each in their own browser:
a follow-up recorded while the decision form is open does not stop the signing; a session
that ends during a decision keeps what was typed; a deceased patient cannot be decided;
every summary of the agenda prints on one A4 page."""

import os
import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from board.models import Decision, Meeting
from board.services import agenda_add
from recurrence.models import FollowUp
from recurrence.services import case_create
from tests.conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

PLAN_A = "Letrozole with a bone-directed agent; radiotherapy to the painful bone lesion."
PLAN_C = "Chemotherapy as recommended; review after three cycles with a CT scan."


def sign_in(page, base: str, username: str) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_date(page, name: str, day: int, month: int, year: int) -> None:
    field = page.locator(f"#field-{name}")
    field.get_by_label("Day", exact=True).fill(str(day))
    field.get_by_label("Month", exact=True).select_option(str(month))
    field.get_by_label("Year", exact=True).fill(str(year))


def end_sessions_of(user) -> None:
    """The server ends the user's sessions, as the idle timeout does."""
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.django_db(transaction=True)
def test_the_meeting_day(browser, live_server, coordinator, oncologist, case_data, artifacts_dir):
    base = live_server.url
    a = case_create(data=case_data(case_number="MBC-A"), user=coordinator)
    b = case_create(data=case_data(case_number="MBC-B", hospital_number="H2"), user=coordinator)
    c = case_create(
        data=case_data(case_number="MBC-C", hospital_number="H3", er="negative", pr="negative"),
        user=coordinator,
    )
    today = timezone.localdate()
    meeting = Meeting.objects.create(date=today, title="Breast MDT", created_by=coordinator)
    for case in (a, b, c):
        agenda_add(meeting=meeting, case_id=case.pk)

    coord_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    onc_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    coord, onc = coord_ctx.new_page(), onc_ctx.new_page()
    try:
        for page, user in ((coord, coordinator), (onc, oncologist)):
            page.goto(base + "/accounts/login/")
            sign_in(page, base, user.username)
            page.wait_for_url(base + "/")

        # The oncologist opens case A's decision form and types the plan.
        onc.goto(f"{base}/board/meetings/{meeting.pk}/")
        assert onc.get_by_text("No follow-up recorded").first.is_visible()
        onc.get_by_role("link", name="Record decision for case MBC-A").click()
        onc.get_by_label("Follows the recommendation").check()
        onc.get_by_label("Plan").fill(PLAN_A)

        # Meanwhile the coordinator records case A's follow-up.
        coord.goto(f"{base}/cases/{a.pk}/follow-up/")
        fill_date(coord, "last_contact_date", today.day, today.month, today.year)
        coord.get_by_label("Alive").check()
        coord.get_by_role("button", name="Save follow-up").click()
        assert coord.get_by_text("Follow-up saved.").is_visible()

        # The oncologist still signs: the clinical facts did not change.
        onc.get_by_role("button", name="Review and sign").click()
        assert onc.get_by_role("heading", name="This is what will be signed").is_visible()
        assert onc.get_by_text(PLAN_A).is_visible()
        onc.screenshot(path=os.path.join(artifacts_dir, "meeting_day_confirm.png"), full_page=True)
        onc.get_by_role("button", name="Sign the decision").click()
        assert onc.get_by_text("Decision for case MBC-A signed.").is_visible()
        decision = Decision.objects.get(case=a)
        assert (decision.plan, decision.case_version) == (PLAN_A, 2)

        # The session ends while the oncologist writes case C's decision: nothing is lost.
        onc.goto(f"{base}/board/meetings/{meeting.pk}/cases/{c.pk}/decision/")
        onc.get_by_label("Follows the recommendation").check()
        onc.get_by_label("Plan").fill(PLAN_C)
        end_sessions_of(oncologist)
        onc.get_by_role("button", name="Review and sign").click()
        onc.wait_for_url("**/accounts/login/**")
        assert onc.get_by_text("Your session had ended, so this was not saved.").is_visible()
        assert PLAN_C not in onc.url
        onc.screenshot(path=os.path.join(artifacts_dir, "meeting_day_signin.png"), full_page=True)
        sign_in(onc, base, oncologist.username)
        onc.wait_for_url(f"**/board/meetings/{meeting.pk}/cases/{c.pk}/decision/")
        assert onc.get_by_label("Plan").input_value() == PLAN_C
        assert onc.get_by_text("What you typed on").is_visible()
        onc.screenshot(path=os.path.join(artifacts_dir, "meeting_day_restored.png"), full_page=True)
        onc.get_by_role("button", name="Review and sign").click()
        onc.get_by_role("button", name="Sign the decision").click()
        assert onc.get_by_text("Decision for case MBC-C signed.").is_visible()
        assert Decision.objects.get(case=c).plan == PLAN_C

        # The coordinator records case B's death; the oncologist cannot decide it.
        coord.goto(f"{base}/cases/{b.pk}/follow-up/")
        fill_date(coord, "last_contact_date", 5, 1, 2025)
        coord.get_by_label("Dead").check()
        fill_date(coord, "death_date", 5, 1, 2025)
        coord.get_by_role("button", name="Save follow-up").click()
        assert coord.get_by_text("Follow-up saved.").is_visible()
        assert FollowUp.objects.get(case=b).vital_status == "dead"
        onc.goto(f"{base}/board/meetings/{meeting.pk}/")
        assert onc.get_by_text("Deceased").first.is_visible()
        onc.get_by_role("link", name="Record decision for case MBC-B").click()
        assert onc.get_by_text("no board decision can be signed").is_visible()
        assert onc.get_by_role("button", name="Review and sign").count() == 0
        onc.screenshot(path=os.path.join(artifacts_dir, "meeting_day_deceased.png"), full_page=True)
        assert not Decision.objects.filter(case=b).exists()

        # Every summary of the agenda prints on one page.
        for case in (a, b, c):
            onc.goto(f"{base}/board/meetings/{meeting.pk}/cases/{case.pk}/")
            onc.emulate_media(media="print")
            pdf = onc.pdf(format="A4", prefer_css_page_size=True)
            onc.emulate_media(media="screen")
            with open(
                os.path.join(artifacts_dir, f"meeting_day_{case.case_number}.pdf"), "wb"
            ) as f:
                f.write(pdf)
            assert pdf_pages(pdf) == 1, case.case_number
    finally:
        coord_ctx.close()
        onc_ctx.close()


@pytest.mark.django_db(transaction=True)
def test_the_page_warns_before_the_session_ends_and_stays_signed_in(
    browser, live_server, coordinator, settings, artifacts_dir
):
    settings.SESSION_COOKIE_AGE = 123  # the warning comes 2 minutes before: after 3 s
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/")
        sign_in(page, live_server.url, coordinator.username)
        page.wait_for_url(live_server.url + "/")
        warning = page.get_by_role("alertdialog")
        warning.wait_for(state="visible", timeout=10_000)
        assert "signed out in" in warning.inner_text()
        page.screenshot(path=os.path.join(artifacts_dir, "idle_warning.png"))
        stay = page.get_by_role("button", name="Stay signed in")
        assert stay.evaluate("el => el === document.activeElement")
        with page.expect_response("**/accounts/session/") as answer:
            stay.click()
        assert answer.value.status == 200
        warning.wait_for(state="hidden", timeout=5_000)
    finally:
        context.close()
