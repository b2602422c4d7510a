"""L3: the served OpenAPI schema says what the API does: JSON bodies only, `version`
required where a write needs it, every error answer documented in the error shape."""

from __future__ import annotations

import pytest

from tests.api.helpers import client_for

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(coordinator):
    response = client_for(coordinator).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def body_schema(schema, operation):
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.django_db
class TestSchema:
    def test_only_json_bodies_are_advertised(self, schema):
        for path, method, operation in operations(schema):
            if "requestBody" in operation:
                # The FHIR import also takes FHIR's own JSON media type, read the same way.
                allowed = {"application/json"} | (
                    {"application/fhir+json"} if path == "/api/v1/fhir/import" else set()
                )
                assert set(operation["requestBody"]["content"]) <= allowed, (method, path)
                assert "application/json" in operation["requestBody"]["content"], (method, path)

    def test_version_is_required_where_a_write_checks_it(self, schema):
        paths = schema["paths"]
        for path, method in (
            ("/api/v1/cases/{id}/", "patch"),
            ("/api/v1/cases/{id}/", "put"),
            ("/api/v1/cases/{id}/follow-up/", "put"),
            ("/api/v1/cases/{id}/treatments/", "post"),
            ("/api/v1/cases/{id}/archive/", "post"),
        ):
            assert "version" in body_schema(schema, paths[path][method])["required"], (method, path)
        patch = body_schema(schema, paths["/api/v1/cases/{id}/"]["patch"])
        assert patch["required"] == ["version"]  # every other field may be left out
        removal = paths["/api/v1/cases/{id}/treatments/{treatment_pk}/"]["delete"]
        assert any(p["name"] == "version" and p["required"] for p in removal["parameters"])

    def test_no_delete_of_a_case_is_advertised(self, schema):
        assert "delete" not in schema["paths"]["/api/v1/cases/{id}/"]
        assert "post" in schema["paths"]["/api/v1/cases/{id}/archive/"]

    def test_every_error_answer_is_documented_in_the_error_shape(self, schema):
        for path, method, operation in operations(schema):
            responses = operation["responses"]
            if "{" in path:
                assert "404" in responses, (method, path)
            if operation.get("security") not in (None, [], [{}]):
                assert {"401", "403"} <= set(responses), (method, path)
            if "requestBody" in operation:
                assert {"400", "415"} <= set(responses), (method, path)
            for code, answer in responses.items():
                if code.startswith(("4", "5")):
                    content = answer["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/Errors"}, (method, path, code)

    def test_the_token_endpoint_takes_no_credentials_to_post(self, schema):
        token = schema["paths"]["/api/v1/auth/token/"]
        assert token["post"].get("security") in (None, [], [{}])
        assert "401" not in token["post"]["responses"]
        assert "204" in token["delete"]["responses"]
