"""A coordinator imports a case from the hospital record's FHIR Bundle in a real browser."""

import os

import pytest

from interop.models import CaseImport
from recurrence.models import Case
from tests.browser.test_coordinator_creates_case import fill_date
from tests.conftest import PASSWORD
from tests.shared_docs import INTEROP_EXAMPLES

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_imports_reviews_and_saves_a_case(
    browser, live_server, coordinator, artifacts_dir
):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username", exact=True).fill(coordinator.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/")

        page.goto(live_server.url + "/cases/import/")
        page.get_by_label("FHIR Bundle (JSON)").set_input_files(
            str(INTEROP_EXAMPLES / "codex-trialmatching-patient01.json")
        )
        page.get_by_role("button", name="Read the Bundle").click()
        page.get_by_role("heading", name="What the record gave").wait_for()
        report = page.locator(".import-report")
        form = page.locator("form.case-form")
        assert report.is_visible() and form.is_visible()
        # The report sits beside the form, not above it.
        assert report.bounding_box()["x"] > form.bounding_box()["x"] + 200
        assert page.locator("#field-er input[value=positive]").is_checked()
        page.screenshot(path=os.path.join(artifacts_dir, "fhir_import.png"), full_page=True)

        page.get_by_label("Case number").fill("IMP-B1")
        fill_date(page, "recurrence_date", 10, 1, 2021)
        page.get_by_role("button", name="Save case").click()
        page.get_by_role("heading", name="Case IMP-B1").wait_for()
        assert page.get_by_role("heading", name="From the hospital record").is_visible()
        assert page.get_by_text("to confirm").first.is_visible()
    finally:
        page.close()
    case = Case.objects.get(case_number="IMP-B1")
    assert CaseImport.objects.get(case=case).fields["er"] == "imported"
