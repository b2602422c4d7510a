"""Throttling of failed sign-ins, per account and per address, kept in the database so the
limits hold across processes and application servers.

An account is refused after LOGIN_FAILURE_LIMIT failures in the window; an address after
LOGIN_ADDRESS_FAILURE_LIMIT (at least four times as many), so that one address, such as a
hospital's proxy, cannot lock every account out. The address is the socket's, or the one a
trusted proxy puts in the header named by TRUSTED_PROXY_HEADER.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from recurrence.models import FailedLogin


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60))


def _limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 5)


def _address_limit() -> int:
    return getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", 4 * _limit())


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _meta_key(header: str) -> str:
    name = header.strip().upper().replace("-", "_")
    return name if name.startswith("HTTP_") else f"HTTP_{name}"


def client_ip(request) -> str | None:
    """The client's address. With TRUSTED_PROXY_HEADER set (for example X-Forwarded-For),
    the last address in that header: the one the trusted proxy itself added, which a client
    cannot forge. Without it, or when the header holds no address, the socket's address."""
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if header:
        values = request.META.get(_meta_key(header), "").split(",")
        forwarded = _valid_ip(values[-1])
        if forwarded:
            return forwarded
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def is_locked_out(username: str, ip: str | None) -> bool:
    since = timezone.now() - _window()
    recent = FailedLogin.objects.filter(at__gte=since)
    by_user = recent.filter(username__iexact=username or "").count()
    by_ip = recent.filter(ip_address=ip).count() if ip else 0
    # An address may mistype a few names; it gets more tries than one account.
    return by_user >= _limit() or by_ip >= _address_limit()


def record_failure(username: str, ip: str | None) -> None:
    FailedLogin.objects.create(username=(username or "")[:150], ip_address=ip)


def clear_failures(username: str) -> None:
    FailedLogin.objects.filter(Q(username__iexact=username)).delete()


LOCKED_MESSAGE = (
    "Too many failed sign-ins. Wait 15 minutes before trying again, or ask an administrator."
)
