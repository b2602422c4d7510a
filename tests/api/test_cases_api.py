import pytest

from recurrence.models import Case, CaseChange
from tests.api.helpers import assert_error_shape, client_for, error_codes, error_fields

URL = "/api/v1/cases/"


def detail(case) -> str:
    return f"/api/v1/cases/{case.pk}/"


@pytest.mark.django_db
class TestList:
    def test_it_lists_cases_newest_first(self, coordinator, case_data):
        api = client_for(coordinator)
        api.post(URL, case_data(case_number="A-1"), format="json")
        api.post(URL, case_data(case_number="A-2"), format="json")
        body = client_for(coordinator).get(URL).json()
        assert body["count"] == 2
        assert [c["case_number"] for c in body["results"]] == ["A-2", "A-1"]

    def test_it_searches_and_filters(self, coordinator, case_data):
        api = client_for(coordinator)
        api.post(URL, case_data(case_number="MET-1", hospital_number="H1"), format="json")
        api.post(
            URL,
            case_data(
                case_number="LRR-1",
                hospital_number="H2",
                sites=[{"site": "chest_wall", "lesions": 1}],
                symptomatic_sites=[],
            ),
            format="json",
        )
        assert [c["case_number"] for c in api.get(URL, {"q": "h2"}).json()["results"]] == ["LRR-1"]
        found = api.get(URL, {"category": "metastatic"}).json()["results"]
        assert [c["case_number"] for c in found] == ["MET-1"]

    def test_oncologists_read(self, oncologist, stored_case):
        assert client_for(oncologist).get(URL).status_code == 200

    def test_anonymous_gets_401_in_the_error_shape(self, db):
        response = client_for().get(URL)
        assert response.status_code == 401
        assert_error_shape(response)

    def test_a_user_without_a_role_gets_403(self, nobody):
        response = client_for(nobody).get(URL)
        assert response.status_code == 403
        assert_error_shape(response)

    def test_a_bad_page_is_404_not_500(self, oncologist):
        response = client_for(oncologist).get(URL, {"page": "x9"})
        assert response.status_code == 404
        assert_error_shape(response)


