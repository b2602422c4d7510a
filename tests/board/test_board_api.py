import pytest

from board.models import AgendaItem, Decision, Meeting, SignedDecisionIsFinal
from tests.api.helpers import assert_error_shape, client_for, error_codes

MEETINGS = "/api/v1/meetings/"


@pytest.fixture
def meeting(coordinator):
    return Meeting.objects.create(date="2025-11-20", title="Breast MDT", created_by=coordinator)


@pytest.fixture
def on_agenda(meeting, stored_case):
    return AgendaItem.objects.create(meeting=meeting, case=stored_case, position=1)


def sign(user, case, meeting, **extra):
    body = {
        "meeting": meeting.pk,
        "outcome": "follows",
        "plan": "Letrozole; review in 3 months.",
        **extra,
    }
    return client_for(user).post(f"/api/v1/cases/{case.pk}/decisions/", body, format="json")


@pytest.mark.django_db
class TestMeetings:
    def test_a_coordinator_creates_a_meeting(self, coordinator):
        response = client_for(coordinator).post(
            MEETINGS, {"date": "2025-12-01", "title": "MDT"}, format="json"
        )
        assert response.status_code == 201
        assert client_for(coordinator).get(MEETINGS).json()[0]["title"] == "MDT"

    def test_an_oncologist_cannot_create_one(self, oncologist):
        response = client_for(oncologist).post(
            MEETINGS, {"date": "2025-12-01", "title": "MDT"}, format="json"
        )
        assert response.status_code == 403
        assert not Meeting.objects.exists()

    def test_bad_input_names_the_fields(self, coordinator):
        response = client_for(coordinator).post(
            MEETINGS, {"date": "1 Dec", "title": ""}, format="json"
        )
        assert response.status_code == 400
        assert_error_shape(response)
        assert {e["field"] for e in response.json()["errors"]} == {"date", "title"}
        assert not Meeting.objects.exists()


@pytest.mark.django_db
class TestAgenda:
    def test_add_reorder_and_remove(self, coordinator, meeting, stored_case, case_data):
        from recurrence.services import case_create

        other = case_create(data=case_data(case_number="MBC-0002"), user=coordinator)
        api = client_for(coordinator)
        url = f"/api/v1/meetings/{meeting.pk}/agenda/"
        assert api.post(url, {"case": stored_case.pk}, format="json").status_code == 201
        assert api.post(url, {"case": other.pk}, format="json").status_code == 201
        again = api.post(url, {"case": other.pk}, format="json")
        assert again.status_code == 200  # already there: the agenda is unchanged
        assert [i["case"] for i in again.json()] == [stored_case.pk, other.pk]
        reordered = api.put(url, {"order": [other.pk, stored_case.pk]}, format="json").json()
        assert [i["case_number"] for i in reordered] == ["MBC-0002", "MBC-0001"]
        assert error_codes(api.put(url, {"order": [other.pk]}, format="json")) == [
            "not_a_permutation"
        ]
        assert api.delete(f"{url}{other.pk}/").status_code == 204
        assert [i["case"] for i in api.get(url).json()] == [stored_case.pk]

    def test_an_oncologist_cannot_change_the_agenda(self, oncologist, meeting, stored_case):
        url = f"/api/v1/meetings/{meeting.pk}/agenda/"
        assert (
            client_for(oncologist).post(url, {"case": stored_case.pk}, format="json").status_code
            == 403
        )


@pytest.mark.django_db
class TestDecisions:
    def test_an_oncologist_signs_with_the_recommendation_as_it_stands(
        self, oncologist, stored_case, meeting, on_agenda
    ):
        response = sign(oncologist, stored_case, meeting)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["signed_by"] == "oscar" and body["signed_at"]
        assert body["ruleset_version"] == "2.0"
        assert "ENDOCRINE_FIRST_LINE" in body["recommendation_codes"]

    def test_a_coordinator_cannot_sign(self, coordinator, stored_case, meeting, on_agenda):
        assert sign(coordinator, stored_case, meeting).status_code == 403
        assert not Decision.objects.exists()

    def test_differing_needs_a_reason(self, oncologist, stored_case, meeting, on_agenda):
        response = sign(oncologist, stored_case, meeting, outcome="differs")
        assert response.status_code == 400
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
            ("reason", "required")
        ]

    def test_the_case_must_be_on_the_meetings_agenda(self, oncologist, stored_case, meeting):
        response = sign(oncologist, stored_case, meeting)
        assert error_codes(response) == ["not_on_agenda"]

    def test_a_signed_decision_cannot_be_changed_through_the_api(
        self, oncologist, stored_case, meeting, on_agenda
    ):
        decision_id = sign(oncologist, stored_case, meeting).json()["id"]
        api = client_for(oncologist)
        for method in (api.put, api.patch):
            response = method(
                f"/api/v1/decisions/{decision_id}/", {"plan": "changed"}, format="json"
            )
            assert response.status_code == 409
            assert_error_shape(response)
        assert api.delete(f"/api/v1/decisions/{decision_id}/").status_code == 409
        assert Decision.objects.get(pk=decision_id).plan == "Letrozole; review in 3 months."

    def test_nor_through_the_orm(self, oncologist, stored_case, meeting, on_agenda):
        decision = Decision.objects.get(pk=sign(oncologist, stored_case, meeting).json()["id"])
        decision.plan = "changed"
        with pytest.raises(SignedDecisionIsFinal):
            decision.save()
        with pytest.raises(SignedDecisionIsFinal):
            Decision.objects.filter(pk=decision.pk).update(plan="changed")
        with pytest.raises(SignedDecisionIsFinal):
            Decision.objects.all().delete()

    def test_amendments_are_appended(self, oncologist, stored_case, meeting, on_agenda):
        decision_id = sign(oncologist, stored_case, meeting).json()["id"]
        response = client_for(oncologist).post(
            f"/api/v1/decisions/{decision_id}/amendments/",
            {"reason": "typo", "text": "Anastrozole, not letrozole."},
            format="json",
        )
        assert response.status_code == 201
        assert [a["text"] for a in response.json()["amendments"]] == ["Anastrozole, not letrozole."]
        assert response.json()["plan"] == "Letrozole; review in 3 months."

    def test_the_snapshot_stays_as_signed_when_the_case_changes(
        self, oncologist, coordinator, stored_case, meeting, on_agenda, case_data
    ):
        decision_id = sign(oncologist, stored_case, meeting).json()["id"]
        update = case_data(er="negative", pr="negative", version=1)
        assert (
            client_for(coordinator)
            .put(f"/api/v1/cases/{stored_case.pk}/", update, format="json")
            .status_code
            == 200
        )
        body = client_for(oncologist).get(f"/api/v1/decisions/{decision_id}/").json()
        assert "ENDOCRINE_FIRST_LINE" in body["recommendation_codes"]
        assert "CHEMOTHERAPY" not in body["recommendation_codes"]
        assert body["case_version"] == 1

    def test_one_decision_per_case_and_meeting(self, oncologist, stored_case, meeting, on_agenda):
        assert sign(oncologist, stored_case, meeting).status_code == 201
        assert error_codes(sign(oncologist, stored_case, meeting)) == ["already_decided"]
