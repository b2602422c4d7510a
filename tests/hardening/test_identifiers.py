"""L4: case and hospital numbers refuse bidi controls and zero-width characters with the
code `invalid_character`, through the API and the case form; nothing is stored."""

from __future__ import annotations

import pytest
from django.test import Client

from recurrence.models import Case
from tests.api.helpers import client_for, error_codes, error_fields
from tests.pages.helpers import form_data

HIDDEN = [
    "\u202e",
    "\u202a",
    "\u2066",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
]


@pytest.mark.django_db
class TestIdentifierCharacters:
    @pytest.mark.parametrize("char", HIDDEN)
    @pytest.mark.parametrize("field", ["case_number", "hospital_number"])
    def test_the_api_refuses_hidden_characters(self, coordinator, case_data, field, char):
        response = client_for(coordinator).post(
            "/api/v1/cases/", case_data(**{field: f"MBC{char}0009"}), format="json"
        )
        assert response.status_code == 400
        assert (error_fields(response), error_codes(response)) == ([field], ["invalid_character"])
        assert f"U+{ord(char):04X}" in response.json()["errors"][0]["message"]
        assert not Case.objects.exists()

    def test_an_update_refuses_them_too(self, coordinator, stored_case):
        response = client_for(coordinator).patch(
            f"/api/v1/cases/{stored_case.pk}/",
            {"version": 1, "hospital_number": "H1\u200b23"},
            format="json",
        )
        assert error_codes(response) == ["invalid_character"]

    def test_the_case_form_refuses_them(self, coordinator, case_data):
        client = Client()
        client.force_login(coordinator)
        response = client.post("/cases/new/", form_data(case_data(case_number="MBC\u202e1")))
        assert response.status_code == 200
        assert "invisible formatting character" in response.content.decode()
        assert not Case.objects.exists()

    def test_ordinary_identifiers_are_kept(self, coordinator, case_data):
        response = client_for(coordinator).post(
            "/api/v1/cases/",
            case_data(case_number="MBC-2024/07.1", hospital_number="Müller-Ø 12"),
            format="json",
        )
        assert response.status_code == 201
