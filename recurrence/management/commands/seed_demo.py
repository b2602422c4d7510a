"""python manage.py seed_demo: demo users (one per role) and synthetic cases."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from recurrence import roles
from recurrence.demo import demo_cases
from recurrence.models import Case
from recurrence.services import case_create

DEMO_USERS = (
    ("coordinator", roles.COORDINATOR),
    ("oncologist", roles.ONCOLOGIST),
    ("admin", roles.ADMINISTRATOR),
)


class Command(BaseCommand):
    help = "Create demo users and synthetic cases (development mode only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when demo data is already there"
        )

    def handle(self, *args, **options):
        if not settings.DEVELOPMENT:
            raise CommandError("seed_demo only runs in development mode (MBC_DEVELOPMENT=1).")
        User = get_user_model()
        if (
            User.objects.filter(username="coordinator").exists()
            or Case.objects.filter(synthetic=True).exists()
        ):
            if options["if_empty"]:
                self.stdout.write(
                    "Demo data is already loaded (its passwords were printed when it was created)."
                )
                return
            raise CommandError(
                "Demo data is already loaded. Use a fresh database to load it again."
            )
        with transaction.atomic():
            passwords = {}
            for username, role in DEMO_USERS:
                password = secrets.token_urlsafe(12)
                user = User.objects.create_user(
                    username=username, password=password, is_staff=role == roles.ADMINISTRATOR
                )
                user.groups.add(Group.objects.get(name=role))
                passwords[username] = password
            coordinator = User.objects.get(username="coordinator")
            cases = demo_cases()
            for _label, body in cases:
                case_create(data=body, user=coordinator, synthetic=True)
            extra = _seed_extras(coordinator)
            extra += _seed_meetings(coordinator, User.objects.get(username="oncologist"))
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(cases)} synthetic cases{extra}."))
        self.stdout.write("Demo users (passwords are shown this once):")
        for username, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role:<14} {passwords[username]}")


def _seed_meetings(coordinator, oncologist) -> str:
    from board.demo import seed_meetings

    return seed_meetings(coordinator=coordinator, oncologist=oncologist)


def _seed_extras(user) -> str:
    """Further demo data from the other parts of the product, where they are installed."""
    try:
        from evidence.demo import seed_cohort
    except ImportError:
        return ""
    return seed_cohort(user)
