import pytest
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

URL = "/api/v1/auth/token/"


@pytest.mark.django_db
class TestToken:
    def test_it_issues_a_token_that_authenticates(self, oncologist):
        token = (
            APIClient()
            .post(URL, {"username": "oscar", "password": PASSWORD}, format="json")
            .json()["token"]
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.get("/api/v1/cases/").status_code == 200

    def test_a_wrong_password_is_refused(self, oncologist):
        response = APIClient().post(URL, {"username": "oscar", "password": "nope"}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "authentication_failed"

    def test_missing_fields_are_named(self, db):
        response = APIClient().post(URL, {}, format="json")
        assert [e["field"] for e in response.json()["errors"]] == ["username", "password"]

    def test_repeated_failures_lock_the_user_name_even_with_the_right_password(self, oncologist):
        api = APIClient()
        for _ in range(5):
            api.post(URL, {"username": "oscar", "password": "wrong"}, format="json")
        response = api.post(URL, {"username": "oscar", "password": PASSWORD}, format="json")
        assert response.status_code == 429
        assert response.json()["errors"][0]["code"] == "throttled"

    def test_get_is_405(self, db):
        assert APIClient().get(URL).status_code == 405
