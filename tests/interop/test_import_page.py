"""The coordinator's "Import from the hospital record" page."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interop.models import CaseImport
from recurrence.models import Case
from tests.interop.fhir_builders import codex
from tests.pages.helpers import client_for, form_data

URL = reverse("case-import")


def _upload(client, data, name="bundle.json"):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(URL, {"bundle": SimpleUploadedFile(name, raw, "application/json")})


def _token(response) -> str:
    return re.search(r'name="import_token" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.django_db
class TestImportPage:
    def test_an_oncologist_may_not_import(self, oncologist):
        assert client_for(oncologist).get(URL).status_code == 403

    def test_the_upload_form(self, coordinator):
        response = client_for(coordinator).get(URL)
        assert response.status_code == 200
        assert b'type="file"' in response.content

    def test_it_shows_the_prefilled_form_with_the_report_beside_it(self, coordinator):
        response = _upload(client_for(coordinator), codex(1))
        page = response.content.decode()
        assert response.status_code == 200
        assert "What the record gave" in page
        assert re.search(r'name="er" value="positive"[^>]*checked', page)
        assert re.search(r'name="ecog" value="1"', page)
        assert 'value="liver" selected' in page and 'value="axillary_nodes" selected' in page
        assert "Visceral crisis" in page and "For the coordinator" in page
        assert Case.objects.count() == 0

    @pytest.mark.parametrize(
        "raw, words",
        [
            (b"{not json", "not JSON"),
            (json.dumps({"resourceType": "Patient"}).encode(), "not a FHIR Bundle"),
        ],
    )
    def test_a_bad_file_is_refused_with_a_message(self, coordinator, raw, words):
        response = _upload(client_for(coordinator), raw)
        assert response.status_code == 400
        assert words in response.content.decode()

    def test_saving_goes_through_the_case_validation_and_records_defaults(self, coordinator):
        client = client_for(coordinator)
        token = _token(_upload(client, codex(1)))
        body = {
            "case_number": "IMP-1",
            "hospital_number": "a123",
            "presentation": "de_novo_stage_iv",
            "er": "positive",
            "pr": "positive",
            "ecog": 1,
            "sites": [{"site": s, "lesions": None} for s in ("axillary_nodes", "liver", "bone")],
        }
        refused = client.post(URL, {**form_data(body), "import_token": token})
        assert refused.status_code == 200
        assert "Recurrence date" in refused.content.decode()  # required, not yet entered
        assert Case.objects.count() == 0

        body["recurrence_date"] = "2021-01-10"
        saved = client.post(URL, {**form_data(body), "import_token": token})
        case = Case.objects.get(case_number="IMP-1")
        assert saved.status_code == 302 and saved["Location"] == reverse(
            "case-detail", args=[case.pk]
        )
        record = CaseImport.objects.get(case=case)
        assert record.fields["er"] == "imported"
        assert record.fields["visceral_crisis"] == "defaulted"
        assert record.fields["recurrence_date"] == "entered"
        assert record.fields["sites.lesions"] == "defaulted"

        page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
        assert "From the hospital record" in page
        assert page.count("to confirm") >= 5
        assert "Visceral crisis" in page

    def test_a_tampered_token_is_refused(self, coordinator):
        response = client_for(coordinator).post(URL, {"import_token": "forged"})
        assert response.status_code == 400
        assert Case.objects.count() == 0
