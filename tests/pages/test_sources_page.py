import pytest
from django.utils.html import escape

from recurrence.guideline import SOURCES
from tests.pages.helpers import client_for

URL = "/sources/"


@pytest.mark.django_db
class TestSources:
    def test_it_describes_every_source_under_its_id(self, oncologist):
        response = client_for(oncologist).get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        for source in SOURCES.values():
            assert f'id="{source.id}"' in html
            for text in (source.title, source.kind, source.citation, source.used_for):
                assert escape(text) in html, text
        assert "2025-11-05" in html  # the guideline summary's revision date
        assert "10.9734/JAMMR/2021/v33i2231167" in html

    def test_every_role_reads_it(self, coordinator, administrator):
        for user in (coordinator, administrator):
            assert client_for(user).get(URL).status_code == 200

    def test_it_refuses_a_user_without_a_role(self, nobody):
        assert client_for(nobody).get(URL).status_code == 403

    def test_it_sends_anonymous_users_to_sign_in(self, db):
        response = client_for().get(URL)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/sources/"

    def test_it_refuses_other_methods(self, oncologist):
        assert client_for(oncologist).post(URL).status_code == 405
