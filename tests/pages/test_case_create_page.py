import pytest

from recurrence.models import Case, CaseChange
from tests.pages.helpers import client_for, form_data

URL = "/cases/new/"


def errors_of(response, field=None, *, row=None):
    """The error codes the page's form shows for `field` (or the site row's field)."""
    entry = response.context["entry"]
    form = entry.form if row is None else entry.sites.forms[row]
    return [e.code for e in form.errors.as_data().get(field or "__all__", [])]


@pytest.mark.django_db
class TestCreate:
    def test_it_shows_the_form_in_the_contracts_order(self, coordinator):
        response = client_for(coordinator).get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        headings = [
            "Presentation and dates",
            "Prior treatment",
            "Sites of disease",
            "Receptors",
            "Clinical state",
            "Workup already done",
        ]
        positions = [html.index(h) for h in headings]
        assert positions == sorted(positions)
        assert 'id="site-row-template"' in html
        assert 'name="sites-0-DELETE"' in html
        assert "Decision support only" in html

    def test_it_creates_a_case_and_opens_it(self, coordinator, case_data):
        body = case_data(case_number="NEW-1")
        response = client_for(coordinator).post(URL, form_data(body, empty_rows=2))
        case = Case.objects.get(case_number="NEW-1")
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{case.pk}/"
        assert [(s.site, s.lesions, s.symptomatic) for s in case.sites.all()] == [
            ("bone", 2, True),
            ("lung", 1, False),
        ]
        assert case.workup_cbc and case.workup_liver_function and not case.workup_calcium
        assert case.ecog == 1 and case.ki67_percent == 25
        assert case.created_by == coordinator
        assert CaseChange.objects.get(case=case).action == "create"

    def test_it_follows_the_contracts_default_for_the_primary_in_place(
        self, coordinator, case_data
    ):
        body = case_data(
            case_number="DN-1", presentation="de_novo_stage_iv", primary_diagnosis_date=None
        )
        data = form_data(body)
        data["primary_in_situ"] = "unknown"
        response = client_for(coordinator).post(URL, data)
        assert response.status_code == 302
        assert Case.objects.get(case_number="DN-1").primary_in_situ is True

    def test_it_shows_contract_errors_next_to_the_field_and_stores_nothing(
        self, coordinator, case_data
    ):
        body = case_data(recurrence_date="2018-01-01", ki67_percent=150, ecog=7, age=12)
        response = client_for(coordinator).post(URL, form_data(body))
        assert response.status_code == 200
        assert Case.objects.count() == 0
        assert errors_of(response, "recurrence_date") == ["date_order"]
        assert errors_of(response, "ki67_percent") == ["max_value"]
        assert errors_of(response, "ecog") == ["max_value"]
        assert errors_of(response, "age") == ["min_value"]
        html = response.content.decode()
        assert "Recurrence date is before the primary diagnosis date" in html
        assert 'id="id_recurrence_date_error"' in html
        assert "Not saved: 4 problems to correct" in html

    def test_it_refuses_a_future_date(self, coordinator, case_data):
        body = case_data(recurrence_date="2999-01-01")
        response = client_for(coordinator).post(URL, form_data(body))
        assert response.status_code == 200
        assert errors_of(response, "recurrence_date") == ["future_date"]
        assert Case.objects.count() == 0

    def test_it_puts_site_errors_on_the_row_they_belong_to(self, coordinator, case_data):
        body = case_data(sites=[{"site": "bone", "lesions": 2}])
        data = form_data(body, empty_rows=0)
        # Row 1 is left empty; rows 2 and 3 are the contract's sites[1] and sites[2].
        data.update(
            {
                "sites-TOTAL_FORMS": "4",
                "sites-1-site": "",
                "sites-1-lesions": "",
                "sites-2-site": "bone",
                "sites-2-lesions": "1",
                "sites-3-site": "liver",
                "sites-3-lesions": "0",
            }
        )
        response = client_for(coordinator).post(URL, data)
        assert response.status_code == 200
        assert Case.objects.count() == 0
        assert errors_of(response, "site", row=2) == ["duplicate_site"]
        assert errors_of(response, "lesions", row=3) == ["min_value"]
        assert errors_of(response, "site", row=0) == []
        assert errors_of(response, "site", row=1) == []

    def test_it_asks_for_the_site_of_a_row_with_only_a_lesion_count(self, coordinator, case_data):
        data = form_data(case_data())
        data.update({"sites-TOTAL_FORMS": "3", "sites-2-site": "", "sites-2-lesions": "3"})
        response = client_for(coordinator).post(URL, data)
        assert errors_of(response, "site", row=2) == ["required"]
        assert Case.objects.count() == 0

    def test_it_refuses_a_lesion_count_the_database_cannot_hold(self, coordinator, case_data):
        data = form_data(case_data())
        data["sites-0-lesions"] = "9" * 30
        response = client_for(coordinator).post(URL, data)
        assert response.status_code == 200
        assert errors_of(response, "lesions", row=0) == ["max_value"]
        assert Case.objects.count() == 0

    def test_it_needs_at_least_one_site(self, coordinator, case_data):
        body = case_data(sites=[], symptomatic_sites=[])
        response = client_for(coordinator).post(URL, form_data(body, empty_rows=3))
        assert response.status_code == 200
        assert "Add at least one site of disease." in response.context["entry"].site_errors
        assert "Add at least one site of disease." in response.content.decode()

    def test_it_shows_type_errors_and_contract_errors_together(self, coordinator, case_data):
        data = form_data(case_data(recurrence_date="2018-01-01"))
        data["age"] = "fifty"
        data["sites-1-lesions"] = "two"
        response = client_for(coordinator).post(URL, data)
        assert response.status_code == 200
        assert errors_of(response, "age") == ["invalid"]
        assert errors_of(response, "lesions", row=1) == ["invalid"]
        assert errors_of(response, "recurrence_date") == ["date_order"]
        assert Case.objects.count() == 0

    def test_it_refuses_a_case_number_in_use(self, coordinator, stored_case, case_data):
        body = case_data(case_number=stored_case.case_number)
        response = client_for(coordinator).post(URL, form_data(body))
        assert response.status_code == 200
        assert errors_of(response, "case_number") == ["unique"]
        assert Case.objects.count() == 1

    def test_it_leaves_out_removed_rows(self, coordinator, case_data):
        data = form_data(case_data(case_number="DEL-1"))
        data["sites-1-DELETE"] = "on"
        response = client_for(coordinator).post(URL, data)
        assert response.status_code == 302
        case = Case.objects.get(case_number="DEL-1")
        assert [s.site for s in case.sites.all()] == ["bone"]

    def test_it_escapes_script_typed_into_text_fields(self, coordinator, case_data):
        body = case_data(
            case_number="<script>alert(1)</script>",
            hospital_number="<script>alert(2)</script>",
        )
        response = client_for(coordinator).post(URL, form_data(body))
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert Case.objects.count() == 0

    def test_it_survives_a_tampered_form(self, coordinator, case_data):
        data = form_data(case_data())
        del data["sites-TOTAL_FORMS"]
        data["presentation"] = "nonsense"
        data["recurrence_date"] = "2024-13-45"
        data["version"] = "9" * 40
        response = client_for(coordinator).post(URL, data)
        assert response.status_code == 200
        assert errors_of(response, "presentation") == ["invalid_choice"]
        assert errors_of(response, "recurrence_date") == ["invalid"]
        assert Case.objects.count() == 0

    def test_it_refuses_roles_that_do_not_enter_cases(
        self, oncologist, administrator, nobody, case_data
    ):
        for user in (oncologist, administrator, nobody):
            client = client_for(user)
            assert client.get(URL).status_code == 403
            assert client.post(URL, form_data(case_data())).status_code == 403
        assert Case.objects.count() == 0

    def test_it_sends_anonymous_users_to_sign_in(self, db, case_data):
        response = client_for().post(URL, form_data(case_data()))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        assert Case.objects.count() == 0

    def test_it_refuses_other_methods(self, coordinator):
        client = client_for(coordinator)
        assert client.put(URL).status_code == 405
        assert client.delete(URL).status_code == 405
