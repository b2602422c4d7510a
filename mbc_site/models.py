from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """An API token, stored as the SHA-256 of its key: the key itself is shown once, in the
    answer that issues it, and is kept nowhere. See mbc_site/tokens.py."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Ties the token to the password it was issued under: a new password ends it.
    password_fingerprint = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
