"""Start the project's entry points for real, in a subprocess with a given environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# A secret key as check --deploy wants one: 50 characters, many different ones.
SECRET = "k3Y-9fQ2vLx7RtZp4WmN8sHc1JdG6bYe0UaKoVi5TrEnXlSqMw"

# What the machine's environment could bring that changes the configuration under test.
CONFIG_VARIABLES = (
    "MBC_DEVELOPMENT",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "STATIC_ROOT",
    "DB_CONN_MAX_AGE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_COOKIES",
    "GUNICORN_BIND",
    "GUNICORN_ACCESS_LOG",
    "WEB_CONCURRENCY",
    # Set by the browser tests for Playwright's event loop; check --deploy refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    # Set by CI for this run's own audits.
    "MBC_SHARED_DIR",
    "MBC_REQUIRE_SHARED",
)


def environment(env: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    return {**clean, "DATABASE_URL": "sqlite:////tmp/mbc-deploy-test.sqlite3", **env}


def run(command: list[str], env: dict[str, str], timeout: float = 90):
    return subprocess.run(
        command,
        cwd=ROOT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def manage(env: dict[str, str], *args: str, timeout: float = 90):
    return run([sys.executable, "manage.py", *args], env, timeout)


def gunicorn_command(*extra: str) -> list[str]:
    return [str(BIN / "gunicorn"), "-c", "python:mbc_site.gunicorn_config", *extra, "mbc_site.wsgi"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
