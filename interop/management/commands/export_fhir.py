"""python manage.py export_fhir CASE_NUMBER: the case and its decisions as a FHIR Bundle."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from interop import services
from recurrence.models import Case


class Command(BaseCommand):
    help = (
        "Print the case, its recommendation and the board's signed decisions as a FHIR R4 "
        "collection Bundle (mCODE patient bundle shape) on standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number")

    def handle(self, *args, **options):
        case = (
            Case.objects.prefetch_related("sites")
            .filter(case_number=options["case_number"])
            .first()
        )
        if case is None:
            self.stderr.write("No case has that case number.")
            sys.exit(2)
        self.stdout.write(json.dumps(services.case_export(case), indent=2))
