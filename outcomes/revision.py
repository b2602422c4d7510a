"""The cohort revision: the token (mbc_site.revisions) that every write to a case, its
sites, its follow-up or its treatments replaces, so that anything derived from the cohort
can be cached under it and is never served after the data it came from changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.core.cache import cache

from mbc_site import revisions

KEY = revisions.COHORT
# Derived entries outlive no revision by much; a day bounds what stale ones cost.
TIMEOUT = 24 * 3600


def cohort_revision() -> str:
    return revisions.current(KEY)[0]


def bump_cohort_revision() -> None:
    revisions.bump(KEY)


def cohort_changed(**_: Any) -> None:
    """Signal receiver: a case, site, follow-up or treatment was written or deleted."""
    revisions.changed([KEY])


def derived_key(kind: str, *inputs: Any, revision: str | None = None) -> str:
    """A cache key for a result derived from the cohort: its kind, the current revision
    (or `revision`, when the caller has just read it) and a digest of its inputs (plain
    data: str, numbers, lists, dicts)."""
    # The code's revision is in the digest: a release that draws or computes differently
    # reads none of what the previous one left in a shared cache.
    return f"outcomes:{kind}:{revision or cohort_revision()}:{revisions.digest(inputs, 32)}"


def peek(kind: str, inputs: tuple, *, revision: str | None = None):
    """What cached() would return from the cache, or None when it would compute."""
    return cache.get(derived_key(kind, *inputs, revision=revision))


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