@pytest.mark.django_db
class TestCreate:
    def test_a_coordinator_creates_a_case_with_its_sites(self, coordinator, case_data):
        response = client_for(coordinator).post(URL, case_data(), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["version"] == 1
        assert body["sites"] == [{"site": "bone", "lesions": 2}, {"site": "lung", "lesions": 1}]
        assert body["symptomatic_sites"] == ["bone"]
        assert body["category"] == "metastatic"
        assert body["created_by"] == "cora"
        case = Case.objects.get(pk=body["id"])
        assert case.sites.count() == 2
        assert CaseChange.objects.get(case=case).action == "create"

    def test_an_oncologist_cannot_create(self, oncologist, case_data):
        response = client_for(oncologist).post(URL, case_data(), format="json")
        assert response.status_code == 403
        assert_error_shape(response)
        assert Case.objects.count() == 0

    def test_bad_input_is_refused_with_every_problem_and_nothing_is_stored(
        self, coordinator, case_data
    ):
        data = case_data(
            case_number="",
            recurrence_date="2010-01-01",
            sites=[{"site": "bone", "lesions": 0}, {"site": "bone"}],
            colour="blue",
        )
        response = client_for(coordinator).post(URL, data, format="json")
        assert response.status_code == 400
        assert_error_shape(response)
        assert set(error_codes(response)) == {
            "required",
            "date_order",
            "min_value",
            "duplicate_site",
            "unknown_field",
        }
        assert "sites[0].lesions" in error_fields(response)
        assert Case.objects.count() == 0

    def test_a_case_number_is_unique(self, coordinator, stored_case, case_data):
        response = client_for(coordinator).post(URL, case_data(), format="json")
        assert response.status_code == 400
        assert error_codes(response) == ["unique"]
        assert Case.objects.count() == 1

    def test_malformed_json_is_a_400_in_the_error_shape(self, coordinator):
        response = client_for(coordinator).post(URL, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert_error_shape(response)

    def test_a_list_body_is_refused(self, coordinator):
        response = client_for(coordinator).post(URL, [1, 2], format="json")
        assert response.status_code == 400
        assert error_codes(response) == ["wrong_type"]


@pytest.mark.django_db
class TestDetail:
    def test_it_reads_a_case(self, oncologist, stored_case):
        body = client_for(oncologist).get(detail(stored_case)).json()
        assert body["id"] == stored_case.pk
        assert body["case_number"] == "MBC-0001"
        assert body["workup"]["cbc"] is True and body["workup"]["bone_scan"] is False

    def test_a_missing_case_is_404_in_the_error_shape(self, oncologist):
        response = client_for(oncologist).get("/api/v1/cases/999999/")
        assert response.status_code == 404
        assert_error_shape(response)

    def test_put_replaces_and_records_history(self, coordinator, stored_case, case_data):
        data = case_data(ecog=2, version=1)
        response = client_for(coordinator).put(detail(stored_case), data, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["version"] == 2
        change = CaseChange.objects.get(case=stored_case, version=2)
        assert change.changes == {"ecog": [1, 2]}
        assert change.changed_by.username == "cora"

    def test_patch_changes_only_what_it_sends(self, coordinator, stored_case):
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 1, "workup": {"bone_scan": True}}, format="json"
        )
        assert response.status_code == 200, response.json()
        workup = response.json()["workup"]
        assert workup["bone_scan"] is True and workup["cbc"] is True
        assert response.json()["ecog"] == 1

    def test_a_write_without_version_is_refused(self, coordinator, stored_case):
        response = client_for(coordinator).patch(detail(stored_case), {"ecog": 2}, format="json")
        assert response.status_code == 400
        assert error_fields(response) == ["version"]
        stored_case.refresh_from_db()
        assert stored_case.ecog == 1

    def test_a_stale_version_answers_409_with_the_current_version(self, coordinator, stored_case):
        api = client_for(coordinator)
        assert (
            api.patch(detail(stored_case), {"version": 1, "ecog": 2}, format="json").status_code
            == 200
        )
        response = api.patch(detail(stored_case), {"version": 1, "ecog": 3}, format="json")
        assert response.status_code == 409
        assert_error_shape(response)
        assert response.json()["current_version"] == 2
        assert error_codes(response) == ["stale_version"]
        stored_case.refresh_from_db()
        assert (stored_case.ecog, stored_case.version) == (2, 2)

    def test_invalid_update_stores_nothing(self, coordinator, stored_case):
        response = client_for(coordinator).patch(
            detail(stored_case), {"version": 1, "ecog": 9, "sites": []}, format="json"
        )
        assert response.status_code == 400
        assert set(error_codes(response)) == {"max_value", "required"}
        stored_case.refresh_from_db()
        assert (stored_case.ecog, stored_case.version, stored_case.sites.count()) == (1, 1, 2)
        assert CaseChange.objects.filter(case=stored_case).count() == 1

    def test_an_oncologist_cannot_update(self, oncologist, stored_case):
        response = client_for(oncologist).patch(
            detail(stored_case), {"version": 1, "ecog": 2}, format="json"
        )
        assert response.status_code == 403

    def test_a_case_is_never_deleted(self, coordinator, oncologist, administrator, stored_case):
        # Archive instead (tests/hardening/test_archive.py).
        assert client_for(coordinator).delete(detail(stored_case)).status_code == 403
        assert client_for(oncologist).delete(detail(stored_case)).status_code == 403
        response = client_for(administrator).delete(detail(stored_case))
        assert response.status_code == 405
        assert error_codes(response) == ["method_not_allowed"]
        assert Case.objects.filter(pk=stored_case.pk).exists()

    def test_a_wrong_method_is_405_in_the_error_shape(self, coordinator, stored_case):
        response = client_for(coordinator).post(detail(stored_case), {}, format="json")
        assert response.status_code == 405
        assert_error_shape(response)
        assert error_codes(response) == ["method_not_allowed"]

    def test_script_tags_come_back_as_data_not_markup(self, coordinator, case_data):
        response = client_for(coordinator).post(
            URL, case_data(hospital_number="<script>alert(1)</script>"), format="json"
        )
        assert response.status_code == 201
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["hospital_number"] == "<script>alert(1)</script>"


@pytest.mark.django_db
class TestStorageLimits:
    def test_a_lesion_count_the_database_cannot_hold_is_refused_not_a_500(
        self, coordinator, case_data
    ):
        data = case_data(sites=[{"site": "bone", "lesions": 10**30}], symptomatic_sites=[])
        response = client_for(coordinator).post(URL, data, format="json")
        assert response.status_code == 400
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
            ("sites[0].lesions", "max_value")
        ]
        assert Case.objects.count() == 0

    def test_the_same_count_is_still_evaluated_without_storing(self, oncologist, case_data):
        data = case_data(sites=[{"site": "bone", "lesions": 10**30}], symptomatic_sites=[])
        del data["case_number"], data["hospital_number"]
        response = client_for(oncologist).post(
            "/api/v1/recommendations/evaluate/", data, format="json"
        )
        assert response.status_code == 200

    def test_null_characters_are_refused_or_ignored_never_a_500(self, coordinator, case_data):
        api = client_for(coordinator)
        response = api.post(URL, case_data(hospital_number="H\x001"), format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "hospital_number"
        assert api.get(URL, {"q": "MBC\x00", "subtype": "\x00"}).status_code == 200
        token = api.post(
            "/api/v1/auth/token/", {"username": "co\x00ra", "password": "x"}, format="json"
        )
        assert token.status_code == 400
