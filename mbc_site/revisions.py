"""Revision tokens: for each kind of data a page is drawn from, a token that every write to
that data replaces, so that what is derived from it can be cached under the token and is
never served after the data changed.

The tokens live in Django's cache (Redis when REDIS_URL is set, else the database cache),
so every application server reads the same ones. A token is random, not a counter: when
the cache loses it (eviction, a flush), the next reader draws a new one and the entries
stored under the old one are simply never read again. A write replaces its tokens twice:
at once (so that the writer's own next read, in the same transaction, misses) and again
after the commit (so that a reader who computed from the data before the commit, under
the first new token, stored its result under a token nobody asks for any more).

The names in use:
- COHORT: cases, their sites, follow-up and treatments (the outcomes statistics, the case
  list and the cases API);
- BOARD: meetings and their agendas (the meeting filter, "Add to meeting");
- PEOPLE: user accounts (the names shown beside changes and decisions);
- LIBRARY: the evidence library (besides its counter in the database, which each server's
  checked library follows);
- case_page(id): everything one case's page shows that its version does not cover.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

COHORT = "outcomes:cohort-revision"
BOARD = "board:revision"
PEOPLE = "accounts:revision"
LIBRARY = "evidence:library-revision"


def case_page(case_id: int) -> str:
    return f"recurrence:case-page-revision:{case_id}"


def current(*names: str) -> list[str]:
    """The current token of each name, in one cache round trip when they are all there."""
    found = cache.get_many(names)
    missing = [name for name in names if name not in found]
    for name in missing:
        # add, not set: two servers drawing at once agree on the first one stored.
        drawn = uuid.uuid4().hex
        cache.add(name, drawn, timeout=None)
        found[name] = cache.get(name) or drawn
    return [found[name] for name in names]


def bump(*names: str) -> None:
    cache.set_many({name: uuid.uuid4().hex for name in names}, timeout=None)


def changed(names: Iterable[str]) -> None:
    """The data under `names` was written: replace their tokens now and after the commit."""
    names = tuple(names)
    bump(*names)
    transaction.on_commit(lambda: bump(*names), robust=True)


_code: str | None = None


def code_revision() -> str:
    """A digest of the templates and the application's code, so that entries a previous
    release rendered into a shared cache are not served by the next one."""
    global _code
    if _code is None:
        digest = hashlib.sha256()
        root = Path(settings.BASE_DIR)
        folders = (
            "templates",
            "mbc_site",
            "recurrence",
            "evidence",
            "outcomes",
            "board",
            "interop",
        )
        for folder in folders:
            for path in sorted((root / folder).rglob("*")):
                if path.suffix in (".py", ".html", ".json", ".md") and path.is_file():
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        _code = digest.hexdigest()[:16]
    return _code


def digest(inputs: Any, length: int) -> str:
    """A digest of plain data (str, numbers, lists, dicts) and the code's revision, for a
    cache key that names no input (a search term stays out of the cache's keys)."""
    text = json.dumps(inputs, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{code_revision()}:{text}".encode()).hexdigest()[:length]


def track(model, names_of) -> None:
    """Replace the tokens `names_of(instance)` names whenever an instance of `model` is
    saved or deleted (bulk writes, which send no signal, call changed() themselves)."""
    from django.db.models.signals import post_delete, post_save

    def receiver(sender, instance, **kwargs):
        names = names_of(instance, **kwargs)
        if names:
            changed(names)

    uid = f"revisions-{model._meta.label}-{names_of.__name__}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
