"""H1 and M9: every sign-in path (the site's, the admin's, the token endpoint) goes
through one throttle, kept in the database: per account, and per address with a limit
well above it; the address comes from a trusted proxy header only when one is named."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from recurrence.models import FailedLogin
from tests.conftest import PASSWORD

ADMIN_LOGIN = "/admin/login/"
SITE_LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def admin_sign_in(client, username, password, **extra):
    return client.post(
        ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
class TestAdminSignIn:
    def test_the_admin_answers_the_sign_in_post_itself(self, administrator):
        response = admin_sign_in(Client(), "ada", "wrong")
        assert response.status_code == 200  # its own form again, not a redirect elsewhere
        assert b"Please enter the correct username" in response.content

    def test_admin_failures_are_recorded(self, administrator):
        client = Client()
        for _ in range(10):
            admin_sign_in(client, "ada", "wrong")
        assert FailedLogin.objects.filter(username="ada").count() == 5  # then refused unread

    def test_a_locked_account_cannot_sign_in_at_the_admin(self, administrator, settings):
        settings.LOGIN_FAILURE_LIMIT = 5
        client = Client()
        for _ in range(5):
            admin_sign_in(client, "ada", "wrong")
        response = admin_sign_in(client, "ada", PASSWORD)
        assert response.status_code == 200
        assert b"Too many failed sign-ins" in response.content
        assert not signed_in(client)

    def test_failures_at_the_site_lock_the_admin_and_the_api(self, administrator):
        client = Client()
        for _ in range(5):
            client.post(SITE_LOGIN, {"username": "ada", "password": "wrong"})
        assert not signed_in(client)
        admin_sign_in(client, "ada", PASSWORD)
        assert not signed_in(client)
        response = APIClient().post(TOKEN, {"username": "ada", "password": PASSWORD}, format="json")
        assert response.status_code == 429

    def test_the_right_password_signs_in_at_the_admin(self, administrator):
        client = Client()
        response = admin_sign_in(client, "ada", PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)

    def test_a_staffless_user_with_the_right_password_is_not_counted(self, coordinator):
        for _ in range(6):
            admin_sign_in(Client(), "cora", PASSWORD)
        assert not FailedLogin.objects.exists()


@pytest.mark.django_db
class TestPerAccountAndPerAddress:
    def test_other_accounts_from_the_same_address_still_sign_in(
        self, administrator, oncologist, coordinator
    ):
        client = Client()
        for _ in range(5):
            client.post(SITE_LOGIN, {"username": "ada", "password": "wrong"})
        locked = Client()
        locked.post(SITE_LOGIN, {"username": "ada", "password": PASSWORD})
        assert not signed_in(locked)
        for name in ("oscar", "cora"):
            other = Client()
            other.post(SITE_LOGIN, {"username": name, "password": PASSWORD})
            assert signed_in(other), name

    def test_the_address_limit_is_at_least_four_times_the_account_limit(self, settings):
        assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 4 * settings.LOGIN_FAILURE_LIMIT

    def test_an_address_is_locked_after_its_own_limit(self, oncologist, settings):
        settings.LOGIN_FAILURE_LIMIT = 5
        settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
        client = Client()
        for i in range(20):
            client.post(SITE_LOGIN, {"username": f"guess{i % 10}", "password": "wrong"})
        client.post(SITE_LOGIN, {"username": "oscar", "password": PASSWORD})
        assert not signed_in(client)
        elsewhere = Client(REMOTE_ADDR="10.9.9.9")
        elsewhere.post(SITE_LOGIN, {"username": "oscar", "password": PASSWORD})
        assert signed_in(elsewhere)


@pytest.mark.django_db
class TestTrustedProxyHeader:
    def _fail_from(self, **extra):
        Client(**extra).post(SITE_LOGIN, {"username": "someone", "password": "wrong"})
        return FailedLogin.objects.order_by("-id").first().ip_address

    def test_unset_the_socket_address_is_used_and_headers_ignored(self, db, settings):
        settings.TRUSTED_PROXY_HEADER = ""
        ip = self._fail_from(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert ip == "10.0.0.1"

    def test_the_named_header_gives_the_address_the_proxy_added(self, db, settings):
        settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
        ip = self._fail_from(
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7"
        )
        assert ip == "203.0.113.7"  # the last: added by the proxy, not typed by the client

    def test_a_header_with_no_address_falls_back_to_the_socket(self, db, settings):
        settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
        assert self._fail_from(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="nonsense") == "10.0.0.1"
        assert self._fail_from(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="2001:db8::1") == (
            "2001:db8::1"
        )

    def test_users_behind_one_proxy_are_told_apart(self, oncologist, settings):
        settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
        settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
        for i in range(20):
            Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").post(
                SITE_LOGIN, {"username": f"guess{i}", "password": "wrong"}
            )
        colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
        colleague.post(SITE_LOGIN, {"username": "oscar", "password": PASSWORD})
        assert signed_in(colleague)
