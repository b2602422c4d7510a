import pytest

from tests.pages.helpers import client_for

URL = "/accounts/logout/"


@pytest.mark.django_db
class TestLogout:
    def test_it_signs_out_and_returns_to_sign_in(self, oncologist):
        client = client_for(oncologist)
        response = client.post(URL)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"
        assert client.get("/").status_code == 302

    def test_a_user_without_a_role_can_sign_out(self, nobody):
        assert client_for(nobody).post(URL).status_code == 302

    def test_every_page_offers_it_as_a_form(self, oncologist):
        html = client_for(oncologist).get("/").content.decode()
        assert '<form method="post" action="/accounts/logout/">' in html

    def test_it_refuses_get(self, oncologist):
        client = client_for(oncologist)
        assert client.get(URL).status_code == 405
        assert client.get("/").status_code == 200  # still signed in
