"""python manage.py survival_report: Kaplan-Meier and log-rank of a CSV file, as JSON.

Prints {"groups": {NAME: {"n", "events", "median", "median_ci", "at"}}, "logrank_p": P}
on standard output, through the same evidence.survival code as the outcome pages. Times
are months. Groups too small to estimate are reported on standard error, and their
figures are null. A missing column or a bad value: a message naming it, exit status 2.
"""

from __future__ import annotations

import json
import sys

import pandas as pd
from django.core.management.base import BaseCommand

from evidence.survival import InvalidSurvivalData, analyse


class Command(BaseCommand):
    help = (
        "Kaplan-Meier (median and survival at chosen times, with 95% CI) per group and the "
        "log-rank p value, from a CSV file with one row per patient. Prints JSON."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, metavar="FILE", help="CSV with a header row")
        parser.add_argument("--time", required=True, metavar="COL", help="follow-up in months")
        parser.add_argument("--event", required=True, metavar="COL", help="1 event, 0 censored")
        parser.add_argument("--group", metavar="COL", help="compare the groups in this column")
        parser.add_argument(
            "--at", default="", metavar="T1,T2,...", help="months at which to report survival"
        )

    def handle(self, *args, **options):
        at = self._times(options["at"])
        frame = self._read(options["csv"])
        try:
            analysis = analyse(frame, options["time"], options["event"], options["group"], at)
        except InvalidSurvivalData as exc:
            self._refuse(str(exc))
        for message in analysis.messages():
            self.stderr.write(message)
        self.stdout.write(json.dumps(analysis.report(), indent=2))

    def _times(self, text: str) -> list[float]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        try:
            return [float(item) for item in items]
        except ValueError:
            self._refuse(f"--at must be months separated by commas (12,24,36), not {text!r}.")

    def _read(self, name: str) -> pd.DataFrame:
        try:
            return pd.read_csv(name)
        except FileNotFoundError:
            self._refuse(f"Cannot read {name}: no such file.")
        except (
            OSError,
            UnicodeDecodeError,
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
        ) as exc:
            self._refuse(f"Cannot read {name} as CSV: {exc}")

    def _refuse(self, message: str):
        self.stderr.write(message)
        sys.exit(2)
