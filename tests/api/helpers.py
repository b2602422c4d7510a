from rest_framework.test import APIClient


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def error_codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def error_fields(response) -> list[str | None]:
    return [e["field"] for e in response.json()["errors"]]


def assert_error_shape(response) -> None:
    body = response.json()
    assert set(body) >= {"errors"}, body
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}, error
        assert error["message"]
