"""python manage.py cases_refused: the stored cases that the current ruleset refuses."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from recurrence import services
from recurrence.models import Case


class Command(BaseCommand):
    help = (
        "Print one JSON object per line, {id, case_number, errors}, for each stored case that "
        "the current guideline ruleset refuses (for example an in-breast site after a "
        "mastectomy, stored before ruleset 2.0). Exit status 1 when there is one, 0 otherwise."
    )
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):
        found = 0
        for case in Case.objects.prefetch_related("sites").order_by("id").iterator(chunk_size=500):
            errors = services.case_problems(case)
            if errors:
                found += 1
                line = {"id": case.pk, "case_number": case.case_number, "errors": errors}
                self.stdout.write(json.dumps(line, ensure_ascii=False))
        if found:
            sys.exit(1)
