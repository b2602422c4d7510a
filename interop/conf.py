"""Readers of the CDS Hooks settings, used by mbc_site.settings; a malformed value stops
start-up with a message naming the variable."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def parse_issuers(raw: str | None, name: str = "CDS_HOOKS_ISSUERS") -> dict[str, str]:
    """A JSON object: each allowed `iss` to its JWKS, an https URL or a file path."""
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}.") from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) and v for k, v in value.items()
    ):
        raise ImproperlyConfigured(
            f"{name} must be a JSON object mapping each issuer to its JWKS URL or file path."
        )
    for iss, where in value.items():
        if where.startswith("http://"):
            raise ImproperlyConfigured(f"{name}: the JWKS of {iss} must be fetched over https.")
    return value


def parse_base_url(raw: str | None, name: str = "CDS_HOOKS_BASE_URL") -> str:
    """The public base of the cds-services URLs, e.g. https://mbc.example.org/cds-services."""
    value = (raw or "").strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name} must be an absolute http(s) URL, not {raw!r}.")
    return value
