import pytest

from tests.pages.helpers import client_for


@pytest.mark.django_db
class TestErrorPages:
    def test_an_unknown_address_answers_the_styled_404(self, oncologist):
        response = client_for(oncologist).get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "There is nothing at this address" in html
        assert "/static/css/mbc.css" in html
        assert "Decision support only" in html

    def test_a_refused_page_answers_the_styled_403(self, nobody):
        response = client_for(nobody).get("/")
        assert response.status_code == 403
        html = response.content.decode()
        assert "This page is not open to your account" in html
        assert "/static/css/mbc.css" in html

    def test_anonymous_users_see_no_navigation_on_the_404(self, db):
        response = client_for().get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert 'href="/sources/"' not in html
        assert 'href="/accounts/login/"' in html

    def test_the_stylesheet_and_script_are_served_by_the_application(self, db):
        from django.contrib.staticfiles import finders

        assert finders.find("css/mbc.css")
        assert finders.find("js/case_form.js")

    def test_the_500_page_renders_without_a_request(self):
        from django.template import loader

        html = loader.get_template("500.html").render()
        assert "Something went wrong on our side" in html
        assert "Decision support only" in html
