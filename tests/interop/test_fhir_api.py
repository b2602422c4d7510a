"""POST /api/v1/fhir/import and GET /api/v1/cases/{id}/fhir."""

from __future__ import annotations

import json

import jsonschema
import pytest
from fhir.resources.R4B.bundle import Bundle

from board import services as board_services
from interop.fhir_import import import_bundle
from tests.api.helpers import assert_error_shape, client_for
from tests.interop.fhir_builders import codex
from tests.shared_docs import INTEROP_EXAMPLES

IMPORT = "/api/v1/fhir/import"


@pytest.mark.django_db
class TestImportApi:
    def test_it_answers_as_the_command_does(self, coordinator):
        response = client_for(coordinator).post(IMPORT, codex(1), format="json")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"case", "report"}
        assert body == import_bundle(codex(1)).as_json()

    def test_an_invalid_bundle_is_400_with_a_message(self, coordinator):
        response = client_for(coordinator).post(
            IMPORT, {"resourceType": "Observation"}, format="json"
        )
        assert response.status_code == 400
        assert_error_shape(response)
        assert "not a FHIR Bundle" in response.json()["errors"][0]["message"]

    def test_malformed_json_is_400(self, coordinator):
        response = client_for(coordinator).post(IMPORT, b"{oops", content_type="application/json")
        assert response.status_code == 400

    def test_fhir_json_media_type_is_accepted(self, coordinator):
        response = client_for(coordinator).post(
            IMPORT, json.dumps(codex(2)), content_type="application/fhir+json"
        )
        assert response.status_code == 200

    def test_it_is_for_coordinators(self, oncologist):
        assert client_for(oncologist).post(IMPORT, codex(1), format="json").status_code == 403

    def test_it_needs_sign_in(self, db):
        assert client_for().post(IMPORT, codex(1), format="json").status_code == 401

    def test_a_stored_patient_is_reported(self, coordinator, case_data):
        from recurrence.services import case_create

        case_create(data=case_data(hospital_number="a123", case_number="C-9"), user=coordinator)
        report = client_for(coordinator).post(IMPORT, codex(1), format="json").json()["report"]
        assert report[0]["code"] == "conflict" and "C-9" in report[0]["message"]


@pytest.mark.django_db
class TestExportApi:
    def test_the_bundle_validates_and_carries_the_signed_decision(
        self, stored_case, oncologist, coordinator
    ):
        meeting = board_services.meeting_create(
            data={"date": "2026-01-05", "title": "Board"}, user=coordinator
        )
        board_services.agenda_add(meeting=meeting, case_id=stored_case.pk)
        decision = board_services.decision_sign(
            case=stored_case,
            data={"meeting": meeting.pk, "outcome": "follows", "plan": "Endocrine therapy"},
            user=oncologist,
        )
        board_services.amendment_add(
            decision=decision,
            data={"reason": "Typo", "text": "Endocrine therapy, letrozole"},
            user=oncologist,
        )
        response = client_for(oncologist).get(f"/api/v1/cases/{stored_case.pk}/fhir")
        assert response.status_code == 200
        bundle = response.json()
        schema = json.loads((INTEROP_EXAMPLES / "fhir-r4.schema.json").read_text())
        jsonschema.validate(bundle, schema)
        Bundle.model_validate(bundle)
        back = import_bundle(bundle)
        assert back.case["er"] == "positive" and back.case["ecog"] == 1
        assert back.hospital_number == stored_case.hospital_number
        plans = [
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"
        ]
        assert [p["description"] for p in plans] == [
            "Endocrine therapy",
            "Endocrine therapy, letrozole",
        ]
        assert plans[1]["replaces"]
        kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
        assert kinds.count("Provenance") == 2 and "GuidanceResponse" in kinds

    def test_an_unknown_case_is_404(self, oncologist):
        assert client_for(oncologist).get("/api/v1/cases/999999/fhir").status_code == 404

    def test_no_role_is_403(self, stored_case, nobody):
        assert client_for(nobody).get(f"/api/v1/cases/{stored_case.pk}/fhir").status_code == 403


@pytest.mark.django_db
def test_json_nested_too_deeply_is_400_not_a_server_error(coordinator):
    deep = b"[" * 100000 + b"]" * 100000
    response = client_for(coordinator).post(IMPORT, deep, content_type="application/json")
    assert response.status_code == 400
