"""Production defaults and start-up refusals, through the real entry points in subprocesses."""

from __future__ import annotations

import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from mbc_site.env import env_proxy_ssl_header
from tests.deploy.processes import SECRET, free_port, gunicorn_command, manage, run

PRODUCTION = {"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "board.example.org"}


def assert_short_refusal(done, variable: str) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0, (done.stdout, done.stderr)
    assert variable in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert 1 <= len(lines) <= 4, done.stderr


class TestAMissingSecretKey:
    @pytest.mark.parametrize(
        "args",
        [
            ["check"],
            ["check", "--deploy"],
            ["migrate", "--noinput"],
            ["runserver", "--noreload", "127.0.0.1:0"],
            ["runserver", "127.0.0.1:0"],  # with the autoreloader
        ],
        ids=" ".join,
    )
    def test_a_server_command_stops_in_a_few_lines_naming_it(self, args):
        assert_short_refusal(manage({"ALLOWED_HOSTS": "board.example.org"}, *args), "SECRET_KEY")

    def test_the_wsgi_entry_point_stops_in_a_few_lines_naming_it(self):
        done = run(
            [sys.executable, "-c", "import mbc_site.wsgi"], {"ALLOWED_HOSTS": "board.example.org"}
        )
        assert_short_refusal(done, "SECRET_KEY")

    def test_gunicorn_stops_in_a_few_lines_naming_it(self):
        done = run(
            gunicorn_command(),
            {"ALLOWED_HOSTS": "board.example.org", "GUNICORN_BIND": f"127.0.0.1:{free_port()}"},
            timeout=60,
        )
        assert_short_refusal(done, "SECRET_KEY")

    def test_a_short_key_stops_in_one_line_naming_it(self):
        done = manage({"SECRET_KEY": "short", "ALLOWED_HOSTS": "x.org"}, "migrate")
        assert_short_refusal(done, "SECRET_KEY")
        assert len(done.stderr.strip().splitlines()) == 1

    def test_missing_hosts_are_named_too(self):
        assert_short_refusal(manage({"SECRET_KEY": SECRET}, "check"), "ALLOWED_HOSTS")


def test_the_wsgi_entry_point_refuses_uncollected_static_files(tmp_path):
    done = run(
        [sys.executable, "-c", "import mbc_site.wsgi"],
        {**PRODUCTION, "STATIC_ROOT": str(tmp_path / "empty")},
    )
    assert_short_refusal(done, "collectstatic")


class TestCheckDeploy:
    def test_only_a_key_and_hosts_give_no_issues(self):
        done = manage(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "System check identified no issues" in done.stdout
        assert "WARNINGS" not in done.stdout + done.stderr

    @pytest.mark.parametrize(
        ("variable", "value", "warning"),
        [
            ("SECURE_SSL_REDIRECT", "0", "security.W008"),
            ("SECURE_HSTS_SECONDS", "0", "security.W004"),
            ("SECURE_COOKIES", "0", "security.W012"),
        ],
    )
    def test_a_variable_turns_each_default_off(self, variable, value, warning):
        done = manage({**PRODUCTION, variable: value}, "check", "--deploy")
        assert warning in done.stdout + done.stderr


def settings_of(env: dict[str, str], *names: str) -> list[str]:
    code = "from django.conf import settings as s; " + "; ".join(
        f"print(repr({name}))" for name in names
    )
    done = manage(env, "shell", "-v", "0", "-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-len(names) :]


class TestSettingsFromTheEnvironment:
    HTTPS = (
        "s.SECURE_SSL_REDIRECT",
        "s.SECURE_HSTS_SECONDS",
        "s.SECURE_PROXY_SSL_HEADER",
        "s.SECURE_REDIRECT_EXEMPT",
    )

    def test_production_redirects_to_https_with_hsts_except_healthz(self):
        assert settings_of(PRODUCTION, *self.HTTPS) == ["True", "31536000", "None", "['^healthz$']"]

    def test_development_does_neither(self):
        assert settings_of({"MBC_DEVELOPMENT": "1"}, *self.HTTPS)[:3] == ["False", "0", "None"]

    def test_the_proxy_header_is_trusted_only_when_named(self):
        named = {**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
        assert settings_of(named, "s.SECURE_PROXY_SSL_HEADER") == [
            "('HTTP_X_FORWARDED_PROTO', 'https')"
        ]

    def test_postgres_connections_live_a_minute_with_health_checks(self):
        pg = {"DATABASE_URL": "postgres://u@db.local:5432/board"}
        names = (
            's.DATABASES["default"]["CONN_MAX_AGE"]',
            's.DATABASES["default"]["CONN_HEALTH_CHECKS"]',
        )
        assert settings_of({**PRODUCTION, **pg}, *names) == ["60", "True"]
        assert settings_of({**PRODUCTION, **pg, "DB_CONN_MAX_AGE": "300"}, *names) == [
            "300",
            "True",
        ]
        # The development server starts a thread per request: it keeps no connection.
        assert settings_of({"MBC_DEVELOPMENT": "1", **pg}, *names) == ["0", "True"]

    def test_static_files_are_hashed_and_compressed_outside_development(self):
        name = 's.STORAGES["staticfiles"]["BACKEND"]'
        assert settings_of(PRODUCTION, name) == [
            "'whitenoise.storage.CompressedManifestStaticFilesStorage'"
        ]


def test_the_proxy_header_reader():
    assert env_proxy_ssl_header("H", {}) is None
    assert env_proxy_ssl_header("H", {"H": " X-Forwarded-Proto "}) == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )
    with pytest.raises(ImproperlyConfigured, match="H must be the name of the header"):
        env_proxy_ssl_header("H", {"H": "X-Forwarded-Proto: https"})
