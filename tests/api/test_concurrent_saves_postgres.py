"""Two real transactions saving the same version of a case at the same time (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from recurrence.models import Case, CaseChange
from recurrence.services import StaleVersion, case_create, case_update

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.django_db(transaction=True)
def test_of_two_racing_saves_of_one_version_exactly_one_wins(coordinator, oncologist, case_data):
    case = case_create(data=case_data(), user=coordinator)
    first_updated = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                case_update(case_id=case.pk, data=case_data(ecog=2), version=1, user=coordinator)
                first_updated.set()
                # Hold the row lock while the second save starts and blocks on it.
                time.sleep(0.5)
            outcome["first"] = "saved"
        finally:
            connections.close_all()

    def second():
        first_updated.wait(5)
        try:
            case_update(case_id=case.pk, data=case_data(ecog=3), version=1, user=coordinator)
            outcome["second"] = "saved"
        except StaleVersion as stale:
            outcome["second"] = f"stale at {stale.current.version}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)

    assert outcome == {"first": "saved", "second": "stale at 2"}
    # The second save really waited for the first transaction's lock.
    assert time.monotonic() - started >= 0.5
    case.refresh_from_db()
    assert (case.ecog, case.version) == (2, 2)
    assert list(CaseChange.objects.filter(case=case).values_list("version", flat=True)) == [2, 1]
    assert Case.objects.count() == 1
