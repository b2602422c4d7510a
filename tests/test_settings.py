"""The settings module, started for real in a subprocess with a given environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mbc_site.env import env_bool, env_int, env_list, parse_database_url

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s" * 40


def start(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MBC_DEVELOPMENT", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": "sqlite:////tmp/mbc-settings-test.sqlite3", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    run = start({"ALLOWED_HOSTS": "board.example.org"}, "check")
    assert run.returncode != 0
    assert "SECRET_KEY" in run.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    run = start({"SECRET_KEY": SECRET}, "check")
    assert run.returncode != 0
    assert "ALLOWED_HOSTS" in run.stderr


def test_production_starts_with_both_and_debug_is_off():
    run = start(
        {"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "board.example.org"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("False")


def test_development_mode_needs_nothing_and_turns_debug_on():
    run = start(
        {"MBC_DEVELOPMENT": "1"},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("True")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MBC_DEVELOPMENT": "perhaps"}, "MBC_DEVELOPMENT"),
        ({"MBC_DEVELOPMENT": "1", "DEBUG": "sometimes"}, "DEBUG"),
        ({"MBC_DEVELOPMENT": "1", "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"MBC_DEVELOPMENT": "1", "SESSION_IDLE_SECONDS": "ten"}, "SESSION_IDLE_SECONDS"),
        ({"MBC_DEVELOPMENT": "1", "SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(env, named):
    run = start(env, "check")
    assert run.returncode != 0
    assert named in run.stderr


def test_the_recommend_command_needs_no_configuration():
    run = start({}, "recommend", "-")
    # Empty input is not JSON: refused with exit 2, but the settings loaded.
    assert run.returncode == 2
    assert "not valid JSON" in run.stderr


class TestReaders:
    def test_env_bool(self):
        assert env_bool("X", False, {"X": "yes"}) is True
        assert env_bool("X", True, {"X": "0"}) is False
        assert env_bool("X", True, {}) is True
        with pytest.raises(ImproperlyConfigured, match="X"):
            env_bool("X", True, {"X": "maybe"})

    def test_env_int_and_list(self):
        assert env_int("N", 3, {"N": "10"}) == 10
        with pytest.raises(ImproperlyConfigured, match="N must be at least 60"):
            env_int("N", 3, {"N": "5"}, minimum=60)
        assert env_list("H", [], {"H": "a.org, b.org"}) == ["a.org", "b.org"]
        with pytest.raises(ImproperlyConfigured, match="H"):
            env_list("H", [], {"H": "a.org,,b.org"})

    def test_database_urls(self, tmp_path):
        relative = parse_database_url("sqlite:///db.sqlite3", base_dir=tmp_path)
        assert relative["NAME"] == str(tmp_path / "db.sqlite3")
        assert parse_database_url("sqlite:////var/x.db", base_dir=tmp_path)["NAME"] == "/var/x.db"
        pg = parse_database_url("postgres://u:p%40ss@db.local:6543/board", base_dir=tmp_path)
        assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
            "django.db.backends.postgresql",
            "board",
            "u",
            "p@ss",
            "db.local",
            "6543",
        )
        for bad in ("postgres://host:99999/db", "postgres://host/", "sqlite://", "redis://x"):
            with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
                parse_database_url(bad, base_dir=tmp_path)
