"""API tokens: `Authorization: Token KEY`, issued by POST /api/v1/auth/token/.

Each issue makes a fresh random key and stores only its SHA-256, so neither the database
nor the admin can show a key again. A token ends when API_TOKEN_HOURS pass, when its user
changes password (the token holds a fingerprint of the password it was issued under), when
the user signs out of the site, or when it is revoked with DELETE /api/v1/auth/token/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from mbc_site.models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _fingerprint(user) -> str:
    return user.get_session_auth_hash()


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "API_TOKEN_HOURS", 12))


def issue(user) -> str:
    """A new token for `user`; returns the key, which is not stored."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    key = secrets.token_hex(20)
    ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        password_fingerprint=_fingerprint(user),
        expires_at=now + lifetime(),
    )
    return key


def revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).delete()


def revoke_all(user) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's `Token KEY` scheme, looked up by the key's hash; refuses an expired token and
    one issued before the user's last password change. `request.auth` is the ApiToken."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        invalid = exceptions.AuthenticationFailed("Invalid or expired token.")
        if len(key) > 200:
            raise invalid
        token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
        if token is None:
            raise invalid
        user = token.user
        if token.expires_at <= timezone.now() or not constant_time_compare(
            token.password_fingerprint, _fingerprint(user)
        ):
            revoke(token)
            raise invalid
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (user, token)


@receiver(user_logged_out, dispatch_uid="mbc_site.tokens.revoke_on_sign_out")
def _revoke_on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        revoke_all(user)
