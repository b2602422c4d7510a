"""M7: the case search keeps a hospital or case number out of every address (the form,
its pages, sign-in redirects) and out of every log line; GET /?q= still answers."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from recurrence.services import case_create
from tests.api.helpers import client_for as api_client

MRN = "H998877"
PREFIX = "Q7731-"  # a case-number prefix the search finds


def page_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def addresses(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src|formaction)="([^"]*)"', html)


@pytest.fixture
def many(coordinator, case_data):
    for i in range(30):
        case_create(
            data=case_data(case_number=f"{PREFIX}{i:02d}", hospital_number=f"{MRN}{i:02d}"),
            user=coordinator,
        )


@pytest.mark.django_db
class TestSearchByPost:
    def test_the_form_posts_to_an_absolute_path_with_field_q(self, oncologist):
        html = page_for(oncologist).get("/").content.decode()
        form = re.search(r'<form class="panel filters"[^>]*>', html).group(0)
        assert 'method="post"' in form and 'action="/"' in form
        assert 'name="q"' in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_results_show_without_the_term_in_any_address(self, oncologist, many):
        client = Client(enforce_csrf_checks=True)
        client.force_login(oncologist)
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/").content.decode()
        ).group(1)
        response = client.post("/", {"q": PREFIX, "csrfmiddlewaretoken": token})
        assert response.status_code == 200
        html = response.content.decode()
        assert f"{PREFIX}29" in html and "30 cases match" in html
        for address in addresses(html):
            assert PREFIX not in address and MRN not in address, address
        # The next page is a button of the same posted form.
        page2 = client.post("/", {"q": PREFIX, "page": "2", "csrfmiddlewaretoken": token})
        assert f"{PREFIX}00" in page2.content.decode()
        assert all(PREFIX not in a for a in addresses(page2.content.decode()))

    def test_a_bookmarked_get_search_still_answers(self, oncologist, many):
        response = page_for(oncologist).get("/", {"q": f"{MRN}05"})
        assert response.status_code == 200
        html = response.content.decode()
        assert f"{PREFIX}05" in html and f"{PREFIX}06" not in html
        assert all(MRN not in a for a in addresses(html))
        assert api_client(oncologist).get("/api/v1/cases/", {"q": f"{MRN}05"}).json()["count"] == 1

    def test_signing_in_again_does_not_carry_the_term(self, db):
        response = Client().get("/", {"q": MRN, "category": "metastatic"})
        assert response.status_code == 302
        assert MRN not in response["Location"]
        assert response["Location"] == "/accounts/login/?next=/%3Fcategory%3Dmetastatic"
        response = Client().post("/", {"q": MRN})
        assert MRN not in response["Location"]


@pytest.mark.django_db
def test_no_log_line_holds_a_hospital_or_case_number(coordinator, oncologist, case_data, caplog):
    caplog.set_level(logging.DEBUG)
    # SQL (whose parameters hold the numbers) is not logged even at LOG_LEVEL=DEBUG.
    assert logging.getLogger("django.db.backends").getEffectiveLevel() >= logging.INFO
    api = api_client(coordinator)
    api.post("/api/v1/cases/", case_data(case_number="LOG-77", hospital_number=MRN), format="json")
    api.post("/api/v1/cases/", case_data(case_number="LOG-77", hospital_number=MRN), format="json")
    api.get("/api/v1/cases/", {"q": MRN})
    api.get("/api/v1/cases/", {"q": "LOG-77"})
    pages = page_for(oncologist)
    pages.post("/", {"q": MRN})
    pages.get("/", {"q": "LOG-77"})
    Client().get("/", {"q": MRN})
    api.post(
        "/api/v1/cases/",
        b'{"hospital_number": "' + MRN.encode() + b'", "x": 1, "x": 2}',
        content_type="application/json",
    )
    assert caplog.records, "the requests above log their refusals"
    for record in caplog.records:
        line = record.getMessage()
        assert MRN not in line and "LOG-77" not in line, line
