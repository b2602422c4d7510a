"""Log a refused request in one line.

Django logs a suspicious request (a Host header not in ALLOWED_HOSTS, a body or form over
its size limits, a forged session) at django.security with the whole traceback, 18 lines
or more for something that is the client's doing and already answered with a 400. This
filter keeps the message and drops the traceback of such records, and of any record of a
4xx answer; server errors keep theirs.
"""

from __future__ import annotations

import logging


class RefusalsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        refused = record.name.startswith("django.security") or (
            isinstance(status, int) and 400 <= status < 500
        )
        if refused and (record.exc_info or record.stack_info):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
            if record.name.startswith("django.security"):
                record.msg = f"Refused: {record.getMessage()}".replace("\n", " ")
                record.args = None
        return True
