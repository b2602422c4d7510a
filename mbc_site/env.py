"""Small typed readers of the environment that refuse a malformed value at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(
    name: str, default: int, environ: Mapping[str, str] = os.environ, *, minimum: int = 0
) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if not all(items):
        raise ImproperlyConfigured(
            f"{name} must be a comma-separated list with no empty items, not {raw!r}."
        )
    return items


def parse_database_url(url: str, *, base_dir: Path, name: str = "DATABASE_URL") -> dict:
    """sqlite:///relative.db, sqlite:////absolute.db or postgres://user:pass@host:port/db."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path in ("", "/"):
            raise ImproperlyConfigured(f"{name} names no SQLite file (sqlite:///mbc.sqlite3).")
        path = path[1:]  # sqlite:///name.db is relative, sqlite:////abs/name.db absolute
        file = Path(path) if Path(path).is_absolute() else base_dir / path
        # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent
        # writers wait their turn (up to the timeout) instead of failing on upgrade.
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        db = unquote(parts.path.lstrip("/"))
        if not db:
            raise ImproperlyConfigured(
                f"{name} names no PostgreSQL database (postgres://user@host:5432/dbname)."
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"{name} must start with sqlite:// or postgres://, not {url.split(':')[0]!r}."
    )


def env_proxy_ssl_header(
    name: str, environ: Mapping[str, str] = os.environ
) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from a header name the reverse proxy sets, such as
    `X-Forwarded-Proto` (the request is HTTPS when it says `https`); unset: None, and the
    header is not trusted."""
    raw = (environ.get(name) or "").strip()
    if not raw:
        return None
    if not all(c.isalnum() or c == "-" for c in raw):
        raise ImproperlyConfigured(
            f"{name} must be the name of the header the proxy sets, such as "
            f"X-Forwarded-Proto, not {raw!r}."
        )
    return ("HTTP_" + raw.upper().replace("-", "_"), "https")
