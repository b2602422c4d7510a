"""M4: an id too large for the database answers 404 like any unknown id, on every API and
page URL; the API's 404 keeps the API's error shape."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import URLPattern, URLResolver

from tests.api.helpers import assert_error_shape, client_for

HUGE = [2**63, 2**63 + 1, 10**30, int("9" * 19)]


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _id_routes():
    for route, entry in _patterns(get_resolver()):
        converters = getattr(entry.pattern, "converters", {})
        if converters and all(type(c).__name__ == "IdConverter" for c in converters.values()):
            yield route, list(converters)


def test_no_url_takes_an_unbounded_int():
    unbounded = [
        route
        for route, entry in _patterns(get_resolver())
        if any(
            isinstance(c, IntConverter) for c in getattr(entry.pattern, "converters", {}).values()
        )
    ]
    assert unbounded == [], "use <id:...> (mbc_site/converters.py), not <int:...>"
    assert len(list(_id_routes())) >= 20


@pytest.mark.django_db
def test_every_id_url_answers_404_to_a_huge_id(coordinator, oncologist, administrator):
    from django.contrib.auth.models import Group

    from recurrence import roles

    coordinator.groups.add(*Group.objects.filter(name__in=[roles.ONCOLOGIST, roles.ADMINISTRATOR]))
    api = client_for(coordinator)
    page = Client()
    page.force_login(coordinator)
    tried = 0
    for route, names in _id_routes():
        for huge in HUGE:
            url = "/" + route
            for name in names:
                url = url.replace(f"<id:{name}>", str(huge))
            client = api if url.startswith("/api/") else page
            for method in ("get", "post", "put", "patch", "delete"):
                response = getattr(client, method)(url)
                if response.status_code == 405:
                    continue
                assert response.status_code == 404, (method, url, response.status_code)
                if url.startswith("/api/"):
                    assert response["Content-Type"] == "application/json"
                    assert_error_shape(response)
                tried += 1
    assert tried > 100


@pytest.mark.django_db
def test_the_largest_bigint_is_an_ordinary_unknown_id(coordinator):
    response = client_for(coordinator).get(f"/api/v1/cases/{2**63 - 1}/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.django_db
def test_an_unknown_api_address_answers_in_the_api_shape(coordinator):
    response = client_for(coordinator).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert_error_shape(response)
