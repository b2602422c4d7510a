"""Fuzz the API against the schema it serves: no answer is a 5xx, and every answer's
status code, content type and body are the ones the schema documents.

Schemathesis reads /api/v1/schema/ from the application itself and sends each operation
25 generated requests (valid and invalid ones) through the whole WSGI stack, middleware
and URL routing included, signed in with the API token of a user who holds every role,
so that writes are really tried. Run by .ci/run (marker `fuzz`); about two minutes.
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mbc_site import tokens
from recurrence import roles
from tests.conftest import _user

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25
STATUSES: dict[str, list[int]] = {}


@pytest.fixture
def every_role(db, django_user_model):
    from django.contrib.auth.models import Group

    user = _user(django_user_model, "fuzz", roles.COORDINATOR, is_staff=True)
    for role in (roles.ONCOLOGIST, roles.ADMINISTRATOR):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def in_test_transaction():
    """Keep the test's database connection across requests, as Django's test client does:
    the WSGI handler closes connections when a request finishes, which inside the test's
    transaction would close it under the test (PostgreSQL)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _headers(user) -> dict[str, str]:
    # Issued directly: the fuzzing of the token endpoint itself soon locks this address out.
    return {"Authorization": f"Token {tokens.issue(user)}"}


def _operations(headers):
    from mbc_site.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=headers)
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.fixture
def records(every_role, coordinator, oncologist, case_data):
    """Records for the generated requests to find: half of them name these ids."""
    from board import services as board
    from evidence.models import Study
    from recurrence import services

    case = services.case_create(data=case_data(case_number="FUZZ-1"), user=coordinator)
    spare = services.case_create(data=case_data(case_number="FUZZ-2"), user=coordinator)
    services.treatment_add(
        case_id=case.pk,
        data={"kind": "radiotherapy", "start_date": "2024-07-01", "site": "bone"},
        version=case.version,
        user=coordinator,
    )
    meeting = board.meeting_create(data={"date": "2024-07-10", "title": "Board"}, user=coordinator)
    board.agenda_add(meeting=meeting, case_id=case.pk)
    case.refresh_from_db()
    decision = board.decision_sign(
        case=case,
        data={"meeting": meeting.pk, "outcome": "follows", "plan": "As advised."},
        user=oncologist,
    )
    study = Study.objects.order_by("position").first()
    return {
        "cases": case.pk,
        "archive": spare.pk,
        "meetings": meeting.pk,
        "decisions": decision.pk,
        "treatment_pk": case.treatments.get().pk,
        "case_pk": case.pk,
        "key": study.key if study else "none",
    }


def _known(path: str, name: str, records: dict):
    if name == "id":
        if path.endswith("/archive/"):
            return records["archive"]
        return records[path.split("/")[3]]  # /api/v1/<collection>/{id}/...
    return records.get(name)


def _strategy(operation, records):
    @st.composite
    def cases(draw):
        case = draw(operation.as_strategy())
        if case.path_parameters and draw(st.booleans()):
            for name in list(case.path_parameters):
                known = _known(operation.path, name, records)
                if known is not None:
                    case.path_parameters[name] = known
        return case

    return cases()


def _failures(operation, token_headers, records) -> list[str]:
    """Run one operation's examples; every failing check's message, once each."""
    found: dict[str, str] = {}

    @given(case=_strategy(operation, records))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case):
        try:
            response = case.call_and_validate(headers=token_headers, checks=CHECKS)
            STATUSES.setdefault(operation.label, []).append(response.status_code)
        except (AssertionError, FailureGroup) as failure:  # one per failed check, or a group
            text = str(failure).strip()
            found.setdefault(text.splitlines()[0] if text else repr(failure), text)

    run()
    return [f"{operation.label}: {text}" for text in found.values()]


def test_api_conforms_to_its_schema(every_role, records, in_test_transaction):
    operations = list(_operations(_headers(every_role)))
    assert len(operations) > 20  # the whole API was read, not an empty schema
    # A fresh token for each operation: DELETE /auth/token/ revokes the one it is sent with.
    failures = [f for op in operations for f in _failures(op, _headers(every_role), records)]
    for label, codes in STATUSES.items():
        print(label, dict(collections.Counter(codes)))
    assert not failures, f"{len(failures)} failure(s):\n\n" + "\n\n".join(failures)
