"""Access logs keep the path and drop the query string (it can hold a hospital number)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import subprocess
import sys
import time
import urllib.error
import urllib.request

from mbc_site.access_log import QuerylessGunicornLogger, without_query
from tests.deploy.processes import ROOT, environment, free_port

MRN = "H9081726"


def test_without_query():
    assert without_query(f'"GET /?q={MRN} HTTP/1.1" 200 12') == '"GET / HTTP/1.1" 200 12'
    assert without_query(f"/accounts/login/?next=/%3Fq%3D{MRN}") == "/accounts/login/"
    assert without_query('"GET /cases/7/ HTTP/1.1" 200') == '"GET /cases/7/ HTTP/1.1" 200'


def test_the_development_servers_logger_drops_query_strings(caplog):
    server_log = logging.getLogger("django.server")
    with caplog.at_level(logging.INFO, logger="django.server"):
        # As django.core.servers.basehttp.WSGIRequestHandler.log_message logs a request.
        server_log.addHandler(caplog.handler)
        try:
            server_log.info('"%s" %s %s', f"GET /cases/?q={MRN}&page=2 HTTP/1.1", "200", "5120")
        finally:
            server_log.removeHandler(caplog.handler)
    assert caplog.messages == ['"GET /cases/ HTTP/1.1" 200 5120']


def test_a_real_development_server_logs_no_query_string(tmp_path):
    port = free_port()
    env = environment({"MBC_DEVELOPMENT": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"})
    with (tmp_path / "server.log").open("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?q={MRN}", timeout=5)
                    break
                except (urllib.error.URLError, ConnectionError):
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.3)
            # Anonymous: redirected to the sign-in page, with next= holding the search.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/?q={MRN}", timeout=10)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)
        log.seek(0)
        text = log.read()
    assert '"GET /healthz HTTP/1.1" 200' in text, text
    assert MRN not in text, text


class _Response:
    status = "200 OK"
    sent = 512
    headers = [("Content-Type", "text/html"), ("Location", f"/accounts/login/?next=/%3Fq%3D{MRN}")]


class _Request:
    headers = [("HOST", "board.example.org"), ("REFERER", f"https://board.example.org/?q={MRN}")]


def test_gunicorns_logger_drops_query_strings_from_every_atom():
    from gunicorn.config import Config

    logger = QuerylessGunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/?q={MRN}",
        "PATH_INFO": "/",
        "QUERY_STRING": f"q={MRN}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://board.example.org/?q={MRN}",
        "HTTP_USER_AGENT": "test",
    }
    atoms = logger.atoms(_Response(), _Request(), environ, dt.timedelta(milliseconds=3))
    assert atoms["r"] == "GET / HTTP/1.1"
    assert atoms["U"] == "/"
    assert atoms["f"] == "https://board.example.org/"
    leaking = {k: v for k, v in atoms.items() if MRN in str(v)}
    assert leaking == {}
