"""Throttling of failed sign-ins, per user name and per address, kept in the database."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from recurrence.models import FailedLogin


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60))


def _limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 5)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def is_locked_out(username: str, ip: str | None) -> bool:
    since = timezone.now() - _window()
    recent = FailedLogin.objects.filter(at__gte=since)
    by_user = recent.filter(username__iexact=username or "").count()
    by_ip = recent.filter(ip_address=ip).count() if ip else 0
    # An address may mistype a few names; it gets more tries than one user name.
    return by_user >= _limit() or by_ip >= 4 * _limit()


def record_failure(username: str, ip: str | None) -> None:
    FailedLogin.objects.create(username=(username or "")[:150], ip_address=ip)


def clear_failures(username: str) -> None:
    FailedLogin.objects.filter(Q(username__iexact=username)).delete()


LOCKED_MESSAGE = (
    "Too many failed sign-ins. Wait 15 minutes before trying again, or ask an administrator."
)
