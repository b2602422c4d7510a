import pytest

from tests.api.helpers import assert_error_shape, client_for, error_codes

EVALUATE = "/api/v1/recommendations/evaluate/"


@pytest.mark.django_db
class TestStoredRecommendation:
    def test_it_evaluates_the_stored_case(self, oncologist, stored_case):
        body = client_for(oncologist).get(f"/api/v1/cases/{stored_case.pk}/recommendation/").json()
        codes = {r["code"] for r in body["recommendations"]}
        assert (body["ruleset"]["id"], body["ruleset"]["version"]) == ("mbc-recurrence", "2.0")
        assert len(body["ruleset"]["note"]) >= 40
        assert all(len(r["source"]["passage"]) >= 25 for r in body["recommendations"])
        assert set(body["prognosis"]) == {"favourable", "absent", "unknown"}
        assert body["category"] == "metastatic"
        assert {"ENDOCRINE_FIRST_LINE", "ENDO_AROMATASE_INHIBITOR", "BONE_BISPHOSPHONATE"} <= codes
        assert all(r["because"] and r["source"]["id"] for r in body["recommendations"])

    def test_it_needs_a_role(self, nobody, stored_case):
        assert (
            client_for(nobody).get(f"/api/v1/cases/{stored_case.pk}/recommendation/").status_code
            == 403
        )

    def test_a_missing_case_is_404(self, oncologist):
        assert client_for(oncologist).get("/api/v1/cases/424242/recommendation/").status_code == 404


@pytest.mark.django_db
class TestEvaluate:
    def test_it_returns_the_result_and_stores_nothing(self, oncologist, case_data):
        from recurrence.models import Case

        data = case_data()
        del data["case_number"], data["hospital_number"]
        response = client_for(oncologist).post(EVALUATE, data, format="json")
        assert response.status_code == 200
        assert response.json()["subtype"] == "luminal_b"
        assert Case.objects.count() == 0

    def test_a_refused_case_answers_400_with_the_contract_codes(self, oncologist):
        case = {
            "presentation": "de_novo_stage_iv",
            "recurrence_date": "2024-01-01",
            "sites": [{"site": "breast"}],
        }
        response = client_for(oncologist).post(EVALUATE, case, format="json")
        assert response.status_code == 400
        assert_error_shape(response)
        assert error_codes(response) == ["de_novo_without_distant_site"]

    def test_get_is_405(self, oncologist):
        assert client_for(oncologist).get(EVALUATE).status_code == 405

    def test_anonymous_is_401(self, db):
        assert client_for().post(EVALUATE, {}, format="json").status_code == 401
