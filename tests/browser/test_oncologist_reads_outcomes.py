"""An oncologist reads the Outcomes page of the demo cohort: the landmark comparison by
default, the biased comparison only after ticking it, and the methods text."""

import os

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_an_oncologist_reads_the_landmark_comparison_and_asks_for_the_biased_one(
    browser, live_server, coordinator, oncologist, artifacts_dir
):
    from outcomes.demo import seed_cohort

    seed_cohort(coordinator)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(live_server.url + "/outcomes/")
        page.get_by_label("Username", exact=True).fill(oncologist.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/outcomes/")

        heading = page.locator("#landmark-heading")
        assert "landmark comparison at 6 months" in heading.inner_text()
        assert page.locator(".outcomes-landmark svg").count() == 1
        assert page.locator(".ratio-time-dependent").is_visible()
        assert page.locator(".outcomes-biased").count() == 0
        assert page.get_by_label("Landmark", exact=True).input_value() == "6"

        page.get_by_label("Landmark", exact=True).select_option("12")
        page.get_by_label("Show the biased comparison", exact=True).check()
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/outcomes/?*")
        assert "landmark comparison at 12 months" in heading.inner_text()
        biased = page.locator(".outcomes-biased")
        assert biased.is_visible()
        assert "Biased by immortal time." in biased.inner_text()
        assert page.locator(".ratio-naive").is_visible()

        methods = page.locator("#methods")
        assert methods.get_attribute("open") is not None
        assert "Stanford heart transplant" in methods.inner_text()
        page.screenshot(path=os.path.join(artifacts_dir, "outcomes_landmark.png"), full_page=True)
    finally:
        page.close()
