"""An oncologist reads the evidence panel of two patients a board must not be misled about:
a visceral crisis in four organs (a candidate for no operation) and a de novo triple-negative
patient whose disease is controlled (randomised evidence beside the observational series).
The panels are kept as screenshots."""

import os
import sys
from pathlib import Path

import pytest

from recurrence.services import case_create
from tests.conftest import PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence"))
from panel_patients import (  # noqa: E402
    TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED,
    VISCERAL_CRISIS_FOUR_ORGANS,
)

# Playwright's sync API runs an event loop in this thread; the ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.fixture
def evidence_library(transactional_db):
    """The library as its data migrations store it (an earlier transactional test may have
    emptied every table)."""
    import importlib

    from django.apps import apps

    from evidence.models import Study

    if not Study.objects.exists():
        importlib.import_module("evidence.migrations.0002_library_data").load(apps, None)
        importlib.import_module(
            "evidence.migrations.0004_study_trial_caveats_figure_framing"
        ).forward(apps, None)


def signed_in(browser, live_server, user):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username", exact=True).fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    return page


def stored(body, number, user):
    return case_create(
        data={**body, "case_number": number, "hospital_number": f"H{number[-4:]}"}, user=user
    )


@pytest.mark.django_db(transaction=True)
def test_the_evidence_panels_of_a_visceral_crisis_and_a_triple_negative_patient(
    browser, live_server, evidence_library, coordinator, oncologist, artifacts_dir
):
    crisis = stored(VISCERAL_CRISIS_FOUR_ORGANS, "MBC-0101", coordinator)
    triple = stored(TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED, "MBC-0102", coordinator)
    page = signed_in(browser, live_server, oncologist)
    try:
        page.goto(f"{live_server.url}/cases/{crisis.pk}/")
        panel = page.locator(".evidence-panel")
        panel.scroll_into_view_if_needed()
        heading = panel.locator(".evidence-section-not-candidate h3")
        assert heading.is_visible() and heading.inner_text().startswith("Not a candidate now")
        assert panel.locator(".evidence-section-candidate").count() == 0
        caveats = panel.locator(".caveat-not_candidate")
        assert caveats.count() == panel.locator(".match").count() > 0
        assert "visceral crisis" in caveats.first.inner_text().lower()
        assert panel.locator(".badge-patient").count() == 0
        liver = panel.locator('[data-study="severance-liver"]')
        assert liver.locator(".caveat-no_comparison_group").is_visible()
        assert liver.locator(".caveat-selected_patients").is_visible()
        panel.screenshot(path=os.path.join(artifacts_dir, "evidence_panel_visceral_crisis.png"))

        page.goto(f"{live_server.url}/cases/{triple.pk}/")
        panel = page.locator(".evidence-panel")
        panel.scroll_into_view_if_needed()
        assert (
            panel.locator(".evidence-section-candidate h3").inner_text().startswith("Candidate now")
        )
        assert panel.locator(".evidence-section-not-candidate h3").is_visible()
        studies = panel.locator(".evidence-section-candidate .match").evaluate_all(
            "items => items.map(i => i.dataset.study)"
        )
        i = studies.index("reinhorn-2021")
        assert studies[i + 1] == "soomro-2021"
        reinhorn = panel.locator('[data-study="reinhorn-2021"]')
        assert reinhorn.get_by_text("Beside it").is_visible()
        assert reinhorn.locator('[data-figures="reinhorn-2021-04"] .badge-patient').is_visible()
        soomro = panel.locator('[data-study="soomro-2021"]')
        assert soomro.locator('[data-figures="soomro-2021-23 soomro-2021-24"]').is_visible()
        assert (
            "p=0.001"
            in soomro.locator('[data-figures="soomro-2021-23 soomro-2021-24"]').inner_text()
        )
        assert "p=0.001" not in soomro.locator('[data-figures="soomro-2021-23"]').inner_text()
        assert soomro.locator(".caveat-immortal_time").is_visible()
        assert "4.866" not in panel.inner_text()
        assert "$" not in panel.inner_text()
        panel.screenshot(path=os.path.join(artifacts_dir, "evidence_panel_triple_negative.png"))
    finally:
        page.close()
