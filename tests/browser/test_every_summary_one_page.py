"""Every demo case's board summary prints on one A4 page with body text of at least 9 pt,
undecided (with room to write the decision) and decided (with a long plan, a reason and an
amendment); a longer variant carries the case and hospital number on every page."""

import os
import re

import pytest
from django.core.management import call_command

from board.models import Meeting
from board.services import agenda_add, amendment_add, decision_sign
from recurrence.models import Case

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

MIN_PX = 12  # 9 pt at 96 px to the inch
LONG_PLAN = (
    "Letrozole 2.5 mg daily with a CDK4/6 inhibitor if funded; denosumab for the bone disease "
    "after a dental review. Palliative radiotherapy to the painful lumbar lesion, 8 Gy in one "
    "fraction. Restage with CT of chest, abdomen and pelvis and a bone scan in 3 months; "
    "discuss again at the board if there is progression or new symptoms."
)
REASON = "The patient prefers to start oral treatment first and asked to defer any surgery."

# Text smaller than 9 pt in print: every visible element with text of its own.
SMALL_TEXT = """(MIN_PX) => {
  const small = [];
  for (const el of document.querySelectorAll('.sheet *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < MIN_PX) small.push(el.tagName + '.' + el.className + ': ' + size + 'px');
  }
  return small;
}"""


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def sign_in(page, live_server, user):
    from tests.conftest import PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username", exact=True).fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def print_pages(page, url: str, artifacts_dir: str, name: str) -> tuple[int, list[str]]:
    page.goto(url)
    page.emulate_media(media="print")
    small = page.evaluate(SMALL_TEXT, MIN_PX)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    with open(os.path.join(artifacts_dir, f"{name}.pdf"), "wb") as out:
        out.write(pdf)
    page.emulate_media(media="screen")
    return pdf_pages(pdf), small


@pytest.mark.django_db(transaction=True)
def test_every_demo_summary_prints_on_one_page(browser, live_server, artifacts_dir, settings):
    from django.contrib.auth import get_user_model

    from tests.conftest import PASSWORD

    call_command("seed_demo", verbosity=0)
    User = get_user_model()
    oncologist = User.objects.get(username="oncologist")
    oncologist.set_password(PASSWORD)
    oncologist.save()
    past, upcoming = Meeting.objects.order_by("date")
    cases = list(Case.objects.filter(case_number__startswith="DEMO-").order_by("case_number"))
    assert len(cases) >= 30
    for case in cases:
        agenda_add(meeting=upcoming, case_id=case.pk)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    over: dict[str, int] = {}
    too_small: dict[str, list[str]] = {}
    try:
        sign_in(page, live_server, oncologist)
        for case in cases:
            url = f"{live_server.url}/board/meetings/{upcoming.pk}/cases/{case.pk}/"
            pages, small = print_pages(page, url, artifacts_dir, f"summary-{case.case_number}")
            if pages != 1:
                over[f"{case.case_number} undecided"] = pages
            if small:
                too_small[case.case_number] = small[:3]
        for case in cases:
            agenda_add(meeting=past, case_id=case.pk)
            decision = case.decisions.filter(meeting=past).first() or decision_sign(
                case=case,
                data={
                    "meeting": past.pk,
                    "outcome": "differs",
                    "plan": LONG_PLAN,
                    "reason": REASON,
                },
                user=oncologist,
            )
            amendment_add(
                decision=decision,
                data={"reason": "Agreed after the meeting.", "text": "Radiotherapy starts Monday."},
                user=oncologist,
            )
            url = f"{live_server.url}/board/decisions/{decision.pk}/"
            pages, small = print_pages(
                page, url, artifacts_dir, f"summary-{case.case_number}-decided"
            )
            if pages != 1:
                over[f"{case.case_number} decided"] = pages
            if small:
                too_small[f"{case.case_number} decided"] = small[:3]
    finally:
        page.close()
    assert over == {}
    assert too_small == {}


@pytest.mark.django_db(transaction=True)
def test_a_summary_longer_than_a_page_names_the_patient_on_every_page(
    browser, live_server, coordinator, oncologist, stored_case, artifacts_dir
):
    from pypdf import PdfReader

    meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)
    agenda_add(meeting=meeting, case_id=stored_case.pk)
    paragraph = LONG_PLAN + "\n"
    decision = decision_sign(
        case=stored_case,
        data={
            "meeting": meeting.pk,
            "outcome": "differs",
            "plan": (paragraph * 20)[:5000],
            "reason": REASON,
        },
        user=oncologist,
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        sign_in(page, live_server, oncologist)
        page.goto(f"{live_server.url}/board/decisions/{decision.pk}/")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
    finally:
        page.close()
    with open(os.path.join(artifacts_dir, "summary-long-plan.pdf"), "wb") as out:
        out.write(pdf)
    import io

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    for number, pdf_page in enumerate(pages, start=1):
        text = " ".join(pdf_page.extract_text().split())
        assert "Case MBC-0001 · Hospital number H123456" in text, f"page {number}"
