"""Drafts: what a user typed into a form that was not saved, kept on the server (never in a
URL) per user and form, so the form can give it back.

A draft is kept when a save is refused (the view calls keep()) and when a form is posted
after the session ended (mbc_site.middleware keeps it for the user who last signed in on
that browser, whom a signed cookie names). Opening the form again restores it (restore());
a successful save deletes it (discard()). Drafts older than DRAFT_DAYS are gone.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.http import QueryDict
from django.utils import timezone

from recurrence.models import Draft

DRAFT_DAYS = 7
OWNER_COOKIE = "mbc_draft_owner"
_OWNER_SALT = "mbc.drafts.owner"
_NOT_KEPT = {"csrfmiddlewaretoken"}

# The forms whose drafts are kept: URL name -> the form's key from the URL's arguments.
FORMS = {
    "board-decide": lambda kw: f"decision:{kw['pk']}:{kw['case_pk']}",
    "board-amend": lambda kw: f"amendment:{kw['pk']}",
    "case-edit": lambda kw: f"case-edit:{kw['pk']}",
    "case-follow-up": lambda kw: f"follow-up:{kw['pk']}",
}

REASONS = {
    "session": "Your session had ended, so this was not saved.",
    "refused": "This was not saved.",
}


def form_key(resolver_match) -> str | None:
    """The draft key of the form a request is for, or None when its drafts are not kept."""
    if resolver_match is None or resolver_match.url_name not in FORMS:
        return None
    return FORMS[resolver_match.url_name](resolver_match.kwargs)


def _live():
    return Draft.objects.filter(saved_at__gte=timezone.now() - dt.timedelta(days=DRAFT_DAYS))


def _purge() -> None:
    Draft.objects.filter(saved_at__lt=timezone.now() - dt.timedelta(days=DRAFT_DAYS)).delete()


def keep(*, user_id: int, key: str, path: str, post: QueryDict, reason: str, detail: str = ""):
    """Keep what was posted to a form, replacing the user's earlier draft of that form."""
    data = {k: post.getlist(k) for k in post if k not in _NOT_KEPT}
    _purge()
    Draft.objects.update_or_create(
        user_id=user_id,
        form_key=key,
        defaults={
            "path": path[:200],
            "data": data,
            "reason": reason,
            "detail": detail[:2000],
            "shown": False,
            "saved_at": timezone.now(),
        },
    )


def keep_refused(request, detail: str = "") -> None:
    key = form_key(request.resolver_match)
    if key and request.user.is_authenticated:
        keep(
            user_id=request.user.pk,
            key=key,
            path=request.path,
            post=request.POST,
            reason="refused",
            detail=detail,
        )


def restore(request) -> tuple[QueryDict, str] | None:
    """The user's draft of this request's form as posted data, and why it was kept."""
    key = form_key(request.resolver_match)
    if not key or not request.user.is_authenticated:
        return None
    draft = _live().filter(user=request.user, form_key=key).first()
    if draft is None:
        return None
    data = QueryDict(mutable=True)
    for name, values in draft.data.items():
        data.setlist(name, [str(v) for v in values])
    if not draft.shown:
        Draft.objects.filter(pk=draft.pk).update(shown=True)
    when = timezone.localtime(draft.saved_at)
    why = REASONS[draft.reason] + (f" {draft.detail}" if draft.detail else "")
    return data, f"{why} What you typed on {when:%-d %b %Y at %H:%M} is restored below."


def discard(request) -> None:
    key = form_key(request.resolver_match)
    if key and request.user.is_authenticated:
        Draft.objects.filter(user=request.user, form_key=key).delete()


def unshown_path(user) -> str | None:
    """The page of the user's newest draft not restored since it was kept, if any."""
    draft = _live().filter(user=user, shown=False).order_by("-saved_at").first()
    return draft.path if draft else None


def owner_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=_OWNER_SALT)


def owner_from(token: str | None) -> int | None:
    if not token:
        return None
    try:
        value = signing.loads(token, salt=_OWNER_SALT, max_age=DRAFT_DAYS * 86400)
    except signing.BadSignature:
        return None
    return value if type(value) is int else None
