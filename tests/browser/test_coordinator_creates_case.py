"""A coordinator signs in, enters a case with two sites and reads its recommendation."""

import os

import pytest

from recurrence.models import Case
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def fill_date(page, name: str, day: int, month: int, year: int) -> None:
    """Day, month by name and year, as the date entry of every form takes them."""
    field = page.locator(f"#field-{name}")
    field.get_by_label("Day", exact=True).fill(str(day))
    field.get_by_label("Month", exact=True).select_option(str(month))
    field.get_by_label("Year", exact=True).fill(str(year))


pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_enters_a_case_and_reads_its_recommendation(
    browser, live_server, coordinator, artifacts_dir
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(live_server.url + "/")
        assert "/accounts/login/" in page.url
        page.get_by_label("Username", exact=True).fill(coordinator.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/")

        page.get_by_role("link", name="New case", exact=True).first.click()
        page.wait_for_url("**/cases/new/")
        # With the script, one empty site row is left and rows are added by the button.
        assert page.locator("[data-site-row]").count() == 1

        page.get_by_label("Case number", exact=True).fill("BR-2024-017")
        page.get_by_label("Hospital number", exact=True).fill("H-778812")
        page.locator("#field-presentation").get_by_label("Recurrence").check()
        fill_date(page, "recurrence_date", 14, 5, 2024)
        fill_date(page, "primary_diagnosis_date", 1, 2, 2019)
        page.get_by_label("Age", exact=True).fill("61")
        page.get_by_label("Postmenopausal", exact=True).check()

        rows = page.locator("[data-site-row]")
        rows.nth(0).locator("select").select_option("bone")
        rows.nth(0).get_by_label("Lesions", exact=True).fill("2")
        rows.nth(0).get_by_label("Symptomatic", exact=True).check()
        page.get_by_role("button", name="Add site").click()
        assert rows.count() == 2
        rows.nth(1).locator("select").select_option("liver")
        rows.nth(1).get_by_label("Lesions", exact=True).fill("1")
        page.get_by_role("button", name="Add site").click()
        rows.nth(2).locator("select").select_option("lung")
        rows.nth(2).get_by_role("button", name="Remove this site").click()
        assert rows.nth(2).is_hidden()

        page.locator("#field-er").get_by_label("Positive").check()
        page.locator("#field-pr").get_by_label("Positive").check()
        page.locator("#field-her2_ihc").get_by_label("1+").check()
        page.get_by_label("Ki-67 (%)", exact=True).fill("12")
        page.get_by_label("ECOG performance status", exact=True).fill("1")
        page.get_by_label("Bone pain", exact=True).check()
        page.get_by_role("button", name="Save case").click()

        page.wait_for_url("**/cases/*/")
        case = Case.objects.get(case_number="BR-2024-017")
        assert [(s.site, s.lesions, s.symptomatic) for s in case.sites.all()] == [
            ("bone", 2, True),
            ("liver", 1, False),
        ]
        assert page.get_by_role("heading", name="Case BR-2024-017").is_visible()
        treatment = page.locator("#rec-ENDO_AROMATASE_INHIBITOR")
        assert treatment.is_visible()
        source = treatment.locator(".rec-source a")
        assert source.inner_text() == "Treatment of Breast Carcinoma Recurrence"
        assert source.get_attribute("href") == "/sources/#guideline-recurrence-2025"
        assert page.locator("#rec-LIVER_RESECTION").count() == 0  # bone is a second site
        assert page.get_by_text("Decision support only").is_visible()

        page.screenshot(path=os.path.join(artifacts_dir, "case_page.png"), full_page=True)

        source.click()
        page.wait_for_url("**/sources/#guideline-recurrence-2025")
        assert page.locator("#guideline-recurrence-2025").is_visible()
    finally:
        page.close()
