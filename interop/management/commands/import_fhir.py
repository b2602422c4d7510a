"""python manage.py import_fhir FILE [--save --case-number N]: a FHIR Bundle to a draft case."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from interop import services
from interop.fhir_import import BundleRefused
from recurrence.guideline import CaseRefused


class Command(BaseCommand):
    help = (
        "Map a FHIR R4 Bundle (mCODE) in FILE ('-' for standard input) to a draft case and "
        'print {"case", "report"} as JSON. Saves nothing unless --save is given. Exit status '
        "2 when the file is not a readable FHIR Bundle, or when --save is refused."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="a FHIR Bundle in JSON; '-' reads standard input")
        parser.add_argument(
            "--save", action="store_true", help="store the case through the normal validation"
        )
        parser.add_argument("--case-number", help="the board's case number (with --save)")

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, **options):
        if options["save"] and not options["case_number"]:
            self._fail("--save needs --case-number N.")
        try:
            text = (
                sys.stdin.read()
                if options["file"] == "-"
                else Path(options["file"]).read_text(encoding="utf-8-sig")
            )
        except (OSError, UnicodeDecodeError) as exc:
            self._fail(f"Cannot read {options['file']}: {exc}.")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            self._fail(f"The file is not JSON: {exc}.")
        try:
            result = services.bundle_import(data)
        except BundleRefused as refused:
            self._fail(str(refused))
        self.stdout.write(json.dumps(result.as_json(), indent=2))
        if not options["save"]:
            return
        body = {
            **result.case,
            "case_number": options["case_number"],
            "hospital_number": result.hospital_number,
        }
        try:
            case = services.case_create_from_import(
                body=body, provenance=result.provenance, report=result.report, user=None
            )
        except CaseRefused as refused:
            self.stderr.write(json.dumps(refused.as_dict(), indent=2))
            sys.exit(2)
        self.stderr.write(f"Saved case {case.case_number}.")
