"""One version counter, precise conflicts: a write based on version V is refused only when a
field it changes was changed since V; follow-up, treatments and the clinical case are
separate; signing with case_version V is refused only when the contract's input changed."""

import pytest

from board.models import AgendaItem, Decision, Meeting
from recurrence.models import Case, FollowUp
from tests.api.helpers import assert_error_shape, client_for, error_codes


def detail(case, tail="") -> str:
    return f"/api/v1/cases/{case.pk}/{tail}"


@pytest.fixture
def carl(django_user_model, coordinator):
    user = django_user_model.objects.create_user("carl", first_name="Carl", last_name="Ng")
    user.groups.add(*coordinator.groups.all())
    return user


@pytest.fixture
def meeting(coordinator, stored_case):
    meeting = Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)
    AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)
    return meeting


def sign(user, case, meeting, **extra):
    body = {"meeting": meeting.pk, "outcome": "follows", "plan": "Letrozole.", **extra}
    return client_for(user).post(detail(case, "decisions/"), body, format="json")


FOLLOW_UP = {"last_contact_date": "2025-01-10", "vital_status": "alive"}


@pytest.mark.django_db
class TestCaseEdits:
    def test_edits_of_different_fields_from_one_version_both_stand(
        self, coordinator, carl, stored_case
    ):
        assert (
            client_for(carl)
            .patch(detail(stored_case), {"version": 1, "ecog": 2}, format="json")
            .status_code
            == 200
        )
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 1, "age": 61}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert (response.json()["ecog"], response.json()["age"]) == (2, 61)
        assert response.json()["version"] == 3

    def test_a_full_body_from_an_old_version_keeps_the_fields_it_left(
        self, coordinator, carl, stored_case
    ):
        old = client_for(coordinator).get(detail(stored_case)).json()
        client_for(carl).patch(detail(stored_case), {"version": 1, "er": "negative"}, format="json")
        body = {k: v for k, v in old.items() if k not in ("id",)}
        body["age"] = 61
        response = client_for(coordinator).put(detail(stored_case), body, format="json")
        assert response.status_code == 200, response.json()
        case = Case.objects.get(pk=stored_case.pk)
        assert (case.er, case.age, case.version) == ("negative", 61, 3)

    def test_a_change_of_a_field_changed_meanwhile_is_refused_with_who_and_when(
        self, coordinator, carl, stored_case
    ):
        client_for(carl).patch(
            detail(stored_case), {"version": 1, "ecog": 2, "er": "negative"}, format="json"
        )
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 1, "ecog": 3}, format="json"
        )
        assert response.status_code == 409
        assert_error_shape(response)
        body = response.json()
        assert error_codes(response) == ["stale_version"]
        assert body["errors"][0]["field"] == "ecog"
        assert body["conflicts"] == ["ecog"]
        assert body["current_version"] == 2
        changed = {c["field"]: c for c in body["changes"]}
        assert set(changed) == {"ecog", "er"}  # every change since, not only the clashing one
        assert changed["ecog"]["old"] == 1 and changed["ecog"]["new"] == 2
        assert changed["ecog"]["changed_by"] == "carl" and changed["ecog"]["changed_at"]
        assert Case.objects.get(pk=stored_case.pk).ecog == 2

    def test_setting_the_same_value_is_no_conflict(self, coordinator, carl, stored_case):
        client_for(carl).patch(detail(stored_case), {"version": 1, "ecog": 2}, format="json")
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 1, "ecog": 2}, format="json"
        )
        assert response.status_code == 200

    def test_work_up_ticks_count_one_by_one(self, coordinator, carl, stored_case):
        client_for(carl).patch(
            detail(stored_case), {"version": 1, "workup": {"bone_scan": True}}, format="json"
        )
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 1, "workup": {"chest_imaging": True}}, format="json"
        )
        assert response.status_code == 200, response.json()
        workup = response.json()["workup"]
        assert workup["bone_scan"] is True and workup["chest_imaging"] is True

    def test_a_version_from_the_future_is_refused(self, coordinator, stored_case):
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 5, "ecog": 2}, format="json"
        )
        assert response.status_code == 409
        assert_error_shape(response)


