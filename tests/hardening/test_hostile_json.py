"""M1-M4, L5: bodies Python's json would take but the API must refuse with a 400 in its
error shape, never a 500 (tests fail on the code before the strict parser)."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from mbc_site.parsers import MAX_DEPTH, loads_strict, nesting_depth
from tests.api.helpers import assert_error_shape, client_for, error_codes, error_fields

TOKEN = "/api/v1/auth/token/"
CASES = "/api/v1/cases/"
EVALUATE = "/api/v1/recommendations/evaluate/"


def raw(client, url, text: str, method: str = "post"):
    return getattr(client, method)(url, text.encode("utf-8"), content_type="application/json")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.django_db
class TestStrictJSON:
    def test_a_lone_surrogate_is_refused_anonymously_on_the_token_endpoint(self):
        response = raw(APIClient(), TOKEN, '{"username": "\\ud800", "password": "x"}')
        assert response.status_code == 400
        assert_error_shape(response)
        assert error_codes(response) == ["invalid_character"]

    def test_a_lone_surrogate_in_a_key_or_a_case_is_refused(self, coordinator):
        api = client_for(coordinator)
        for body in ('{"\\udfff": 1}', '{"case_number": "A\\ud83d", "sites": []}'):
            response = raw(api, CASES, body)
            assert response.status_code == 400, body
            assert error_codes(response) == ["invalid_character"]

    def test_a_proper_surrogate_pair_is_a_character_and_is_kept(self, coordinator, case_data):
        body = json.dumps(case_data(hospital_number="H\U0001f600"))  # ensure_ascii: \\ud83d\\ude00
        assert "\\ud83d\\ude00" in body
        response = raw(client_for(coordinator), CASES, body)
        assert response.status_code == 201, response.json()
        assert response.json()["hospital_number"] == "H\U0001f600"

    @pytest.mark.parametrize("depth", [1000, MAX_DEPTH + 1])
    def test_deep_nesting_is_refused(self, coordinator, depth):
        for url in (TOKEN, CASES, EVALUATE):
            response = raw(client_for(coordinator), url, nested(depth))
            assert response.status_code == 400, url
            assert_error_shape(response)
            assert error_codes(response) == ["too_deep"]

    def test_a_fhir_depth_bundle_is_well_inside_the_limit(self, coordinator):
        # Bundle > entry[] > resource > component[] > valueCodeableConcept > coding[] > {..}
        leaf = {"system": "http://loinc.org", "code": "85337-4", "extension": [{"url": "x"}]}
        bundle = {
            "resourceType": "Bundle",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Observation",
                        "component": [{"valueCodeableConcept": {"coding": [leaf]}}],
                    }
                }
            ],
        }
        text = json.dumps(bundle)
        assert 8 <= nesting_depth(text) <= 12
        assert nesting_depth(text) * 4 < MAX_DEPTH
        assert loads_strict(text) == bundle
        response = raw(client_for(coordinator), EVALUATE, text)
        assert "too_deep" not in error_codes(response)  # the contract refuses it, not the parser

    def test_brackets_inside_strings_do_not_count(self):
        assert (
            nesting_depth(
                '{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'
            )
            == 1
        )
        assert nesting_depth('["\\"[[[", {"b": ["\\\\"]}]') == 3

    def test_duplicate_keys_are_refused_clearly(self, coordinator, case_data):
        body = json.dumps(case_data())[:-1] + ', "ecog": 4, "ecog": 0}'
        response = raw(client_for(coordinator), CASES, body)
        assert response.status_code == 400
        assert_error_shape(response)
        assert error_codes(response) == ["duplicate_key"]
        assert "'ecog'" in response.json()["errors"][0]["message"]
        response = raw(APIClient(), TOKEN, '{"username": "a", "username": "b", "password": "p"}')
        assert error_codes(response) == ["duplicate_key"]

    def test_nan_and_infinity_are_not_numbers(self, coordinator):
        response = raw(client_for(coordinator), EVALUATE, '{"age": NaN}')
        assert response.status_code == 400
        assert error_codes(response) == ["invalid_number"]

    def test_a_form_body_is_unsupported(self, coordinator, case_data):
        response = client_for(coordinator).post(CASES, {"case_number": "X-1"})
        assert response.status_code == 415
        assert_error_shape(response)

    def test_bytes_that_are_not_utf8_are_refused(self):
        response = APIClient().post(TOKEN, b'{"username": "\xff"}', content_type="application/json")
        assert response.status_code == 400
        assert_error_shape(response)


@pytest.mark.django_db
class TestVersionIsAPlainInteger:
    @pytest.mark.parametrize("version", ["²", True, "1", 1.0, "", [1], {"v": 1}, 2**63, 0, -1])
    def test_a_version_that_is_not_a_plain_integer_is_refused(
        self, coordinator, stored_case, version
    ):
        api = client_for(coordinator)
        for method, url in (
            ("patch", f"{CASES}{stored_case.pk}/"),
            ("put", f"{CASES}{stored_case.pk}/follow-up/"),
            ("post", f"{CASES}{stored_case.pk}/treatments/"),
        ):
            response = getattr(api, method)(url, {"version": version}, format="json")
            assert response.status_code == 400, (method, url, response.content)
            assert_error_shape(response)
            assert "version" in error_fields(response)
        stored_case.refresh_from_db()
        assert stored_case.version == 1

    @pytest.mark.parametrize("version", ["²", "1.0", "x", "99999999999999999999", "0"])
    def test_a_version_in_a_query_string_must_be_digits(self, coordinator, stored_case, version):
        from recurrence.services import treatment_add

        treatment = treatment_add(
            case_id=stored_case.pk,
            data={"kind": "radiotherapy", "start_date": "2024-07-01", "site": "bone"},
            version=1,
            user=coordinator,
        )
        url = f"{CASES}{stored_case.pk}/treatments/{treatment.pk}/?version={version}"
        response = client_for(coordinator).delete(url)
        assert response.status_code == 400
        assert error_fields(response) == ["version"]

    def test_the_treatment_remove_page_refuses_a_superscript_version(
        self, coordinator, stored_case
    ):
        from django.test import Client

        from recurrence.services import treatment_add

        treatment = treatment_add(
            case_id=stored_case.pk,
            data={"kind": "radiotherapy", "start_date": "2024-07-01", "site": "bone"},
            version=1,
            user=coordinator,
        )
        client = Client()
        client.force_login(coordinator)
        response = client.post(
            f"/cases/{stored_case.pk}/treatments/{treatment.pk}/remove/", {"version": "²"}
        )
        assert response.status_code == 302
        assert stored_case.treatments.count() == 1
