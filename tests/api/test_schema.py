import re

import pytest

from tests.api.helpers import client_for


@pytest.mark.django_db
class TestSchemaAndDocs:
    def test_the_schema_describes_every_endpoint(self, oncologist):
        response = client_for(oncologist).get(
            "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
        assert response.status_code == 200
        paths = response.json()["paths"]
        assert {
            "/api/v1/auth/token/",
            "/api/v1/cases/",
            "/api/v1/cases/{pk}/",
            "/api/v1/cases/{pk}/recommendation/",
            "/api/v1/recommendations/evaluate/",
        } <= set(paths) | {p.replace("{id}", "{pk}") for p in paths}

    def test_the_docs_page_loads_nothing_from_the_internet(self, oncologist):
        response = client_for(oncologist).get("/api/v1/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources, html[:500]
        assert all(not s.startswith(("http://", "https://", "//")) for s in sources), sources

    def test_the_docs_are_a_page_of_the_application(self, oncologist):
        from tests.pages.helpers import client_for as page_client

        html = page_client(oncologist).get("/api/v1/docs/").content.decode()
        assert 'class="site-nav"' in html and "Back to MBC Board" in html
        assert "<script>" not in html  # no inline script: it runs under a strict CSP
        assert "<code>POST /api/v1/cases/{id}/decisions/</code>" in html
        assert "<code>case_version</code>" in html

    def test_the_schema_needs_a_signed_in_user(self, db):
        assert client_for().get("/api/v1/schema/").status_code == 401
