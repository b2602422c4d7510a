import pytest

from recurrence.models import Case, CaseChange
from recurrence.services import case_body
from tests.pages.helpers import client_for, form_data


def url(case) -> str:
    return f"/cases/{case.pk}/edit/"


def edit_post(case, **changes) -> dict[str, str]:
    body = case_body(case)
    body.update(changes)
    return form_data(body, version=case.version)


@pytest.mark.django_db
class TestEdit:
    def test_it_shows_the_stored_values(self, coordinator, stored_case):
        response = client_for(coordinator).get(url(stored_case))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="MBC-0001"' in html
        assert '<input type="hidden" name="version" value="1"' in html
        assert '<option value="bone" selected>' in html
        assert '<option value="lung" selected>' in html
        assert 'id="id_sites-0-symptomatic" checked>' in html
        assert 'id="id_sites-1-symptomatic">' in html

    def test_it_saves_a_change_and_records_who_changed_what(self, coordinator, stored_case):
        data = edit_post(stored_case, ecog=2, hospital_number="H999")
        response = client_for(coordinator).post(url(stored_case), data)
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{stored_case.pk}/"
        case = Case.objects.get(pk=stored_case.pk)
        assert (case.ecog, case.hospital_number, case.version) == (2, "H999", 2)
        change = CaseChange.objects.get(case=case, version=2)
        assert change.action == "update"
        assert change.changed_by == coordinator
        assert change.changes == {"ecog": [1, 2], "hospital_number": ["H123456", "H999"]}

    def test_it_removes_a_site_row(self, coordinator, stored_case):
        data = edit_post(stored_case)
        data["sites-1-DELETE"] = "on"
        response = client_for(coordinator).post(url(stored_case), data)
        assert response.status_code == 302
        assert [s.site for s in Case.objects.get(pk=stored_case.pk).sites.all()] == ["bone"]
        change = CaseChange.objects.get(case=stored_case, version=2)
        assert change.changes["sites"] == [
            [{"site": "bone", "lesions": 2}, {"site": "lung", "lesions": 1}],
            [{"site": "bone", "lesions": 2}],
        ]

    def test_an_edit_of_other_fields_keeps_the_newer_values(
        self, coordinator, stored_case, django_user_model
    ):
        other = django_user_model.objects.create_user("carl")
        other.groups.add(*coordinator.groups.all())
        first = edit_post(stored_case, ecog=2)
        second = edit_post(stored_case, age=61)  # also based on version 1

        assert client_for(other).post(url(stored_case), first).status_code == 302
        assert client_for(coordinator).post(url(stored_case), second).status_code == 302

        case = Case.objects.get(pk=stored_case.pk)
        assert (case.version, case.ecog, case.age) == (3, 2, 61)
        assert CaseChange.objects.get(case=case, version=3).changes == {"age": [58, 61]}

    def test_it_refuses_a_save_over_a_field_changed_meanwhile(
        self, coordinator, stored_case, django_user_model
    ):
        other = django_user_model.objects.create_user("carl", first_name="Carl", last_name="Ng")
        other.groups.add(*coordinator.groups.all())
        first = edit_post(stored_case, ecog=2, er="negative")
        second = edit_post(stored_case, ecog=3, age=61)  # also based on version 1

        assert client_for(other).post(url(stored_case), first).status_code == 302
        response = client_for(coordinator).post(url(stored_case), second)

        assert response.status_code == 409
        case = Case.objects.get(pk=stored_case.pk)
        assert (case.version, case.ecog, case.age, case.er) == (2, 2, 58, "negative")
        assert CaseChange.objects.filter(case=case).count() == 2
        html = response.content.decode()
        assert "Not saved: this case was changed while you were editing" in html
        assert "Carl Ng saved version 2" in html
        # Every field the other person changed is listed, not only the ones this user touched.
        changes = {c["field"]: c for c in response.context["stale"]["changes"]}
        assert changes["Oestrogen receptor (ER)"]["new"] == "Negative"
        assert changes["Oestrogen receptor (ER)"]["conflict"] is False
        assert changes["ECOG performance status"]["conflict"] is True
        assert changes["ECOG performance status"]["by"] == "Carl Ng"
        # The form keeps this user's changes over the newer values, based on the current
        # version: one click saves them.
        entry = response.context["entry"]
        assert (entry.form.initial["ecog"], entry.form.initial["age"]) == (3, 61)
        assert entry.form.initial["er"] == "negative"
        assert '<input type="hidden" name="version" value="2"' in html
        resubmit = edit_post(case, ecog=3, age=61)  # the form as shown, version 2
        assert client_for(coordinator).post(url(stored_case), resubmit).status_code == 302
        case.refresh_from_db()
        assert (case.version, case.ecog, case.age, case.er) == (3, 3, 61, "negative")

    def test_it_shows_errors_and_stores_nothing(self, coordinator, stored_case):
        data = edit_post(stored_case, ki67_percent=101, primary_diagnosis_date="2025-01-01")
        response = client_for(coordinator).post(url(stored_case), data)
        assert response.status_code == 200
        form = response.context["entry"].form
        assert form.has_error("ki67_percent", "max_value")
        assert form.has_error("recurrence_date", "date_order")
        case = Case.objects.get(pk=stored_case.pk)
        assert (case.version, case.ki67_percent) == (1, 25)
        assert CaseChange.objects.filter(case=case).count() == 1

    def test_it_refuses_a_missing_or_broken_version(self, coordinator, stored_case):
        client = client_for(coordinator)
        for version in ("", "abc", "0", "9" * 30):
            data = edit_post(stored_case, ecog=3)
            data["version"] = version
            response = client.post(url(stored_case), data)
            assert response.status_code == 200, version
            assert response.context["entry"].form.errors["version"]
            assert "open the case again and edit" in response.content.decode()
        assert Case.objects.get(pk=stored_case.pk).version == 1

    def test_it_escapes_script_typed_into_text_fields(self, coordinator, stored_case):
        data = edit_post(stored_case, hospital_number="<script>alert(3)</script>")
        assert client_for(coordinator).post(url(stored_case), data).status_code == 302
        html = client_for(coordinator).get(url(stored_case)).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html

    def test_it_answers_404_for_a_case_that_does_not_exist(self, coordinator):
        client = client_for(coordinator)
        assert client.get("/cases/999999/edit/").status_code == 404
        assert client.get(f"/cases/{'9' * 30}/edit/").status_code == 404
        assert client.get("/cases/abc/edit/").status_code == 404

    def test_it_lets_only_coordinators_edit(self, oncologist, administrator, nobody, stored_case):
        for user in (oncologist, administrator, nobody):
            client = client_for(user)
            assert client.get(url(stored_case)).status_code == 403
            assert client.post(url(stored_case), edit_post(stored_case, ecog=3)).status_code == 403
        assert Case.objects.get(pk=stored_case.pk).version == 1

    def test_it_sends_anonymous_users_to_sign_in(self, stored_case):
        response = client_for().get(url(stored_case))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_it_refuses_other_methods(self, coordinator, stored_case):
        assert client_for(coordinator).put(url(stored_case)).status_code == 405
