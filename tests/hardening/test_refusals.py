"""L5 and the admin's NUL filter: a refused request is logged in one line, not a
traceback; a NUL in an admin list filter answers an admin 400 page (PostgreSQL cannot
store NUL, so it used to fail in the database)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.api.helpers import client_for


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/recurrence/case/?presentation=%00",
        "/admin/recurrence/case/?category__exact=a%00b",
        "/admin/evidence/study/?q=%00",
        "/admin/auth/user/?groups__id__exact=%00",
    ],
)
def test_a_nul_in_an_admin_filter_gets_the_admin_400_page(administrator, stored_case, url, caplog):
    client = Client()
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request (400)" in html and "NUL character" in html
    assert "MBC Board administration" in html  # the admin's own page
    refused = [r for r in caplog.records if r.name == "mbc_site.refused"]
    assert len(refused) == 1 and "\n" not in refused[0].getMessage()
    assert refused[0].exc_info is None


@pytest.mark.django_db
def test_a_clean_admin_filter_still_works(administrator, stored_case):
    client = Client()
    client.force_login(administrator)
    assert client.get("/admin/recurrence/case/?presentation=recurrence").status_code == 200


@pytest.mark.django_db
def test_refused_api_requests_log_one_line_each(coordinator, caplog):
    caplog.set_level(logging.INFO)
    api = client_for(coordinator)
    bodies = [b'{"a": 1, "a": 2}', b"[" * 1000 + b"]" * 1000, b'{"x": "\\ud800"}', b"{nope"]
    for body in bodies:
        assert api.post("/api/v1/cases/", body, content_type="application/json").status_code == 400
    assert api.get(f"/api/v1/cases/{2**64}/").status_code == 404
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert "\n" not in record.getMessage()
        assert "Traceback" not in record.getMessage()
    assert sum(r.getMessage().startswith("Bad Request") for r in caplog.records) == len(bodies)


def _our_handler():
    from mbc_site.log_filters import RefusalsInOneLine

    for handler in logging.getLogger().handlers:
        if any(isinstance(f, RefusalsInOneLine) for f in handler.filters):
            return handler
    raise AssertionError("the console handler has no one-line filter")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"path": "/", "HTTP_HOST": "evil.example"},  # DisallowedHost
        {"path": "/api/v1/cases/", "HTTP_HOST": "evil.example"},
    ],
)
def test_a_suspicious_request_is_logged_in_one_line(request_kwargs):
    import io

    handler = _our_handler()
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        response = Client().get(request_kwargs.pop("path"), **request_kwargs)
    finally:
        handler.setStream(old)
    assert response.status_code == 400
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert lines, "the refusal is logged"
    assert "Traceback" not in stream.getvalue()
    assert len([line for line in lines if "evil.example" in line]) == 1
    assert all("evil.example" not in line or line.startswith("Refused:") for line in lines)


def test_server_errors_keep_their_traceback():
    from mbc_site.log_filters import RefusalsInOneLine

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            "x",
            1,
            "Internal Server Error: /",
            None,
            sys.exc_info(),
        )
    record.status_code = 500
    assert RefusalsInOneLine().filter(record) and record.exc_info is not None
