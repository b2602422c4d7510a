"""The main pages work under the Content-Security-Policy: no violation is reported, their
scripts run, their images and charts load, and the API reference renders from the site alone."""

import os

import pytest

from board.models import AgendaItem, Meeting
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""

BROKEN_IMAGES = """
[...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src)
"""


class Watched:
    """A page that records CSP violations, console errors and script errors."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.add_init_script(LISTEN)
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda m: self.console.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda e: self.console.append(f"page error: {e}"))

    def visit(self, url: str) -> list[str]:
        """Load `url` and answer what went wrong on it."""
        self.console.clear()
        response = self.page.goto(url, wait_until="networkidle")
        problems = [] if response and response.ok else [f"answered {response and response.status}"]
        problems += self.page.evaluate("window.__csp")
        problems += [c for c in self.console if "Content Security Policy" in c or "error" in c]
        problems += [f"image did not load: {src}" for src in self.page.evaluate(BROKEN_IMAGES)]
        return problems


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_run_under_the_policy_without_a_violation(
    browser, live_server, coordinator, stored_case, artifacts_dir
):
    meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
    watched = Watched(browser)
    page = watched.page
    base = live_server.url
    try:
        page.goto(base + "/accounts/login/")
        page.get_by_label("Username", exact=True).fill(coordinator.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base + "/")

        pages = {
            "case list": "/",
            "case page": f"/cases/{stored_case.pk}/",
            "case form": "/cases/new/",
            "case edit form": f"/cases/{stored_case.pk}/edit/",
            "follow-up": f"/cases/{stored_case.pk}/follow-up/",
            "meetings": "/board/",
            "meeting": f"/board/meetings/{meeting.pk}/",
            "printable agenda": f"/board/meetings/{meeting.pk}/print/",
            "meeting case": f"/board/meetings/{meeting.pk}/cases/{stored_case.pk}/",
            "outcomes": "/outcomes/",
            "evidence": "/evidence/",
            "sources": "/sources/",
            "API docs": "/api/v1/docs/",
        }
        found = {}
        for name, path in pages.items():
            problems = watched.visit(base + path)
            if problems:
                found[name] = problems
            if name == "case form":
                # The form's script ran: one empty site row, more added by the button.
                assert page.locator("[data-site-row]").count() == 1
                page.get_by_role("button", name="Add site").click()
                assert page.locator("[data-site-row]").count() == 2
                found.setdefault(name, []).extend(page.evaluate("window.__csp"))
            if name == "API docs":
                # The reference is a page of the application, built from the served schema.
                assert page.get_by_role("heading", level=1).inner_text() == "API reference"
                assert page.locator("h2 code").count() > 5
                page.screenshot(path=os.path.join(artifacts_dir, "api_docs.png"))
                found.setdefault(name, []).extend(page.evaluate("window.__csp"))
        assert {name: p for name, p in found.items() if p} == {}
    finally:
        page.close()


@pytest.mark.django_db(transaction=True)
def test_the_admin_runs_under_the_policy_without_a_violation(
    browser, live_server, django_user_model, stored_case
):
    # A superuser: the roles' permissions are not what this test is about (and an earlier
    # live-server test in this module emptied the tables the data migrations filled).
    administrator = django_user_model.objects.create_superuser("root", password=PASSWORD)
    watched = Watched(browser)
    page = watched.page
    base = live_server.url
    try:
        page.goto(base + "/admin/login/")
        page.get_by_label("Username").fill(administrator.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url(base + "/admin/")
        found = {}
        for path in (
            "/admin/",
            "/admin/recurrence/case/",
            f"/admin/recurrence/case/{stored_case.pk}/change/",
            "/admin/auth/user/",
            "/admin/evidence/study/",
        ):
            problems = watched.visit(base + path)
            if problems:
                found[path] = problems
        # The admin's own scripts ran: its navigation sidebar folds away and back.
        page.goto(base + "/admin/recurrence/case/", wait_until="networkidle")
        shifted = "shifted" in (page.locator("#main").get_attribute("class") or "")
        page.locator("#toggle-nav-sidebar").click()
        assert ("shifted" in (page.locator("#main").get_attribute("class") or "")) != shifted
        assert found == {}
    finally:
        page.close()


@pytest.mark.django_db(transaction=True)
def test_an_inline_script_would_be_refused_and_reported(browser, live_server, coordinator):
    """The watch above can see a violation: an inline script is blocked and reported."""
    watched = Watched(browser)
    try:
        watched.page.goto(live_server.url + "/accounts/login/")
        watched.page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
        )
        assert watched.page.evaluate("window.__ran === undefined")
        assert any("script-src" in v for v in watched.page.evaluate("window.__csp"))
    finally:
        watched.page.close()
