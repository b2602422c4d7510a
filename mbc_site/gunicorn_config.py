"""gunicorn settings for production, read from the environment.

    gunicorn -c python:mbc_site.gunicorn_config mbc_site.wsgi

| variable | default |
|---|---|
| GUNICORN_BIND | 127.0.0.1:8000 (behind the reverse proxy on the same host) |
| WEB_CONCURRENCY | 2 x CPU cores + 1, at most 8 (each worker holds one database connection) |
| GUNICORN_TIMEOUT | 60 s for one request (the outcome statistics are the slowest page) |
| GUNICORN_ACCESS_LOG | - (standard output; a path writes to that file; empty turns it off) |

The application is loaded once in the master before the workers fork (``preload_app``):
a misconfigured server stops at once with the configuration's message instead of
restarting workers, and the workers share the loaded code's memory. A new release needs a
restart, not a reload (HUP).
"""

from __future__ import annotations

import os

from mbc_site.env import env_int

_cores = os.cpu_count() or 1

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = env_int("WEB_CONCURRENCY", min(2 * _cores + 1, 8), minimum=1)
worker_class = "sync"
timeout = env_int("GUNICORN_TIMEOUT", 60, minimum=5)
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so that a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
preload_app = True
# The proxy's X-Forwarded-* headers are trusted only from the local reverse proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off a possibly slow disk

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The request line without its query string (%(U)s is the path alone), and no referer:
# either could carry a patient identifier. The logger class strips any that a changed
# format brings back.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
logger_class = "mbc_site.access_log.QuerylessGunicornLogger"
proc_name = "mbc-board"
# No runtime control socket (~/.gunicorn/gunicorn.ctl): systemd manages the server, and
# two servers on one machine would share the socket.
control_socket_disable = True
