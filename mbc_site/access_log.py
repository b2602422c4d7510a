"""Access logs without query strings.

A query string can carry a patient identifier (a search term, a ``next=`` address that
holds one), and access logs are kept, copied and read far more widely than the database.
Both servers' access loggers drop it: the development server's (``django.server``, through
``DropQueryStrings`` in LOGGING) and gunicorn's (``QuerylessGunicornLogger``, named by
mbc_site/gunicorn_config.py). The path stays, so the log still shows which page was asked
for.
"""

from __future__ import annotations

import logging
import re

# A "?" that follows a path, up to the next space or quote: the query string of a request
# line ("GET /cases/?q=H123 HTTP/1.1") or of an address (a Referer, a redirect).
_QUERY = re.compile(r"\?[^\s\"']*")


def without_query(text: str) -> str:
    return _QUERY.sub("", text)


class DropQueryStrings(logging.Filter):
    """Rewrites a record's message with every query string removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_query(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is a production dependency; the filter above needs none
    _GunicornLogger = None  # type: ignore[assignment,misc]

if _GunicornLogger is not None:

    class QuerylessGunicornLogger(_GunicornLogger):
        """gunicorn's logger with the query string removed from every access-log atom:
        the request line (%(r)s), the query (%(q)s), the referer (%(f)s) and headers."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key, value in list(atoms.items()):
                if key in ("q", "{query_string}e"):
                    atoms[key] = ""
                elif isinstance(value, str) and "?" in value:
                    atoms[key] = without_query(value)
            return atoms
