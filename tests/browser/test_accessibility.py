"""axe-core finds no WCAG 2 A or AA violation on any page of the application, the API
reference included (the Django admin is not the application's and is left out)."""

import os

import pytest
from django.core.management import call_command

from board.models import Decision, Meeting
from board.services import agenda_add
from recurrence.models import Case
from tests.browser.axe import axe_path, violations

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str) -> None:
    from tests.conftest import PASSWORD

    page.goto(base + "/accounts/login/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def pages_of_the_app() -> dict[str, list[str]]:
    """{user: [paths]}: every kind of page, as the role that uses it sees it."""
    from evidence.models import Study

    past, upcoming = Meeting.objects.order_by("date")
    case = Case.objects.get(case_number="DEMO-008")
    decision = Decision.objects.select_related("case").first()
    study = Study.objects.order_by("pk").first()
    agenda_add(meeting=upcoming, case_id=case.pk)
    common = [
        "/",
        f"/?meeting={past.pk}",
        f"/cases/{case.pk}/",
        f"/cases/{decision.case.pk}/",
        "/sources/",
        "/board/",
        f"/board/meetings/{past.pk}/",
        f"/board/meetings/{upcoming.pk}/",
        f"/board/meetings/{past.pk}/print/",
        f"/board/meetings/{upcoming.pk}/cases/{case.pk}/",
        f"/board/cases/{case.pk}/summary/",
        f"/board/decisions/{decision.pk}/",
        "/evidence/",
        "/outcomes/",
        "/accounts/password/",
        "/api/v1/docs/",
        "/no-such-page/",
    ]
    # A case page for each kind of patient the demo holds, the evidence panel's "not a
    # candidate now" and the ruleset 2.0 scenarios among them.
    common += [
        f"/cases/{pk}/" for pk in Case.objects.order_by("pk").values_list("pk", flat=True)[:40:4]
    ]
    if study is not None:
        common.append(f"/evidence/{study.key}/")
    return {
        "coordinator": common
        + [
            "/cases/new/",
            "/cases/import/",
            f"/cases/{case.pk}/edit/",
            f"/cases/{case.pk}/follow-up/",
        ],
        "oncologist": [
            f"/board/meetings/{upcoming.pk}/cases/{case.pk}/decision/",
            f"/board/decisions/{decision.pk}/amend/",
        ],
    }


@pytest.mark.django_db(transaction=True)
def test_no_page_has_an_axe_violation(browser, live_server, artifacts_dir):
    axe = axe_path()
    from django.contrib.auth import get_user_model

    from tests.conftest import PASSWORD

    call_command("seed_demo", verbosity=0)
    for user in get_user_model().objects.all():
        user.set_password(PASSWORD)
        user.save()
    found: dict[str, list[str]] = {}
    base = live_server.url
    # The login page, signed out.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    found["/accounts/login/"] = violations(page, axe)
    context.close()
    for username, paths in pages_of_the_app().items():
        context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, base, username)
        for path in paths:
            page.goto(base + path)
            found[f"{username} {path}"] = violations(page, axe)
            if "/print/" in path or "/summary/" in path or "/decisions/" in path:
                page.emulate_media(media="print")  # as it is printed, too
                found[f"{username} {path} printed"] = violations(page, axe)
                page.emulate_media(media="screen")
        # The refused forms, with their error summaries.
        if username == "coordinator":
            page.goto(base + "/cases/new/")
            page.get_by_role("button", name="Save case").click()
            found["coordinator refused new case"] = violations(page, axe)
        context.close()
    found = {k: v for k, v in found.items() if v}
    with open(os.path.join(artifacts_dir, "axe.txt"), "w") as out:
        for where, items in found.items():
            out.write(where + "\n" + "".join(f"  {i}\n" for i in items))
    assert found == {}
