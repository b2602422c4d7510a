"""The cohort revision: a token that every write to a case, its sites, its follow-up or
its treatments replaces, so that anything derived from the cohort can be cached under it
and is never served after the data it came from changed.

It lives in Django's cache (Redis when REDIS_URL is set, else the database cache), so
every application server reads the same token. The token is random, not a counter: when
the cache loses it (eviction, a flush), the next reader draws a new one and the old
entries are simply never read again. A write replaces it twice: at once (so that the
writer's own next read, in the same transaction, misses) and again after the commit (so
that a reader who computed from the data before the commit, under the first new token,
stored its result under a token nobody asks for any more).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.core.cache import cache
from django.db import transaction

KEY = "outcomes:cohort-revision"
# Derived entries outlive no revision by much; a day bounds what stale ones cost.
TIMEOUT = 24 * 3600


def cohort_revision() -> str:
    revision = cache.get(KEY)
    if revision is None:
        drawn = uuid.uuid4().hex
        # add, not set: two servers drawing at once agree on the first one stored.
        cache.add(KEY, drawn, timeout=None)
        revision = cache.get(KEY) or drawn
    return revision


def bump_cohort_revision() -> None:
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def cohort_changed(**_: Any) -> None:
    """Signal receiver: a case, site, follow-up or treatment was written or deleted."""
    bump_cohort_revision()
    transaction.on_commit(bump_cohort_revision, robust=True)


def derived_key(kind: str, *inputs: Any) -> str:
    """A cache key for a result derived from the cohort: its kind, the current revision
    and a digest of its inputs (plain data: str, numbers, lists, dicts)."""
    text = json.dumps(inputs, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"outcomes:{kind}:{cohort_revision()}:{digest}"


def peek(kind: str, inputs: tuple):
    """What cached() would return from the cache, or None when it would compute."""
    return cache.get(derived_key(kind, *inputs))


def cached(kind: str, inputs: tuple, compute):
    """compute() under the current revision and `inputs`, from the cache when it is there."""
    key = derived_key(kind, *inputs)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=TIMEOUT)
    return found


def cached_chunks(kind: str, inputs: tuple, produce: Callable[[], Iterator[str]]) -> Iterator[str]:
    """The chunks of produce(), streamed: from the cache, one chunk in memory at a time,
    when an earlier stream under the same revision and inputs stored them all; else
    produced and stored as they go. A chunk lost from the cache meanwhile is produced
    afresh from there on."""
    key = derived_key(kind, *inputs)
    count = cache.get(key)
    if count is None:
        return _store(key, produce)
    return _replay(key, count, produce)


def _store(key: str, produce) -> Iterator[str]:
    count = 0
    for count, chunk in enumerate(produce(), start=1):
        cache.set(f"{key}:{count - 1}", chunk, timeout=TIMEOUT)
        yield chunk
    cache.set(key, count, timeout=TIMEOUT)  # complete: the next stream replays it


def _replay(key: str, count: int, produce) -> Iterator[str]:
    for i in range(count):
        chunk = cache.get(f"{key}:{i}")
        if chunk is None:
            for j, fresh in enumerate(produce()):
                if j >= i:
                    yield fresh
            return
        yield chunk
