"""/api/v1/studies/, /api/v1/studies/{key}/ and /api/v1/cases/{id}/evidence/."""

from __future__ import annotations

import pytest
from evidence_sources import data
from panel_order import assert_panel_order

from evidence.matching import load_library, match_evidence
from recurrence.services import case_facts
from tests.api.helpers import assert_error_shape, client_for, error_codes

STUDIES = "/api/v1/studies/"

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    return [s["key"] for s in response.json()]


class TestStudyList:
    def test_it_lists_every_study_in_the_library_order(self, oncologist):
        response = client_for(oncologist).get(STUDIES)
        assert response.status_code == 200
        assert keys(response) == [s["key"] for s in data("studies.json")["studies"]]
        soomro = response.json()[0]
        assert soomro["design"] == "retrospective_series"
        assert soomro["n_total"] == 421
        assert [a["name"] for a in soomro["arms"]] == ["surgery", "no surgery"]
        assert soomro["population"]["presentation"] == ["de_novo_stage_iv"]
        assert soomro["interventions"] == ["primary_tumour_surgery"]
        assert soomro["figure_count"] == 39

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"intervention": "liver_resection"}, ["severance-liver", "pockaj-2010", "liver-review-2017"]),
            ({"site": "brain"}, ["severance-liver", "pockaj-2010"]),
            ({"design": "registry"}, ["friedel-2002"]),
            ({"intervention": "lung_metastasectomy", "design": "meta_analysis"}, ["fan-2015"]),
            ({"intervention": "metastasis_directed_therapy"}, ["palma-2020", "chmura-2022"]),
        ],
    )  # fmt: skip
    def test_it_filters_by_query_parameters(self, oncologist, query, expected):
        assert keys(client_for(oncologist).get(STUDIES, query)) == expected

    @pytest.mark.parametrize(
        "query",
        [{"design": "anecdote"}, {"site": "spleen"}, {"intervention": "<script>"}, {"site": ""}],
    )
    def test_a_value_it_does_not_know_matches_nothing(self, oncologist, query):
        response = client_for(oncologist).get(STUDIES, query)
        assert response.status_code == 200
        if query.get("site") == "":
            assert len(keys(response)) == 17  # an empty filter is no filter
        else:
            assert keys(response) == []

    def test_it_needs_a_signed_in_user(self):
        response = client_for().get(STUDIES)
        assert response.status_code == 401
        assert_error_shape(response)

    def test_it_needs_a_role(self, nobody):
        response = client_for(nobody).get(STUDIES)
        assert response.status_code == 403
        assert_error_shape(response)

    def test_it_reads_only(self, administrator):
        response = client_for(administrator).post(STUDIES, {"key": "x"}, format="json")
        assert response.status_code == 405
        assert error_codes(response) == ["method_not_allowed"]


