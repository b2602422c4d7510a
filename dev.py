#!/usr/bin/env python3
"""Quick start for a machine with only Python 3.11+.

    python3 dev.py serve   install, migrate, load demo data, run on http://127.0.0.1:8000/
                           (`serve 127.0.0.1:8080` for another address)
    python3 dev.py serve --production
                           install, migrate, collect static files and run gunicorn with
                           production settings (SECRET_KEY and ALLOWED_HOSTS from the
                           environment; no demo data); see mbc_site/gunicorn_config.py
    python3 dev.py test    install and run the whole test suite (extra args go to pytest)
    python3 dev.py lint    install and run ruff (lint, format check) and mypy on the pure modules

Installs into .venv beside this file (or $MBC_VENV) and reinstalls only when
pyproject.toml changes. Uses nothing but the standard library, so it runs before
anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("MBC_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".install-stamp"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def install() -> None:
    if sys.version_info < (3, 11):
        sys.exit("MBC Board needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("Installing MBC Board and its pinned dependencies ...", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[dev]")
    STAMP.write_text(wanted)


def serve(extra: list[str]) -> None:
    if "--production" in extra:
        serve_production([a for a in extra if a != "--production"])
        return
    address = "127.0.0.1:8000"
    if extra and not extra[0].startswith("-"):
        address = extra.pop(0)  # another address, e.g. `dev.py serve 127.0.0.1:8080`
    env = {**os.environ, "MBC_DEVELOPMENT": "1"}
    run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
    run(PYTHON, "manage.py", "seed_demo", "--if-empty", env=env)
    print(f"\nMBC Board runs at http://{address}/ (Ctrl+C stops it).\n", flush=True)
    run(PYTHON, "manage.py", "runserver", address, *extra, env=env)


def serve_production(extra: list[str]) -> None:
    """migrate, collectstatic, then gunicorn in this process's place (signals reach it)."""
    if os.environ.get("MBC_DEVELOPMENT", "").strip().lower() in ("1", "true", "yes", "on"):
        sys.exit("serve --production runs with production settings: unset MBC_DEVELOPMENT.")
    run(PYTHON, "manage.py", "migrate", "--noinput")
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
    gunicorn = BIN / "gunicorn"
    args = [str(gunicorn), "-c", "python:mbc_site.gunicorn_config", *extra, "mbc_site.wsgi"]
    os.chdir(ROOT)
    os.execv(str(gunicorn), args)


def test(extra: list[str]) -> None:
    run(PYTHON, "-m", "pytest", *extra)


def lint(extra: list[str]) -> None:
    run(BIN / "ruff", "check", ".", *extra)
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")


def main(argv: list[str]) -> None:
    commands = {"serve": serve, "test": test, "lint": lint}
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    install()
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
