"""python manage.py recommend FILE: the contract's result for one case or a list (section 5)."""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from recurrence.guideline import CaseRefused, evaluate


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date written YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Read one case or a JSON list of cases from FILE ('-' for standard input) and print "
        "the guideline result as JSON. Exit status 2 when any case is refused."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="JSON file with a case or a list of cases; '-' reads stdin"
        )
        parser.add_argument("--today", type=_date, default=None, help="date used for future_date")
        parser.add_argument(
            "--evidence", action="store_true", help="add the matching published evidence"
        )

    def handle(self, *args, **options):
        today = options["today"] or dt.date.today()
        text = self._read(options["file"])
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._refuse_input(f"The input is not valid JSON: {exc}.")
        attach = _evidence_attacher() if options["evidence"] else None

        def one(case):
            try:
                result = evaluate(case, today=today)
            except CaseRefused as refused:
                return refused.as_dict(), True
            if attach is not None:
                attach(case, result, today)
            return result, False

        if isinstance(data, list):
            results = [one(case) for case in data]
            self.stdout.write(json.dumps([r for r, _ in results], indent=2))
            if any(refused for _, refused in results):
                sys.exit(2)
            return
        result, refused = one(data)
        if refused:
            self.stderr.write(json.dumps(result, indent=2))
            sys.exit(2)
        self.stdout.write(json.dumps(result, indent=2))

    def _read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        try:
            with open(name, encoding="utf-8") as handle:
                return handle.read()
        except OSError as exc:
            self._refuse_input(f"Cannot read {name}: {exc.strerror}.")
        except UnicodeDecodeError:
            self._refuse_input(f"{name} is not UTF-8 text.")

    def _refuse_input(self, message: str):
        self.stderr.write(
            json.dumps({"errors": [{"field": None, "code": "invalid_input", "message": message}]})
        )
        sys.exit(2)


def _evidence_attacher():
    """Evidence matching joins the result when the evidence library is installed."""
    from evidence.matching_service import attach_evidence

    return attach_evidence
