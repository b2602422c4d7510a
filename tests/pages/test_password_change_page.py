import pytest
from django.contrib.auth import get_user_model

from tests.conftest import PASSWORD
from tests.pages.helpers import client_for

URL = "/accounts/password/"
NEW = "another-long-password-42"


@pytest.mark.django_db
class TestPasswordChange:
    def test_it_changes_the_password(self, oncologist):
        client = client_for(oncologist)
        assert client.get(URL).status_code == 200
        response = client.post(
            URL, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
        )
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/done/"
        assert get_user_model().objects.get(pk=oncologist.pk).check_password(NEW)
        done = client.get(response["Location"])
        assert done.status_code == 200
        assert "Password changed" in done.content.decode()

    def test_a_user_without_a_role_can_change_it(self, nobody):
        assert client_for(nobody).get(URL).status_code == 200

    def test_it_shows_errors_next_to_the_field(self, oncologist):
        response = client_for(oncologist).post(
            URL, {"old_password": "wrong", "new_password1": NEW, "new_password2": "different"}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form.has_error("old_password", "password_incorrect")
        assert form.has_error("new_password2", "password_mismatch")
        assert 'id="id_old_password_error"' in response.content.decode()
        assert get_user_model().objects.get(pk=oncologist.pk).check_password(PASSWORD)

    def test_it_sends_anonymous_users_to_sign_in(self, db):
        response = client_for().get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_it_refuses_other_methods(self, oncologist):
        assert client_for(oncologist).put(URL).status_code == 405
