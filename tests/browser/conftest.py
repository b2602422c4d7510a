"""Shared by the browser tests, which run against a live server in real transactions."""

import pytest
from django.core.management import call_command
from django.db import connections


@pytest.fixture(scope="module", autouse=True)
def migrations_data_kept(django_db_setup, django_db_blocker):
    """Put back what the data migrations stored (roles, the evidence library) after this
    module: a transactional test empties every table when it ends, and the browser tests
    that follow need them. (serialized_rollback did not restore them here: under
    Playwright's event loop the connection in use does not hold Django's serialized copy.)"""
    from django.contrib.auth.models import Group

    connection = connections["default"]
    with django_db_blocker.unblock():
        saved = connection.creation.serialize_db_to_string() if Group.objects.exists() else ""
    yield
    with django_db_blocker.unblock():
        if saved and not Group.objects.exists():
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(saved)
