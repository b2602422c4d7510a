"""M10 and H2: API tokens are fresh per call, stored hashed, expire, end with a password
change or sign-out, and can be revoked; the scheme stays `Authorization: Token KEY`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from mbc_site.models import ApiToken
from tests.conftest import PASSWORD

URL = "/api/v1/auth/token/"
CASES = "/api/v1/cases/"


def issue(username="oscar", password=PASSWORD) -> str:
    response = APIClient().post(URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token"}
    return response.json()["token"]


def api_with(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def works(token: str) -> bool:
    status = api_with(token).get(CASES).status_code
    assert status in (200, 401)
    return status == 200


@pytest.mark.django_db
class TestTokens:
    def test_each_call_issues_a_fresh_token_and_both_work(self, oncologist):
        first, second = issue(), issue()
        assert first != second
        assert works(first) and works(second)

    def test_tokens_are_stored_hashed_and_never_in_clear(self, oncologist):
        key = issue()
        stored = ApiToken.objects.get(user=oncologist)
        assert key not in {stored.key_hash, stored.password_fingerprint}
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM mbc_site_apitoken")
            assert key not in repr(cursor.fetchall())

    def test_a_token_expires_after_api_token_hours(self, oncologist, settings):
        settings.API_TOKEN_HOURS = 12
        key = issue()
        token = ApiToken.objects.get(user=oncologist)
        lifetime = token.expires_at - token.created_at
        assert dt.timedelta(hours=11, minutes=59) < lifetime <= dt.timedelta(hours=12)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
        assert not works(key)
        assert not ApiToken.objects.filter(pk=token.pk).exists()  # removed once seen expired

    def test_the_lifetime_follows_the_setting(self, oncologist, settings):
        settings.API_TOKEN_HOURS = 1
        issue()
        token = ApiToken.objects.get(user=oncologist)
        assert token.expires_at - token.created_at <= dt.timedelta(hours=1)

    def test_a_password_change_ends_every_token(self, oncologist):
        keys = [issue(), issue()]
        oncologist.set_password("another-long-password-8")
        oncologist.save()
        assert not any(works(k) for k in keys)
        assert works(issue(password="another-long-password-8"))

    def test_the_password_change_page_ends_tokens(self, oncologist):
        key = issue()
        client = Client()
        client.force_login(oncologist)
        response = client.post(
            "/accounts/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "another-long-password-8",
                "new_password2": "another-long-password-8",
            },
        )
        assert response.status_code == 302
        assert not works(key)

    def test_delete_revokes_the_token_it_is_sent_with(self, oncologist):
        kept, revoked = issue(), issue()
        response = api_with(revoked).delete(URL)
        assert response.status_code == 204
        assert not works(revoked)
        assert works(kept)

    def test_delete_from_a_signed_in_browser_revokes_every_token(self, oncologist):
        keys = [issue(), issue()]
        api = APIClient(enforce_csrf_checks=False)
        api.force_login(oncologist)
        assert api.delete(URL).status_code == 204
        assert not any(works(k) for k in keys)

    def test_delete_needs_credentials(self, db):
        response = APIClient().delete(URL)
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "not_authenticated"

    def test_signing_out_of_the_site_ends_the_users_tokens(self, oncologist):
        key = issue()
        client = Client()
        client.force_login(oncologist)
        client.post("/accounts/logout/")
        assert not works(key)

    def test_an_inactive_user_is_refused(self, oncologist):
        key = issue()
        oncologist.is_active = False
        oncologist.save()
        assert api_with(key).get(CASES).status_code == 401

    def test_an_expired_token_sent_along_does_not_stop_a_new_one(self, oncologist):
        response = api_with("0" * 40).post(
            URL, {"username": "oscar", "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200

    def test_nonsense_tokens_are_401(self, db):
        for key in ("x", "\u00e9" * 300, "a b"):
            assert api_with(key).get(CASES).status_code == 401


@pytest.mark.django_db
def test_the_admin_lists_tokens_without_keys(administrator, oncologist):
    key = issue()
    client = Client()
    client.force_login(administrator)
    listing = client.get("/admin/mbc_site/apitoken/")
    assert listing.status_code == 200
    token = ApiToken.objects.get(user=oncologist)
    detail = client.get(f"/admin/mbc_site/apitoken/{token.pk}/change/")
    assert detail.status_code == 200
    for page in (listing, detail):
        html = page.content.decode()
        assert key not in html and token.key_hash not in html
    assert client.get("/admin/authtoken/").status_code == 404
    # An administrator can revoke it.
    response = client.post(f"/admin/mbc_site/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not works(key)
