"""The CDS Hooks settings readers and start-up checks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from interop.checks import cds_hooks_settings
from interop.conf import parse_base_url, parse_issuers


def test_issuers_are_read_from_json():
    assert parse_issuers('{"https://ehr.example": "keys/jwks.json"}') == {
        "https://ehr.example": "keys/jwks.json"
    }
    assert parse_issuers(None) == {} and parse_issuers("  ") == {}


@pytest.mark.parametrize(
    "raw", ["not json", "[]", '{"a": 1}', '{"": "x"}', '{"https://e": "http://insecure/jwks"}']
)
def test_a_malformed_issuer_list_names_the_variable(raw):
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_issuers(raw)
    assert "CDS_HOOKS_ISSUERS" in str(refused.value)


def test_the_base_url_must_be_absolute():
    assert (
        parse_base_url("https://mbc.example.org/cds-services/")
        == "https://mbc.example.org/cds-services"
    )
    with pytest.raises(ImproperlyConfigured):
        parse_base_url("/cds-services")


def test_checks_catch_a_missing_jwks_file_and_base_url(settings, tmp_path):
    settings.CDS_HOOKS_ISSUERS = {"https://ehr.example": str(tmp_path / "absent.json")}
    settings.CDS_HOOKS_BASE_URL = ""
    ids = {p.id for p in cds_hooks_settings(None)}
    assert ids == {"interop.W001", "interop.E001"}
