import pytest
from django.test import Client

from recurrence import throttle
from recurrence.models import FailedLogin
from tests.conftest import PASSWORD

URL = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(URL, {"username": username, "password": password}, **extra)


@pytest.mark.django_db
class TestLogin:
    def test_anonymous_users_see_the_styled_page(self):
        response = Client().get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<link rel="stylesheet" href="/static/css/mbc.css">' in html
        assert "Decision support only" in html

    def test_it_signs_in_and_opens_the_case_list(self, coordinator):
        client = Client()
        response = sign_in(client, "cora", PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert client.get("/").status_code == 200

    def test_it_returns_to_the_page_asked_for(self, coordinator):
        response = Client().post(
            URL + "?next=/sources/", {"username": "cora", "password": PASSWORD, "next": "/sources/"}
        )
        assert response["Location"] == "/sources/"

    def test_it_refuses_a_wrong_password_and_counts_it(self, coordinator):
        response = sign_in(Client(), "cora", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
        assert FailedLogin.objects.filter(username="cora").count() == 1

    def test_it_locks_out_after_five_failures_even_with_the_right_password(self, coordinator):
        client = Client()
        for _ in range(5):
            sign_in(client, "cora", "wrong")
        response = sign_in(client, "cora", PASSWORD)
        assert response.status_code == 200
        assert throttle.LOCKED_MESSAGE in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_it_locks_out_an_address_that_tries_many_names(self, coordinator):
        client = Client()
        for i in range(20):
            sign_in(client, f"guess{i}", "wrong")
        response = sign_in(client, "cora", PASSWORD)
        assert throttle.LOCKED_MESSAGE in response.content.decode()
        other_address = sign_in(Client(), "cora", PASSWORD, REMOTE_ADDR="10.0.0.9")
        assert other_address.status_code == 302

    def test_it_clears_the_failures_after_signing_in(self, coordinator):
        client = Client()
        for _ in range(4):
            sign_in(client, "cora", "wrong")
        assert sign_in(client, "cora", PASSWORD).status_code == 302
        assert not FailedLogin.objects.filter(username="cora").exists()

    def test_it_asks_for_both_fields_without_counting_a_failure(self, db):
        response = Client().post(URL, {"username": "", "password": ""})
        assert response.status_code == 200
        assert response.context["form"].has_error("username", "required")
        assert not FailedLogin.objects.exists()

    def test_it_refuses_a_name_with_a_null_character(self, db):
        response = sign_in(Client(), "co\x00ra", "x")
        assert response.status_code == 200
        assert response.context["form"].has_error("username", "null_characters_not_allowed")

    def test_it_escapes_the_name_typed(self, db):
        response = sign_in(Client(), "<script>alert(7)</script>", "x")
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(7)&lt;/script&gt;" in html

    def test_it_refuses_other_methods(self, db):
        assert Client().put(URL).status_code == 405
