import pytest

from recurrence.models import CaseChange, FollowUp, Treatment
from tests.api.helpers import assert_error_shape, client_for, error_codes


def url(case, tail="follow-up/"):
    return f"/api/v1/cases/{case.pk}/{tail}"


@pytest.mark.django_db
class TestFollowUp:
    def test_a_coordinator_records_follow_up_and_it_is_in_the_history(
        self, coordinator, stored_case
    ):
        body = {
            "version": 1,
            "last_contact_date": "2025-01-10",
            "vital_status": "alive",
            "progression_date": "2024-12-01",
        }
        response = client_for(coordinator).put(url(stored_case), body, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["version"] == 2
        assert FollowUp.objects.get(case=stored_case).progression_date.isoformat() == "2024-12-01"
        change = CaseChange.objects.get(case=stored_case, version=2)
        assert change.changes["follow_up.vital_status"] == [None, "alive"]

    def test_an_impossible_record_is_refused_and_nothing_stored(self, coordinator, stored_case):
        body = {
            "version": 1,
            "last_contact_date": "2025-01-10",
            "vital_status": "dead",
            "death_date": "2024-12-01",
        }
        response = client_for(coordinator).put(url(stored_case), body, format="json")
        assert response.status_code == 400
        assert_error_shape(response)
        assert error_codes(response) == ["contact_after_death"]
        assert not FollowUp.objects.exists()

    def test_an_oncologist_reads_but_cannot_write(self, oncologist, stored_case):
        api = client_for(oncologist)
        assert api.get(url(stored_case)).json()["vital_status"] is None
        body = {"version": 1, "last_contact_date": "2025-01-10", "vital_status": "alive"}
        assert api.put(url(stored_case), body, format="json").status_code == 403

    def test_a_stale_version_is_409(self, coordinator, stored_case):
        body = {"version": 7, "last_contact_date": "2025-01-10", "vital_status": "alive"}
        response = client_for(coordinator).put(url(stored_case), body, format="json")
        assert response.status_code == 409
        assert response.json()["current_version"] == 1


@pytest.mark.django_db
class TestTreatments:
    def test_add_list_and_remove(self, coordinator, stored_case):
        api = client_for(coordinator)
        body = {"version": 1, "kind": "metastasectomy", "site": "lung", "start_date": "2024-08-01"}
        created = api.post(url(stored_case, "treatments/"), body, format="json")
        assert created.status_code == 201, created.json()
        assert [t["site"] for t in api.get(url(stored_case, "treatments/")).json()] == ["lung"]
        tid = created.json()["id"]
        assert api.delete(url(stored_case, f"treatments/{tid}/") + "?version=1").status_code == 409
        assert api.delete(url(stored_case, f"treatments/{tid}/") + "?version=2").status_code == 204
        assert not Treatment.objects.exists()
        history = list(
            CaseChange.objects.filter(case=stored_case).values_list("changes", flat=True)
        )
        assert history[0] == {"treatments": ["metastasectomy lung from 2024-08-01", None]}

    def test_a_treatment_before_the_recurrence_is_refused(self, coordinator, stored_case):
        body = {"version": 1, "kind": "radiotherapy", "site": "bone", "start_date": "2020-01-01"}
        response = client_for(coordinator).post(
            url(stored_case, "treatments/"), body, format="json"
        )
        assert response.status_code == 400
        assert error_codes(response) == ["before_recurrence"]

    def test_a_missing_version_is_named(self, coordinator, stored_case):
        body = {"kind": "radiotherapy", "start_date": "2024-09-01"}
        response = client_for(coordinator).post(
            url(stored_case, "treatments/"), body, format="json"
        )
        assert response.status_code == 400
        assert [e["field"] for e in response.json()["errors"]] == ["version"]
