"""Rendered parts of pages, and the data of API pages, kept in the cache under everything
they are drawn from.

A page whose body costs more to draw than to fetch (the case page, the case list) keeps
the body's HTML in Django's cache. Its key is made of what the request asks (the case and
its version, the search, the viewer's roles) and the code's own revision; the entry holds
the HTML with the revision tokens (mbc_site.revisions) of the data it was drawn from, as
they were read before that data. One round trip reads the entry and the current tokens
together; the entry is served only while every token is unchanged, so any write to that
data makes the next request draw the body afresh. The shell around it (navigation,
messages, the user menu) is drawn for every request.

A form's CSRF token is per session, so a body is drawn with PLACEHOLDER as its token and
each response puts the viewer's own token in its place.

MBC_PAGE_CACHE=0 draws every body afresh (the comparison the tests make, and a switch for
a hospital's IT team should they suspect the cache).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from mbc_site import revisions

PLACEHOLDER = "mbc-csrf-token-placeholder-4f1c9a"
# An entry outlives no token by much; a day bounds what unread ones cost.
TIMEOUT = 24 * 3600


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE", True)


def key(kind: str, inputs: Any) -> str:
    return f"fragment:{kind}:{revisions.digest(inputs, 40)}"


def lookup(
    entries: Mapping[str, tuple[str, Sequence[str]]],
) -> tuple[dict[str, Any], dict[str, str]]:
    """Read entries stored by store() and the current tokens, in one round trip.

    `entries` maps a name to (cache key, the names of the tokens the entry depends on).
    Returns the values still valid by name (None where missing, or drawn under a token
    that has moved since) and the current tokens by name (drawn where the cache had
    none), to store fresh entries under."""
    names = sorted({token for _, tokens in entries.values() for token in tokens})
    found = cache.get_many([entry for entry, _ in entries.values()] + names)
    current = {name: found[name] for name in names if name in found}
    missing = [name for name in names if name not in current]
    if missing:
        current.update(zip(missing, revisions.current(*missing), strict=True))
    values: dict[str, Any] = {}
    for name, (entry, tokens) in entries.items():
        stored = found.get(entry)
        snapshot = [current[token] for token in tokens]
        values[name] = stored[1] if stored is not None and stored[0] == snapshot else None
    return values, current


def store(entry: str, tokens: Sequence[str], current: Mapping[str, str], value: Any) -> None:
    """Keep `value` under `entry`, valid while the tokens keep the values in `current`
    (those lookup() returned: read before the data the value was drawn from)."""
    cache.set(entry, ([current[token] for token in tokens], value), timeout=TIMEOUT)


def with_token(request, html: str) -> SafeString:
    if PLACEHOLDER in html:
        html = html.replace(PLACEHOLDER, get_token(request))
    return mark_safe(html)


def cached(
    request, kind: str, inputs: Any, tokens: Sequence[str], draw: Callable[[dict], str]
) -> SafeString:
    """The HTML draw(extra_context) returns for these inputs while `tokens` stay as they
    were, from the cache when an earlier request stored it. `draw` must pass
    `extra_context` into its template's context (it carries the CSRF placeholder)."""
    if not enabled():
        return mark_safe(draw({}))
    html = cached_value(kind, inputs, tokens, lambda: draw({"csrf_token": PLACEHOLDER}))
    return with_token(request, html)


def cached_value(kind: str, inputs: Any, tokens: Sequence[str], compute: Callable[[], Any]):
    """compute() for these inputs while `tokens` stay as they were, from the cache when an
    earlier request stored it (for data a response is rendered from, such as an API
    page)."""
    if not enabled():
        return compute()
    entry = key(kind, inputs)
    values, current = lookup({"value": (entry, tokens)})
    value = values["value"]
    if value is None:
        value = compute()
        store(entry, tokens, current, value)
    return value
