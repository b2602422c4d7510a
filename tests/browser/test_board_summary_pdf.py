"""An oncologist prints a typical case's board summary: it fits one A4 page."""

import os
import re

import pytest

from board.models import AgendaItem, Meeting
from board.services import amendment_add, decision_sign
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


def pdf_pages(pdf: bytes) -> int:
    """The number of page objects in a PDF (not the /Pages tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.django_db(transaction=True)
def test_a_typical_case_summary_prints_on_one_a4_page(
    browser, live_server, coordinator, oncologist, stored_case, artifacts_dir
):
    meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
    decision = decision_sign(
        case=stored_case,
        data={
            "meeting": meeting.pk,
            "outcome": "differs",
            "plan": "Letrozole with denosumab.\nRadiotherapy to the painful bone lesion; "
            "review with a CT scan in 3 months.",
            "reason": "Denosumab rather than a bisphosphonate: reduced kidney function.",
        },
        user=oncologist,
    )
    amendment_add(
        decision=decision,
        data={"reason": "Date agreed after the meeting.", "text": "Radiotherapy starts 1 Dec."},
        user=oncologist,
    )

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username", exact=True).fill(oncologist.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/")

        page.goto(f"{live_server.url}/board/decisions/{decision.pk}/")
        assert page.get_by_role("heading", name="Case MBC-0001").is_visible()
        assert page.get_by_text("Radiotherapy starts 1 Dec.").is_visible()
        assert page.locator(".sheet-match").count() == 3
        page.screenshot(path=os.path.join(artifacts_dir, "case_summary.png"), full_page=True)

        page.emulate_media(media="print")
        assert page.locator(".sheet-tools").is_hidden()  # links and buttons stay off paper
        assert page.locator(".site-header").is_hidden()
        pdf = page.pdf(format="A4")
        with open(os.path.join(artifacts_dir, "case_summary.pdf"), "wb") as out:
            out.write(pdf)
        assert pdf.startswith(b"%PDF")
        assert pdf_pages(pdf) == 1
    finally:
        page.close()
