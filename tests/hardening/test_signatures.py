"""M6: a signed decision and its amendments keep the signer's name and role as signed;
renaming the account later changes no past signature. The migration fills old rows."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client

from board import services as board
from board.models import Amendment, Decision
from tests.api.helpers import client_for


@pytest.fixture
def signed(coordinator, oncologist, stored_case):
    oncologist.first_name, oncologist.last_name = "Olivia", "Sandoval"
    oncologist.save()
    meeting = board.meeting_create(data={"date": "2024-07-10", "title": "Board"}, user=coordinator)
    board.agenda_add(meeting=meeting, case_id=stored_case.pk)
    decision = board.decision_sign(
        case=stored_case,
        data={"meeting": meeting.pk, "outcome": "follows", "plan": "Endocrine therapy."},
        user=oncologist,
    )
    board.amendment_add(
        decision=decision,
        data={"reason": "Typo", "text": "Endocrine therapy first."},
        user=oncologist,
    )
    return decision


@pytest.mark.django_db
class TestSignatures:
    def test_the_signer_is_stored_as_signed(self, signed):
        decision = Decision.objects.get(pk=signed.pk)
        assert (decision.signer_name, decision.signer_role) == ("Olivia Sandoval", "oncologist")
        amendment = Amendment.objects.get(decision=decision)
        assert (amendment.signer_name, amendment.signer_role) == ("Olivia Sandoval", "oncologist")

    def test_renaming_the_user_does_not_change_past_signatures(
        self, signed, oncologist, stored_case
    ):
        oncologist.first_name, oncologist.last_name, oncologist.username = (
            "Mallory",
            "Impostor",
            "mal",
        )
        oncologist.save()
        client = Client()
        client.force_login(oncologist)
        html = client.get(f"/board/decisions/{signed.pk}/").content.decode()
        assert "Olivia Sandoval" in html and "Mallory" not in html
        html = client.get(f"/cases/{stored_case.pk}/").content.decode()
        assert "Olivia Sandoval" in html and "Mallory" not in html
        body = client_for(oncologist).get(f"/api/v1/decisions/{signed.pk}/").json()
        assert body["signer_name"] == "Olivia Sandoval" and body["signer_role"] == "oncologist"
        assert body["amendments"][0]["signer_name"] == "Olivia Sandoval"

    def test_the_migration_fills_signatures_made_before_it(self, signed, oncologist):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE board_decision SET signer_name = '', signer_role = ''")
            cursor.execute("UPDATE board_amendment SET signer_name = '', signer_role = ''")
        migration = importlib.import_module("board.migrations.0002_signer_as_signed")
        loader = MigrationLoader(connection)
        historical = loader.project_state(("board", "0002_signer_as_signed")).apps
        migration.backfill(historical, None)
        decision = Decision.objects.get(pk=signed.pk)
        assert (decision.signer_name, decision.signer_role) == ("Olivia Sandoval", "oncologist")
        assert Amendment.objects.get(decision=decision).signer_name == "Olivia Sandoval"