@pytest.mark.django_db
class TestSeparateParts:
    def test_a_case_edit_from_before_a_follow_up_keeps_the_follow_up(
        self, coordinator, carl, stored_case
    ):
        put = client_for(carl).put(
            detail(stored_case, "follow-up/"), {"version": 1, **FOLLOW_UP}, format="json"
        )
        assert put.status_code == 200, put.json()
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 1, "age": 61}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert FollowUp.objects.get(case=stored_case).last_contact_date.isoformat() == "2025-01-10"

    def test_a_follow_up_from_before_a_case_edit_is_saved(self, coordinator, carl, stored_case):
        client_for(carl).patch(detail(stored_case), {"version": 1, "age": 61}, format="json")
        response = client_for(coordinator).put(
            detail(stored_case, "follow-up/"), {"version": 1, **FOLLOW_UP}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["version"] == 3
        assert Case.objects.get(pk=stored_case.pk).age == 61

    def test_two_follow_ups_of_one_version_clash_on_the_fields_both_change(
        self, coordinator, carl, stored_case
    ):
        client_for(carl).put(
            detail(stored_case, "follow-up/"), {"version": 1, **FOLLOW_UP}, format="json"
        )
        other = {"version": 1, "last_contact_date": "2025-02-01", "vital_status": "alive"}
        response = client_for(coordinator).put(
            detail(stored_case, "follow-up/"), other, format="json"
        )
        assert response.status_code == 409
        assert response.json()["conflicts"] == ["follow_up.last_contact_date"]

    def test_a_treatment_from_before_a_case_edit_is_added(self, coordinator, carl, stored_case):
        client_for(carl).patch(detail(stored_case), {"version": 1, "age": 61}, format="json")
        body = {"version": 1, "kind": "metastasectomy", "site": "lung", "start_date": "2024-08-01"}
        response = client_for(coordinator).post(
            detail(stored_case, "treatments/"), body, format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["version"] == 3  # the case's one counter


@pytest.mark.django_db
class TestSigning:
    def test_a_follow_up_recorded_since_the_form_was_read_does_not_block_signing(
        self, coordinator, oncologist, stored_case, meeting
    ):
        client_for(coordinator).put(
            detail(stored_case, "follow-up/"), {"version": 1, **FOLLOW_UP}, format="json"
        )
        response = sign(oncologist, stored_case, meeting, case_version=1)
        assert response.status_code == 201, response.json()
        assert response.json()["case_version"] == 2

    def test_a_change_of_the_clinical_facts_refuses_signing_naming_them(
        self, carl, oncologist, stored_case, meeting
    ):
        client_for(carl).patch(
            detail(stored_case), {"version": 1, "er": "negative", "pr": "negative"}, format="json"
        )
        response = sign(oncologist, stored_case, meeting, case_version=1)
        assert response.status_code == 409
        assert_error_shape(response)
        body = response.json()
        assert error_codes(response) == ["case_changed"]
        assert body["changed_fields"] == ["er", "pr"]
        assert {c["changed_by"] for c in body["changes"]} == {"carl"}
        assert all(c["changed_at"] for c in body["changes"])
        assert "Carl Ng" in body["errors"][0]["message"]
        assert not Decision.objects.exists()
        # Signing again with the version now read succeeds.
        assert sign(oncologist, stored_case, meeting, case_version=2).status_code == 201

    def test_a_change_of_the_hospital_number_only_does_not_block_signing(
        self, carl, oncologist, stored_case, meeting
    ):
        client_for(carl).patch(
            detail(stored_case), {"version": 1, "hospital_number": "H999"}, format="json"
        )
        assert sign(oncologist, stored_case, meeting, case_version=1).status_code == 201

    def test_a_change_undone_since_does_not_block_signing(
        self, carl, oncologist, stored_case, meeting
    ):
        api = client_for(carl)
        api.patch(detail(stored_case), {"version": 1, "ecog": 3}, format="json")
        api.patch(detail(stored_case), {"version": 2, "ecog": 1}, format="json")
        assert sign(oncologist, stored_case, meeting, case_version=1).status_code == 201

    def test_without_case_version_the_current_recommendation_is_signed(
        self, carl, oncologist, stored_case, meeting
    ):
        client_for(carl).patch(detail(stored_case), {"version": 1, "er": "negative"}, format="json")
        assert sign(oncologist, stored_case, meeting).status_code == 201

    def test_a_case_version_not_read_is_refused(self, oncologist, stored_case, meeting):
        for bad in (0, 7, "1", True):
            response = sign(oncologist, stored_case, meeting, case_version=bad)
            assert response.status_code == 400, bad
            assert error_codes(response) == ["invalid"]
