"""The WSGI entry point (gunicorn -c python:mbc_site.gunicorn_config mbc_site.wsgi).

A misconfigured server stops here with a one-line message naming the variable."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mbc_site.settings")

from mbc_site.startup import wsgi_application  # noqa: E402

application = wsgi_application()
