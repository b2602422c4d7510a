"""The Content-Security-Policy and no-store headers, and pages that need no inline script."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from board.models import AgendaItem, Meeting
from tests.pages.helpers import client_for

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


class ScriptsAndHandlers(HTMLParser):
    """Collects inline scripts (a <script> with a body or without src), event-handler
    attributes and javascript: addresses."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            data_only = kind in ("application/json", "application/ld+json")
            self._in_script_without_src = not attributes.get("src") and not data_only
            if self._in_script_without_src:
                self.problems.append("<script> without src")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script_without_src = False

    def handle_data(self, data):
        pass


def inline_script_problems(html: str) -> list[str]:
    parser = ScriptsAndHandlers()
    parser.feed(html)
    # A <script src> with a body is still an inline script.
    for body in re.findall(r"<script\b[^>]*\bsrc=[^>]*>(.*?)</script>", html, flags=re.S):
        if body.strip():
            parser.problems.append("<script src> with a body")
    return parser.problems


@pytest.fixture
def meeting(coordinator, stored_case):
    meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
    return meeting


@pytest.fixture
def main_pages(stored_case, meeting):
    return [
        "/",
        f"/cases/{stored_case.pk}/",
        "/cases/new/",
        f"/cases/{stored_case.pk}/edit/",
        f"/cases/{stored_case.pk}/follow-up/",
        "/board/",
        f"/board/meetings/{meeting.pk}/",
        f"/board/meetings/{meeting.pk}/print/",
        f"/board/meetings/{meeting.pk}/cases/{stored_case.pk}/",
        f"/board/cases/{stored_case.pk}/summary/",
        "/outcomes/",
        "/evidence/",
        "/sources/",
        "/api/v1/docs/",
        "/accounts/password/",
    ]


@pytest.mark.django_db
class TestContentSecurityPolicy:
    def test_the_policy_allows_scripts_only_from_the_site(self, coordinator):
        policy = directives(client_for(coordinator).get("/"))
        assert policy["script-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" in policy["style-src"]  # matplotlib's SVG styles
        assert not any(
            "unsafe" in value or value.startswith("http") for value in policy["script-src"]
        )

    def test_every_kind_of_answer_carries_it(self, coordinator, stored_case, client):
        signed_in = client_for(coordinator)
        answers = {
            "sign-in page": client.get("/accounts/login/"),
            "redirect to sign-in": client.get("/"),
            "health": client.get("/healthz"),
            "anonymous API": client.get("/api/v1/cases/"),
            "case page": signed_in.get(f"/cases/{stored_case.pk}/"),
            "API answer": signed_in.get(f"/api/v1/cases/{stored_case.pk}/"),
            "not found": signed_in.get("/no-such-page/"),
            "static file": client.get("/static/css/mbc.css"),
            "admin": client_for(coordinator).get("/admin/login/"),
        }
        assert answers["static file"].status_code == 200
        missing = [name for name, r in answers.items() if "Content-Security-Policy" not in r]
        assert missing == []

    def test_the_main_pages_have_no_inline_script(self, coordinator, main_pages):
        signed_in = client_for(coordinator)
        found = {}
        for url in main_pages:
            response = signed_in.get(url)
            assert response.status_code == 200, url
            problems = inline_script_problems(response.content.decode())
            if problems:
                found[url] = problems
        assert found == {}

    def test_the_api_docs_load_scripts_only_from_the_site(self, coordinator):
        signed_in = client_for(coordinator)
        response = signed_in.get("/api/v1/docs/")
        html = response.content.decode()
        assert response.status_code == 200
        assert inline_script_problems(html) == []
        sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
        assert all(s.startswith("/static/") for s in sources), sources
        assert "script-src 'self'" in response["Content-Security-Policy"]

    def test_no_template_has_an_inline_script_or_handler(self):
        templates = [
            p
            for folder in ("templates", "recurrence", "evidence", "board", "mbc_site")
            for p in (ROOT / folder).rglob("*.html")
        ]
        assert templates
        found = {}
        for template in templates:
            text = template.read_text(encoding="utf-8")
            problems = inline_script_problems(text)
            if re.search(r"""\son[a-z]+\s*=\s*["']""", text):
                problems.append("event handler attribute")
            if problems:
                found[str(template.relative_to(ROOT))] = problems
        assert found == {}


@pytest.mark.django_db
class TestNoStore:
    def test_pages_and_api_answers_are_not_stored(self, coordinator, stored_case, main_pages):
        signed_in = client_for(coordinator)
        urls = [
            *main_pages,
            f"/api/v1/cases/{stored_case.pk}/",
            "/api/v1/cases/",
            f"/api/v1/cases/{stored_case.pk}/recommendation/",
            "/outcomes/data.csv",
        ]
        stored = {}
        for url in urls:
            response = signed_in.get(url)
            assert response.status_code == 200, url
            if "no-store" not in response.get("Cache-Control", ""):
                stored[url] = response.get("Cache-Control")
        assert stored == {}

    def test_an_api_answer_to_a_token_is_not_stored(self, coordinator, stored_case):
        from rest_framework.test import APIClient

        from tests.conftest import PASSWORD

        client = APIClient()
        issued = client.post(
            "/api/v1/auth/token/",
            {"username": coordinator.username, "password": PASSWORD},
            format="json",
        )
        assert issued.status_code == 200
        client.credentials(HTTP_AUTHORIZATION="Token " + issued.json()["token"])
        response = client.get(f"/api/v1/cases/{stored_case.pk}/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]

    def test_static_files_keep_their_caching(self, client):
        response = client.get("/static/css/mbc.css")
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