class TestStudyDetail:
    def test_it_gives_the_study_with_its_figures_as_written(self, oncologist):
        body = client_for(oncologist).get(f"{STUDIES}fan-2015/").json()
        assert body["key"] == "fan-2015"
        fan = {f["id"]: f for f in body["figures"]}
        assert fan["fan-2015-02"]["value"] == "1.70"
        assert (fan["fan-2015-02"]["ci_low"], fan["fan-2015-02"]["ci_high"]) == ("1.37", "2.10")
        assert fan["fan-2015-01"]["ci_level"] == 95
        assert body["references"] == [] and body["liver_patients"] == []

    def test_the_figures_equal_the_data_file(self, oncologist):
        body = client_for(oncologist).get(f"{STUDIES}severance-liver/").json()
        expected = [f for f in data("figures.json")["figures"] if f["study"] == "severance-liver"]
        assert len(body["figures"]) == len(expected) == 16
        for got, want in zip(body["figures"], expected, strict=True):
            assert got["id"] == want["id"]
            assert got["value"] == str(want["value"])
            assert got["inconsistent"] == want["inconsistent"]
            assert got["note"] == want["note"]
            assert got["quote"] == want["quote"]
            assert got["subgroup"] == want["subgroup"]

    def test_the_liver_series_comes_with_its_patients_and_notes(self, oncologist):
        body = client_for(oncologist).get(f"{STUDIES}severance-liver/").json()
        assert len(body["liver_patients"]) == 13
        first = body["liver_patients"][0]
        assert (first["id"], first["group"], first["survival_months"]) == (
            "S1",
            "liver_only",
            "39.3",
        )
        assert first["liver_segments"] == [4]
        assert body["liver_patients"][9]["survival_months"] == "25.0"
        assert len(body["liver_notes"]) == 5

    def test_the_review_comes_with_the_works_it_cites_tagged(self, oncologist):
        body = client_for(oncologist).get(f"{STUDIES}pockaj-2010/").json()
        assert [r["number"] for r in body["references"]] == list(range(1, 60))
        ref32 = body["references"][31]
        assert (ref32["tag"], ref32["study"], ref32["cited_by"]) == (
            "lung",
            "friedel-2002",
            "pockaj-2010",
        )
        assert body["figures"] == [] and body["figure_count"] == 0

    def test_an_unknown_key_is_404_in_the_error_shape(self, oncologist):
        for key in ("no-such-study", "soomro 2021", "<script>"):
            response = client_for(oncologist).get(f"{STUDIES}{key}/")
            assert response.status_code == 404
            assert_error_shape(response)

    def test_it_needs_a_signed_in_user_with_a_role(self, nobody):
        assert client_for().get(f"{STUDIES}soomro-2021/").status_code == 401
        assert client_for(nobody).get(f"{STUDIES}soomro-2021/").status_code == 403

    def test_it_reads_only(self, administrator):
        client = client_for(administrator)
        assert client.put(f"{STUDIES}soomro-2021/", {}, format="json").status_code == 405
        assert client.delete(f"{STUDIES}soomro-2021/").status_code == 405


class TestCaseEvidence:
    def url(self, case) -> str:
        return f"/api/v1/cases/{case.pk}/evidence/"

    def test_it_lists_the_studies_for_the_stored_case_in_the_panels_order(
        self, oncologist, stored_case
    ):
        response = client_for(oncologist).get(self.url(stored_case))
        assert response.status_code == 200
        body = response.json()
        expected = match_evidence(case_facts(stored_case), load_library())
        assert body == [m.as_dict() for m in expected]
        assert_panel_order(body)
        assert all("score" not in m and 0 <= m["fit"] <= 100 for m in body)
        assert {"friedel-2002", "fan-2015", "pockaj-2010"} <= {m["study"] for m in body}

    def test_a_local_regional_recurrence_gets_an_empty_list(
        self, oncologist, coordinator, case_data
    ):
        from recurrence.services import case_create

        case = case_create(
            data=case_data(
                sites=[{"site": "chest_wall", "lesions": 1}], symptomatic_sites=[], bone_pain=False
            ),
            user=coordinator,
        )
        response = client_for(oncologist).get(self.url(case))
        assert response.status_code == 200
        assert response.json() == []

    def test_a_missing_case_is_404(self, oncologist):
        response = client_for(oncologist).get("/api/v1/cases/424242/evidence/")
        assert response.status_code == 404
        assert_error_shape(response)

    def test_it_needs_a_signed_in_user_with_a_role(self, nobody, stored_case):
        assert client_for().get(self.url(stored_case)).status_code == 401
        assert client_for(nobody).get(self.url(stored_case)).status_code == 403

    def test_it_reads_only(self, oncologist, stored_case):
        assert (
            client_for(oncologist).post(self.url(stored_case), {}, format="json").status_code == 405
        )


def test_the_schema_describes_the_evidence_endpoints(oncologist):
    response = client_for(oncologist).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    paths = response.json()["paths"]
    assert {"/api/v1/studies/", "/api/v1/studies/{key}/", "/api/v1/cases/{id}/evidence/"} <= set(
        paths
    )
    study_list = paths["/api/v1/studies/"]["get"]
    assert {p["name"] for p in study_list["parameters"]} == {"intervention", "site", "design"}
