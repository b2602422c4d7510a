"""M5: a case is never hard-deleted through the API; an administrator archives it with a
reason, it leaves the lists, and the history records who, when and why."""

from __future__ import annotations

import pytest
from django.test import Client

from board import services as board
from recurrence.models import Case, CaseChange
from tests.api.helpers import assert_error_shape, client_for, error_codes, error_fields


def archive_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/archive/"


def archive(user, case, reason="Entered twice; see MBC-0002.", version=1):
    return client_for(user).post(
        archive_url(case), {"reason": reason, "version": version}, format="json"
    )


def page_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestArchive:
    def test_an_administrator_archives_with_a_reason(self, administrator, stored_case):
        response = archive(administrator, stored_case)
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["archived"]["by"] == "ada"
        assert body["archived"]["reason"] == "Entered twice; see MBC-0002."
        assert body["version"] == 2
        change = CaseChange.objects.get(case=stored_case, action="archive")
        assert change.changed_by == administrator
        assert change.changes == {"archived": [None, "Entered twice; see MBC-0002."]}
        assert change.version == 2 and change.changed_at is not None

    def test_other_roles_may_not_archive(self, coordinator, oncologist, stored_case):
        for user in (coordinator, oncologist):
            response = archive(user, stored_case)
            assert response.status_code == 403
            assert_error_shape(response)
        assert Case.objects.get(pk=stored_case.pk).archived_at is None

    @pytest.mark.parametrize("reason", [None, "", "   ", 5, "x" * 2001])
    def test_a_reason_is_required(self, administrator, stored_case, reason):
        response = archive(administrator, stored_case, reason=reason)
        assert response.status_code == 400
        assert error_fields(response) == ["reason"]
        assert Case.objects.get(pk=stored_case.pk).archived_at is None

    def test_a_stale_version_is_refused_and_archiving_twice_is_a_conflict(
        self, administrator, stored_case
    ):
        assert archive(administrator, stored_case, version=7).status_code == 409
        assert archive(administrator, stored_case).status_code == 200
        again = archive(administrator, stored_case, version=2)
        assert again.status_code == 409
        assert error_codes(again) == ["already_archived"]

    def test_delete_is_405_to_administrators_and_403_to_others(
        self, administrator, coordinator, oncologist, stored_case
    ):
        url = f"/api/v1/cases/{stored_case.pk}/"
        assert client_for(administrator).delete(url).status_code == 405
        assert client_for(coordinator).delete(url).status_code == 403
        assert client_for(oncologist).delete(url).status_code == 403
        assert Case.objects.filter(pk=stored_case.pk).exists()

    def test_a_case_on_an_agenda_is_archived_without_a_500(
        self, administrator, coordinator, stored_case
    ):
        meeting = board.meeting_create(data={"date": "2024-07-10", "title": "B"}, user=coordinator)
        board.agenda_add(meeting=meeting, case_id=stored_case.pk)
        assert (
            client_for(administrator).delete(f"/api/v1/cases/{stored_case.pk}/").status_code == 405
        )
        assert archive(administrator, stored_case).status_code == 200

    def test_archived_cases_leave_the_lists(
        self, administrator, coordinator, oncologist, stored_case, case_data
    ):
        from recurrence.services import case_create

        kept = case_create(
            data=case_data(case_number="MBC-0002", hospital_number="H2"), user=coordinator
        )
        archive(administrator, stored_case)
        for user in (coordinator, oncologist, administrator):
            numbers = [
                c["case_number"] for c in client_for(user).get("/api/v1/cases/").json()["results"]
            ]
            assert numbers == [kept.case_number]
            html = page_for(user).get("/").content.decode()
            assert "MBC-0002" in html and "MBC-0001" not in html
            html = page_for(user).post("/", {"q": "MBC"}).content.decode()
            assert "MBC-0002" in html and "MBC-0001" not in html

    def test_an_archived_case_is_not_found_by_other_roles(
        self, administrator, coordinator, oncologist, stored_case
    ):
        archive(administrator, stored_case)
        pk = stored_case.pk
        for user in (coordinator, oncologist):
            api = client_for(user)
            for url in (
                f"/api/v1/cases/{pk}/",
                f"/api/v1/cases/{pk}/recommendation/",
                f"/api/v1/cases/{pk}/follow-up/",
            ):
                assert api.get(url).status_code == 404, url
            assert page_for(user).get(f"/cases/{pk}/").status_code == 404
        response = client_for(coordinator).patch(
            f"/api/v1/cases/{pk}/", {"version": 2, "ecog": 2}, format="json"
        )
        assert response.status_code == 404
        assert page_for(coordinator).get(f"/cases/{pk}/edit/").status_code == 404

    def test_an_administrator_sees_an_archived_case_with_a_banner(self, administrator, stored_case):
        archive(administrator, stored_case)
        assert client_for(administrator).get(f"/api/v1/cases/{stored_case.pk}/").json()["archived"]
        html = page_for(administrator).get(f"/cases/{stored_case.pk}/").content.decode()
        assert "Archived</strong>" in html
        assert "Entered twice; see MBC-0002." in html

    def test_the_admin_cannot_delete_cases_either(self, administrator, stored_case):
        client = page_for(administrator)
        response = client.post(f"/admin/recurrence/case/{stored_case.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
        assert Case.objects.filter(pk=stored_case.pk).exists()


@pytest.mark.django_db
def test_an_archived_case_cannot_be_put_on_an_agenda_or_decided(
    administrator, coordinator, oncologist, stored_case
):
    meeting = board.meeting_create(data={"date": "2024-07-10", "title": "B"}, user=coordinator)
    archive(administrator, stored_case)
    response = client_for(coordinator).post(
        f"/api/v1/meetings/{meeting.pk}/agenda/", {"case": stored_case.pk}, format="json"
    )
    assert response.status_code == 400
    assert error_codes(response) == ["does_not_exist"]
    decide = client_for(oncologist).post(
        f"/api/v1/cases/{stored_case.pk}/decisions/",
        {"meeting": meeting.pk, "outcome": "follows", "plan": "x"},
        format="json",
    )
    assert decide.status_code == 404
    assert (
        client_for(oncologist).get(f"/api/v1/cases/{stored_case.pk}/evidence/").status_code == 404
    )
    assert (
        client_for(administrator).get(f"/api/v1/cases/{stored_case.pk}/evidence/").status_code
        == 200
    )
