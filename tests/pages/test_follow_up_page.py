"""Coordinators record follow-up and treatments on the case pages."""

import pytest

from recurrence.models import CaseChange, FollowUp, Treatment
from tests.pages.helpers import client_for


def url(case):
    return f"/cases/{case.pk}/follow-up/"


@pytest.mark.django_db
class TestFollowUpPage:
    def test_a_coordinator_records_follow_up_and_the_case_page_shows_it(
        self, coordinator, oncologist, stored_case
    ):
        client = client_for(coordinator)
        assert client.get(url(stored_case)).status_code == 200
        response = client.post(
            url(stored_case),
            {
                "version": 1,
                "last_contact_date": "2025-02-01",
                "vital_status": "alive",
                "progression_date": "2024-12-01",
            },
        )
        assert response.status_code == 302
        record = FollowUp.objects.get(case=stored_case)
        assert record.progression_date.isoformat() == "2024-12-01"
        assert CaseChange.objects.get(case=stored_case, version=2).changes[
            "follow_up.vital_status"
        ] == [None, "alive"]
        page = client_for(oncologist).get(f"/cases/{stored_case.pk}/").content.decode()
        assert "1 Dec 2024" in page

    def test_an_impossible_record_is_refused_next_to_the_field_and_nothing_stored(
        self, coordinator, stored_case
    ):
        response = client_for(coordinator).post(
            url(stored_case),
            {
                "version": 1,
                "last_contact_date": "2025-02-01",
                "vital_status": "dead",
                "death_date": "2025-01-01",
            },
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Date of last contact is after the date of death." in html
        assert 'id="field-last_contact_date"' in html
        assert not FollowUp.objects.exists()

    def test_a_missing_field_is_named(self, coordinator, stored_case):
        response = client_for(coordinator).post(
            url(stored_case), {"version": 1, "vital_status": "alive"}
        )
        assert response.status_code == 400
        assert "Date of last contact is required." in response.content.decode()

    def test_a_stale_save_is_refused(self, coordinator, stored_case):
        body = {"version": 1, "last_contact_date": "2025-02-01", "vital_status": "alive"}
        client = client_for(coordinator)
        client.post(url(stored_case), body)
        response = client.post(
            url(stored_case),
            {**body, "vital_status": "dead", "death_date": "2025-02-01"},
            follow=True,
        )
        assert "Not saved" in response.content.decode()
        assert FollowUp.objects.get(case=stored_case).vital_status == "alive"

    def test_an_oncologist_cannot_record(self, oncologist, stored_case):
        assert client_for(oncologist).get(url(stored_case)).status_code == 403
        body = {"version": 1, "last_contact_date": "2025-02-01", "vital_status": "alive"}
        assert client_for(oncologist).post(url(stored_case), body).status_code == 403
        assert not FollowUp.objects.exists()

    def test_anonymous_users_are_sent_to_sign_in(self, stored_case):
        assert client_for().get(url(stored_case)).status_code == 302

    def test_a_wrong_method_is_405(self, coordinator, stored_case):
        assert client_for(coordinator).put(url(stored_case)).status_code == 405


@pytest.mark.django_db
class TestTreatments:
    def test_add_and_remove_a_treatment(self, coordinator, stored_case):
        client = client_for(coordinator)
        response = client.post(
            f"/cases/{stored_case.pk}/treatments/",
            {
                "version": 1,
                "kind": "metastasectomy",
                "site": "lung",
                "start_date": "2024-09-01",
                "description": "<script>x</script>",
            },
        )
        assert response.status_code == 302
        treatment = Treatment.objects.get(case=stored_case)
        page = client.get(url(stored_case)).content.decode()
        assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
        client.post(f"/cases/{stored_case.pk}/treatments/{treatment.pk}/remove/", {"version": 2})
        assert not Treatment.objects.exists()

    def test_a_treatment_before_the_recurrence_is_refused_next_to_the_field(
        self, coordinator, stored_case
    ):
        response = client_for(coordinator).post(
            f"/cases/{stored_case.pk}/treatments/",
            {"version": 1, "kind": "radiotherapy", "start_date": "2020-01-01"},
        )
        assert response.status_code == 400
        assert "Start date is before the recurrence date" in response.content.decode()
        assert not Treatment.objects.exists()

    def test_an_oncologist_cannot_add_one(self, oncologist, stored_case):
        response = client_for(oncologist).post(
            f"/cases/{stored_case.pk}/treatments/",
            {"version": 1, "kind": "radiotherapy", "start_date": "2024-09-01"},
        )
        assert response.status_code == 403

    def test_get_is_405(self, coordinator, stored_case):
        assert (
            client_for(coordinator).get(f"/cases/{stored_case.pk}/treatments/").status_code == 405
        )
