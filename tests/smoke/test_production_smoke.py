"""Production smoke test: the documented production start, for real, over real HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME python -m pytest -m smoke tests/smoke

Starts `python3 dev.py serve --production` (migrate, collectstatic, gunicorn) on a scratch
PostgreSQL database (NAME_smoke, made and dropped here) with production settings: DEBUG off,
only SECRET_KEY and ALLOWED_HOSTS set besides the database, the HTTPS redirect, HSTS and
secure cookies on as they are by default. Plain HTTP on localhost stands in for the
reverse proxy: SECURE_PROXY_SSL_HEADER names X-Forwarded-Proto and every request sends
`X-Forwarded-Proto: https`, as nginx does (deploy/nginx.conf); a request without it is
redirected to https://, except /healthz. With a Redis server answering at
MBC_TEST_REDIS_URL the cache is Redis, else the database's table.

Excluded from the default run (tests/conftest.py); `.ci/run` runs it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from recurrence.guideline import RULESET
from tests.conftest import BASE_CASE
from tests.deploy.processes import ROOT, SECRET, environment, free_port, manage

pytestmark = pytest.mark.smoke

PASSWORD = "smoke-test-password-8"
MRN = BASE_CASE["hospital_number"]
WORKERS = 2


def scratch_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        pytest.fail("the smoke test needs DATABASE_URL=postgres://... (a PostgreSQL server)")
    name = parts.path.lstrip("/") + "_smoke"
    return parts._replace(path="/" + name).geturl()


def admin_sql(url: str, statement: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def connections_to(url: str) -> list[tuple[str, str]]:
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT state, application_name FROM pg_stat_activity WHERE datname = %s",
                [parts.path.lstrip("/")],
            )
            return cursor.fetchall()
    finally:
        connection.close()


def redis_url() -> str | None:
    import redis

    url = os.environ.get("MBC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        return url if redis.Redis.from_url(url, socket_timeout=2).ping() else None
    except redis.RedisError:
        return None


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """Plain HTTP to the server as the reverse proxy forwards it, keeping cookies itself
    (the standard library's cookie jar would not send secure cookies over plain HTTP)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_lines: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def request(self, method, path, *, body=None, headers=None, proxied=True) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if proxied:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for line in answer.headers.get_all("Set-Cookie") or []:
            self.set_cookie_lines.append(line)
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer

    def get(self, path, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The production start of the README, on a scratch database with one coordinator
    and one case; yields (port, environment, access log path)."""
    database = scratch_database_url()
    name = urlsplit(database).path.lstrip("/")
    admin_sql(database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(database, f'CREATE DATABASE "{name}"')
    work = tmp_path_factory.mktemp("smoke")
    port = free_port()
    env = {
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database,
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "STATIC_ROOT": str(work / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(work / "access.log"),
        "WEB_CONCURRENCY": str(WORKERS),
        "MBC_VENV": str(Path(sys.executable).parent.parent),
    }
    redis = redis_url()
    if redis:
        env["REDIS_URL"] = redis
    migrated = manage(env, "migrate", "--noinput", "-v", "0", timeout=600)
    assert migrated.returncode == 0, migrated.stderr
    seed = (
        "import json; from django.contrib.auth.models import Group, User; "
        "from recurrence import roles; from recurrence.services import case_create; "
        f"u = User.objects.create_user('cora', password={PASSWORD!r}); "
        "u.groups.add(Group.objects.get(name=roles.COORDINATOR)); "
        f"print(case_create(data=json.loads({json.dumps(BASE_CASE)!r}), user=u).pk)"
    )
    seeded = manage(env, "shell", "-v", "0", "-c", seed)
    assert seeded.returncode == 0, seeded.stderr
    case_pk = int(seeded.stdout.strip().splitlines()[-1])

    log = (work / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "dev.py", "serve", "--production"],
        cwd=ROOT,
        env=environment(env),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if Browser(port).get("/healthz", proxied=False).status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    "the production server did not start:\n" + (work / "server.log").read_text()
                )
            time.sleep(0.5)
        yield {"port": port, "env": env, "case": case_pk, "work": work, "redis": bool(redis)}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
        admin_sql(database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def signed_in(server):
    browser = Browser(server["port"])
    form = browser.get("/accounts/login/")
    assert form.status == 200, form.text[:300]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = browser.request(
        "POST",
        "/accounts/login/",
        body=urlencode({"username": "cora", "password": PASSWORD, "csrfmiddlewaretoken": token}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": browser.origin,
            "Referer": browser.origin + "/accounts/login/",
        },
    )
    assert answer.status == 302, answer.text[:500]
    assert answer.header("Location") == "/"
    assert "sessionid" in browser.cookies
    return browser


def test_healthz_answers_over_plain_http_without_a_redirect(server):
    answer = Browser(server["port"]).get("/healthz", proxied=False)
    assert answer.status == 200
    assert json.loads(answer.body) == {
        "status": "ok",
        "ruleset": RULESET,
        "database": True,
    }


def test_plain_http_is_redirected_to_https(server):
    answer = Browser(server["port"]).get("/accounts/login/", proxied=False)
    assert answer.status == 301
    assert answer.header("Location") == f"https://127.0.0.1:{server['port']}/accounts/login/"


def test_sign_in_sets_secure_cookies_only(signed_in):
    lines = {line.split("=", 1)[0]: line.lower() for line in signed_in.set_cookie_lines}
    assert set(lines) >= {"csrftoken", "sessionid"}
    assert all("; secure" in line for line in lines.values()), lines
    assert "httponly" in lines["sessionid"]


def test_a_wrong_password_is_refused(server):
    browser = Browser(server["port"])
    form = browser.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = browser.request(
        "POST",
        "/accounts/login/",
        body=urlencode({"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": browser.origin},
    )
    assert answer.status == 200
    assert "sessionid" not in browser.cookies


def test_the_case_list_and_case_page(server, signed_in):
    listing = signed_in.get("/")
    assert listing.status == 200
    assert BASE_CASE["case_number"] in listing.text
    page = signed_in.get(f"/cases/{server['case']}/")
    assert page.status == 200
    assert f"Case {BASE_CASE['case_number']}" in page.text
    assert "Treatment of Breast Carcinoma Recurrence" in page.text  # the recommendation's source


def test_security_headers(server, signed_in):
    page = signed_in.get(f"/cases/{server['case']}/")
    assert "script-src 'self'" in page.header("Content-Security-Policy")
    assert (
        page.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    )
    assert "no-store" in page.header("Cache-Control")
    assert page.header("X-Content-Type-Options") == "nosniff"
    assert page.header("X-Frame-Options") == "DENY"
    assert page.header("Referrer-Policy") == "same-origin"
    api = signed_in.get(f"/api/v1/cases/{server['case']}/", headers={"Accept": "application/json"})
    assert api.status == 200
    assert "no-store" in api.header("Cache-Control")
    assert "script-src 'self'" in api.header("Content-Security-Policy")


def test_debug_is_off_an_unknown_page_is_the_sites_own_404(signed_in):
    answer = signed_in.get("/no-such-page/")
    assert answer.status == 404
    assert "URLconf" not in answer.text  # Django's debug page lists the URL patterns
    assert "MBC Board" in answer.text
    assert "no-store" in answer.header("Cache-Control")


def test_static_files_are_served_hashed_compressed_and_cached(signed_in):
    page = signed_in.get("/")
    stylesheet = re.search(r'href="(/static/css/mbc\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page links no hashed stylesheet"
    answer = signed_in.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.header("Content-Type").startswith("text/css")
    assert answer.header("Content-Encoding") == "gzip"
    assert "immutable" in answer.header("Cache-Control")
    assert "no-store" not in answer.header("Cache-Control")
    assert "script-src 'self'" in answer.header("Content-Security-Policy")


def test_the_api_docs_work_without_inline_script(signed_in):
    page = signed_in.get("/api/v1/docs/")
    assert page.status == 200
    for src in re.findall(r'<script[^>]*src="([^"]+)"', page.text):
        script = signed_in.get(src.replace("&amp;", "&"))
        assert script.status == 200, src
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)


def test_access_log_has_paths_but_no_query_strings(server, signed_in):
    signed_in.get(f"/?q={MRN}")
    signed_in.get(f"/healthz?q={MRN}")
    time.sleep(1)
    log = (server["work"] / "access.log").read_text()
    assert '"GET /healthz HTTP/1.1" 200' in log
    assert MRN not in log


def test_database_connections_stay_one_per_worker(server, signed_in):
    for _ in range(130):
        assert signed_in.get("/healthz").status == 200
    for _ in range(10):
        assert signed_in.get(f"/cases/{server['case']}/").status == 200
    open_connections = connections_to(server["env"]["DATABASE_URL"])
    assert len(open_connections) <= WORKERS, open_connections


def test_the_cache_is_the_shared_one(server):
    key = "smoke-" + uuid.uuid4().hex
    code = (
        "from django.core.cache import caches; c = caches['default']; "
        f"c.set({key!r}, 'ok', 60); print(type(c).__name__, c.get({key!r}))"
    )
    done = manage(server["env"], "shell", "-v", "0", "-c", code)
    assert done.returncode == 0, done.stderr
    backend = "RedisCache" if server["redis"] else "DatabaseCache"
    assert done.stdout.split() == [backend, "ok"]


def test_check_deploy_reports_no_issues(server):
    env = {k: v for k, v in server["env"].items() if k != "SECURE_PROXY_SSL_HEADER"}
    for settings in (env, server["env"]):
        done = manage(settings, "check", "--deploy", "--fail-level", "WARNING")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "System check identified no issues (0 silenced)." in done.stdout
