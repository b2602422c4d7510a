"""Scale-out: two application servers (gunicorn, real HTTP) on one PostgreSQL database
with REDIS_URL set share the cache and give the same answers; a follow-up written through
one changes the next answer of the other.

Needs a PostgreSQL server (MBC_TEST_POSTGRES_URL, default DATABASE_URL when it is
PostgreSQL, else the local server) and a Redis server (MBC_TEST_REDIS_URL, default the
local one, database 0). Skipped without them; fails instead under MBC_REQUIRE_POSTGRES=1 or
MBC_REQUIRE_REDIS=1 (CI).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from tests.deploy.processes import ROOT, SECRET, environment, free_port, gunicorn_command, manage

PASSWORD = "scale-out-password-9"
REDIS_URL = os.environ.get("MBC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def postgres_url() -> str:
    url = os.environ.get("MBC_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/mbc"
    parts = urlsplit(url)
    return parts._replace(path="/" + parts.path.lstrip("/") + "_scale_out").geturl()


def _require(name: str, message: str) -> None:
    if os.environ.get(name) == "1":
        pytest.fail(f"{name}=1 but {message}")
    pytest.skip(message)


def _admin(url: str, statement: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        connect_timeout=3,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def _get(port: int, path: str, token: str, method: str = "GET", body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    import psycopg2
    import redis

    database = postgres_url()
    try:
        name = urlsplit(database).path.lstrip("/")
        _admin(database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(database, f'CREATE DATABASE "{name}"')
    except psycopg2.Error as error:
        _require("MBC_REQUIRE_POSTGRES", f"no PostgreSQL server answers at {database}: {error}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        _require("MBC_REQUIRE_REDIS", f"no Redis server answers at {REDIS_URL}")
    env = {
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "WEB_CONCURRENCY": "1",
    }
    migrated = manage(env, "migrate", "--noinput", "-v", "0", timeout=600)
    assert migrated.returncode == 0, migrated.stderr
    collected = manage(env, "collectstatic", "--noinput", "-v", "0", timeout=300)
    assert collected.returncode == 0, collected.stderr
    seed = (
        "from django.contrib.auth.models import Group, User; from mbc_site import tokens; "
        "from outcomes.demo import seed_cohort; from recurrence import roles; "
        f"u = User.objects.create_user('cora', password={PASSWORD!r}); "
        "u.groups.add(Group.objects.get(name=roles.COORDINATOR)); "
        "seed_cohort(u, size=400, seed=5); print(tokens.issue(u))"
    )
    seeded = manage(env, "shell", "-v", "0", "-c", seed, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    token = seeded.stdout.strip().splitlines()[-1]
    work = tmp_path_factory.mktemp("servers")
    processes, ports = [], []
    try:
        for i in range(2):
            port = free_port()
            log = (work / f"server-{i}.log").open("w")
            processes.append(
                subprocess.Popen(
                    gunicorn_command(),
                    cwd=ROOT,
                    env=environment({**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
            ports.append(port)
        for port, process in zip(ports, processes, strict=True):
            deadline = time.monotonic() + 120
            while True:
                try:
                    if _get(port, "/healthz", token)[0] == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    logs = "\n".join(p.read_text() for p in work.glob("*.log"))
                    pytest.fail("an application server did not start:\n" + logs)
                time.sleep(0.5)
        yield {"ports": ports, "token": token, "env": env}
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


SUMMARY = "/api/v1/outcomes/summary/?group_by=subtype"


def test_two_servers_share_the_cache_and_agree(servers):
    import redis

    one, two = servers["ports"]
    token = servers["token"]
    status, first = _get(one, SUMMARY, token)
    assert status == 200, first
    # The second server finds the figures the first stored, under the same revision.
    keys = redis.Redis.from_url(REDIS_URL).keys("mbc:*outcomes:analysis:*")
    assert keys
    status, second = _get(two, SUMMARY, token)
    assert status == 200 and json.loads(second) == json.loads(first)
    assert json.loads(first)["n"] == 400


def test_a_follow_up_written_through_one_changes_the_other(servers):
    one, two = servers["ports"]
    token = servers["token"]
    before = json.loads(_get(two, SUMMARY, token)[1])
    listed = json.loads(_get(two, "/api/v1/cases/?q=SCALE-OUT", token)[1])  # now cached
    assert listed["count"] == 0
    # A new patient, and her follow-up, through the first server.
    from tests.conftest import BASE_CASE

    status, created = _get(
        one, "/api/v1/cases/", token, "POST", {**BASE_CASE, "case_number": "SCALE-OUT-1"}
    )
    assert status == 201, created
    case = json.loads(created)
    status, saved = _get(
        one,
        f"/api/v1/cases/{case['id']}/follow-up/",
        token,
        "PUT",
        {
            "version": case["version"],
            "last_contact_date": "2025-02-01",
            "vital_status": "dead",
            "death_date": "2025-02-01",
        },
    )
    assert status == 200, saved
    after_two = json.loads(_get(two, SUMMARY, token)[1])
    after_one = json.loads(_get(one, SUMMARY, token)[1])
    assert after_two["n"] == before["n"] + 1
    assert after_one == after_two
    # The cached case list of the second server moved with the write through the first.
    listed = json.loads(_get(two, "/api/v1/cases/?q=SCALE-OUT", token)[1])
    assert [c["id"] for c in listed["results"]] == [case["id"]]
    assert listed == json.loads(_get(one, "/api/v1/cases/?q=SCALE-OUT", token)[1])
