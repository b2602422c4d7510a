"""The case page's similar patients, not yet cached, load into the page from their own URL
with the static script, under the strict Content-Security-Policy."""

import os

import pytest

from tests.conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_uncached_panel_loads_in_place(browser, live_server, coordinator, oncologist):
    from django.core.cache import cache

    from outcomes.demo import seed_cohort
    from outcomes.similar import similar_patients_uncached
    from recurrence.models import Case

    seed_cohort(coordinator, size=200, seed=3)
    case = Case.objects.filter(category="metastatic", site_pattern="bone_only").first()
    expected = similar_patients_uncached(case, chart=False)
    cache.clear()
    page = browser.new_page()
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    try:
        page.goto(live_server.url + f"/cases/{case.pk}/")
        page.get_by_label("Username", exact=True).fill(oncologist.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"**/cases/{case.pk}/")
        criteria = page.locator(".similar-panel .similar-criteria")
        criteria.wait_for()
        text = f"{expected['n']} patients with recorded follow-up, not counting this patient"
        assert text in criteria.inner_text()
        assert page.locator("[data-similar-panel]").count() == 0  # the placeholder replaced
        assert violations == []
    finally:
        page.close()
