"""The sample deployment files in deploy/ agree with the code they start."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.deploy.processes import ROOT

DEPLOY = ROOT / "deploy"
READ_BY_THE_CODE = "\n".join(
    (ROOT / path).read_text(encoding="utf-8")
    for path in ("mbc_site/settings.py", "mbc_site/gunicorn_config.py")
)


def test_the_unit_runs_the_documented_production_start():
    unit = (DEPLOY / "mbc-board.service").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "gunicorn -c python:mbc_site.gunicorn_config mbc_site.wsgi"
    assert re.search(r"^ExecStart=\S*/" + re.escape(command) + "$", unit, re.M)
    assert command in readme
    assert "manage.py migrate --noinput" in unit
    assert "manage.py collectstatic --noinput" in unit
    assert "RestartPreventExitStatus=3" in unit  # what a misconfigured start exits with


def test_every_variable_of_the_example_environment_is_read_by_the_code():
    example = (DEPLOY / "mbc-board.env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.M))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= names
    unknown = sorted(n for n in names if f'"{n}"' not in READ_BY_THE_CODE)
    assert unknown == []


def test_the_proxy_sets_the_header_the_example_environment_trusts():
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    example = (DEPLOY / "mbc-board.env.example").read_text(encoding="utf-8")
    assert "SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto" in example
    assert "proxy_set_header X-Forwarded-Proto https;" in nginx
    assert "return 301 https://" in nginx
    assert "location = /healthz" in nginx
    assert "location /static/" in nginx
    assert "$request_uri" not in nginx.split("log_format", 1)[1].split(";", 1)[0]


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl")), reason="nginx is not installed"
)
def test_nginx_accepts_the_sample_configuration(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=board.example.org", "-keyout", str(tmp_path / "key.pem")]
        + ["-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    site = site.replace(
        "/etc/ssl/certs/board.example.org.fullchain.pem", str(tmp_path / "cert.pem")
    )
    site = site.replace("/etc/ssl/private/board.example.org.key", str(tmp_path / "key.pem"))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log {tmp_path}/access.log; include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "main.conf")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
