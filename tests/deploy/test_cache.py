"""The cache is shared by every process: Redis with REDIS_URL, else the database's table.

Each test writes in one process and reads in another, as two application servers would.
The Redis test needs a Redis server (MBC_TEST_REDIS_URL, default the local one, database
0); it is skipped without one, and fails instead under MBC_REQUIRE_REDIS=1 (CI).
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.deploy.processes import manage

REDIS_URL = os.environ.get("MBC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

WRITE = (
    "from django.core.cache import caches; c = caches['default']; "
    "print(type(c).__module__ + '.' + type(c).__name__); c.set({key!r}, 'seen', 60)"
)
READ = "from django.core.cache import caches; print(caches['default'].get({key!r}))"


def backend_and_shared_value(env: dict[str, str]) -> tuple[str, str]:
    key = "test-" + uuid.uuid4().hex
    written = manage(env, "shell", "-v", "0", "-c", WRITE.format(key=key))
    assert written.returncode == 0, written.stderr
    read = manage(env, "shell", "-v", "0", "-c", READ.format(key=key))
    assert read.returncode == 0, read.stderr
    return written.stdout.strip().splitlines()[-1], read.stdout.strip().splitlines()[-1]


def test_without_redis_the_cache_is_the_databases_table_made_by_migrate(tmp_path):
    env = {"MBC_DEVELOPMENT": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    migrated = manage(env, "migrate", "--noinput", "-v", "0", timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    assert backend_and_shared_value(env) == (
        "django.core.cache.backends.db.DatabaseCache",
        "seen",
    )


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def require_redis() -> None:
    """Skip the calling test without a Redis server; fail it instead under MBC_REQUIRE_REDIS=1."""
    if not redis_available():
        message = f"no Redis server answers at {REDIS_URL} (set MBC_TEST_REDIS_URL)"
        if os.environ.get("MBC_REQUIRE_REDIS") == "1":
            pytest.fail(f"MBC_REQUIRE_REDIS=1 but {message}")
        pytest.skip(message)


def test_with_redis_url_the_cache_is_redis(tmp_path):
    require_redis()
    env = {
        "MBC_DEVELOPMENT": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/no-tables.sqlite3",  # not used by the cache
        "REDIS_URL": REDIS_URL,
    }
    assert backend_and_shared_value(env) == (
        "django.core.cache.backends.redis.RedisCache",
        "seen",
    )


def test_no_cache_is_kept_in_process_memory():
    from django.conf import settings

    backends = {alias: c["BACKEND"] for alias, c in settings.CACHES.items()}
    assert all("locmem" not in b and "dummy" not in b for b in backends.values()), backends
    # Sessions live in the database, not in a process's memory either.
    assert settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )
