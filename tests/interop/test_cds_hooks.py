"""CDS Hooks cards, feedback and JWT checks: database-free tests of interop.cds_hooks."""

from __future__ import annotations

import datetime as dt
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from interop import cds_hooks
from interop.cds_hooks import RequestRefused, TokenRejected
from recurrence.guideline import evaluate
from tests.interop.jwt_helpers import (
    JWKS_FILE,
    OTHER_EC_KEY,
    RSA_KEY,
    SANDBOX_ISS,
    rsa_jwks,
    token,
)

AUD = "https://mbc.example.org/cds-services/mbc-recurrence"
SOURCES = "https://mbc.example.org/sources/"
CASE = {
    "presentation": "recurrence",
    "recurrence_date": "2024-06-10",
    "primary_diagnosis_date": "2019-03-01",
    "er": "positive",
    "pr": "negative",
    "her2_ihc": "1+",
    "sites": [{"site": "bone", "lesions": None}, {"site": "liver", "lesions": None}],
    "ecog": 3,
}


def _verify(tok, *, audience=AUD, seen=None, keys=None):
    seen = set() if seen is None else seen
    jwks = jwt.PyJWKSet.from_json(JWKS_FILE.read_text()) if keys is None else keys

    def remember(iss, jti, seconds):
        if (iss, jti) in seen:
            return False
        seen.add((iss, jti))
        return True

    return cds_hooks.verify_token(
        tok,
        audience=audience,
        issuers={SANDBOX_ISS: str(JWKS_FILE), "https://rsa.example": "x"},
        signing_key=lambda iss, kid: jwks[kid].key,
        remember_jti=remember,
        now=time.time,
    )


class TestToken:
    def test_a_token_signed_with_the_sandbox_key_is_accepted(self):
        claims = _verify(token(AUD))
        assert claims["iss"] == SANDBOX_ISS

    def test_rs384_is_accepted(self):
        keys = jwt.PyJWKSet.from_dict(rsa_jwks())
        tok = token(AUD, key=RSA_KEY, alg="RS384", kid="rsa-1", iss="https://rsa.example")
        assert _verify(tok, keys=keys)["iss"] == "https://rsa.example"

    @pytest.mark.parametrize(
        "make",
        [
            lambda: token(AUD, key=OTHER_EC_KEY),  # wrong key
            lambda: token(AUD + "/other"),  # wrong aud
            lambda: token("https://mbc.example.org/cds-services"),
            lambda: token(AUD, exp_in=-31),  # expired beyond the leeway
            lambda: token(AUD, kid=None),
            lambda: token(AUD, kid="unknown-kid"),
            lambda: token(AUD, iss="https://evil.example"),
            lambda: token(AUD, drop=("jti",)),
            lambda: token(AUD, drop=("iat",)),
            lambda: token(AUD, drop=("exp",)),
            lambda: token(AUD, key=b"a-shared-secret-of-enough-length-32", alg="HS256"),
            lambda: token(AUD, key=ec.generate_private_key(ec.SECP256R1()), alg="ES256"),
            lambda: jwt.encode({"iss": SANDBOX_ISS, "aud": AUD}, None, algorithm="none"),
            lambda: "not-a-token",
        ],
        ids=[
            "wrong-key",
            "wrong-aud",
            "base-url-aud",
            "expired",
            "no-kid",
            "unknown-kid",
            "unknown-issuer",
            "no-jti",
            "no-iat",
            "no-exp",
            "hs256",
            "es256",
            "none",
            "garbage",
        ],
    )
    def test_it_refuses(self, make):
        with pytest.raises(TokenRejected):
            _verify(make())

    def test_a_replayed_jti_is_refused(self):
        seen: set = set()
        tok = token(AUD, jti="once")
        _verify(tok, seen=seen)
        with pytest.raises(TokenRejected):
            _verify(tok, seen=seen)

    def test_the_leeway_is_thirty_seconds(self):
        assert _verify(token(AUD, exp_in=-20))
        with pytest.raises(TokenRejected):
            _verify(token(AUD, exp_in=-45))

    def test_the_spec_example_token_is_expired(self):
        # The example in the CDS Hooks 2.0 text; its signature verifies but it expired long ago.
        with pytest.raises(TokenRejected):
            _verify(token(AUD, exp_in=-3600, iat_ago=3900))


class TestCards:
    @pytest.fixture
    def cards(self):
        result = evaluate(CASE, today=dt.date(2026, 1, 1))
        return result, cds_hooks.build_cards(
            result=result,
            hook_instance="d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            sources_url=SOURCES,
            case_url="https://mbc.example.org/cases/4/",
            category_label="Metastatic",
            subtype_label="Luminal B",
            source_titles={},
            defaulted=["visceral crisis"],
        )

    def test_every_card_meets_the_rules(self, cards):
        result, cards = cards
        version = result["ruleset"]["version"]
        assert len({c["uuid"] for c in cards}) == len(cards)
        for card in cards:
            assert len(card["summary"]) < 140
            assert card["indicator"] in ("info", "warning", "critical")
            assert "MBC Board" in card["source"]["label"] and version in card["source"]["label"]
            assert card["source"]["url"] == SOURCES
            assert card["source"]["topic"]["code"]
            assert all(r["display"] for r in card["overrideReasons"])
            assert card["links"] == [
                {
                    "label": "Open the case in MBC Board",
                    "url": "https://mbc.example.org/cases/4/",
                    "type": "absolute",
                }
            ]
            assert "suggestions" not in card

    def test_the_summary_names_category_subtype_and_first_line(self, cards):
        result, cards = cards
        first = next(r for r in result["recommendations"] if r["code"] == "ENDOCRINE_FIRST_LINE")
        summary = cards[0]
        assert summary["summary"].startswith("MBC Board: Metastatic, Luminal B — ")
        assert summary["source"]["topic"]["code"] == "ENDOCRINE_FIRST_LINE"
        assert first["title"] in summary["summary"]
        assert "visceral crisis" in summary["detail"]

    def test_one_warning_card_per_warning_and_one_for_workup(self, cards):
        result, cards = cards
        warnings = [r for r in result["recommendations"] if r["kind"] == "warning"]
        assert warnings, "the test case should raise a warning"
        warning_cards = [c for c in cards if c["indicator"] == "warning"]
        assert [c["source"]["topic"]["code"] for c in warning_cards] == [
            w["code"] for w in warnings
        ]
        workup = [
            c
            for c in cards
            if c["uuid"] == cds_hooks.card_uuid("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "workup")
        ]
        assert len(workup) == 1
        for rec in result["recommendations"]:
            if rec["kind"] == "workup":
                assert rec["title"] in workup[0]["detail"]

    def test_no_link_without_a_matching_case(self):
        card = cds_hooks.incomplete_card(
            missing=["the date of the recurrence"],
            hook_instance="x",
            sources_url=SOURCES,
            case_url=None,
            ruleset={"id": "mbc-recurrence", "version": "2.0"},
        )
        assert "links" not in card
        assert card["indicator"] == "info"
        assert "the date of the recurrence" in card["detail"]

    def test_a_long_summary_is_shortened_below_140(self):
        assert len(cds_hooks._short("word " * 60)) < 140


class TestRequestAndFeedback:
    def test_prefetch_null_and_operation_outcome_are_no_data(self):
        bundle = cds_hooks.prefetch_bundle(
            {
                "patient": {"resourceType": "Patient", "id": "1"},
                "conditions": None,
                "observations": {"resourceType": "OperationOutcome", "issue": []},
                "medications": {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    "entry": [{"resource": {"resourceType": "MedicationStatement", "id": "m"}}],
                },
            }
        )
        assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
            "Patient",
            "MedicationStatement",
        ]
        assert cds_hooks.missing_prefetch({"patient": None}) == [
            "conditions",
            "observations",
            "medications",
        ]

    @pytest.mark.parametrize(
        "data",
        [
            [],
            {"hook": "order-select", "hookInstance": "x", "context": {"patientId": "1"}},
            {"hook": "patient-view", "context": {"patientId": "1"}},
            {"hook": "patient-view", "hookInstance": "x", "context": {}},
            {
                "hook": "patient-view",
                "hookInstance": "x",
                "context": {"patientId": "1"},
                "prefetch": [],
            },
        ],
    )
    def test_a_bad_request_is_refused(self, data):
        with pytest.raises(RequestRefused):
            cds_hooks.parse_request(data)

    def test_feedback_items_are_read(self):
        items = cds_hooks.parse_feedback(
            {
                "feedback": [
                    {
                        "card": "9368d37b-283f-44a0-93ea-547cebab93ce",
                        "outcome": "overridden",
                        "overrideReason": {
                            "reason": {
                                "system": "http://x",
                                "code": "patient-refuses",
                                "display": "d",
                            },
                            "userComment": "Declined",
                        },
                        "outcomeTimestamp": "2026-01-05T10:00:00Z",
                    }
                ]
            }
        )
        assert items[0]["reason_code"] == "patient-refuses"
        assert items[0]["outcome_at"].tzinfo is not None

    @pytest.mark.parametrize(
        "item",
        [
            {"card": "c", "outcome": "ignored", "outcomeTimestamp": "2026-01-05T10:00:00Z"},
            {"card": "c", "outcome": "accepted", "outcomeTimestamp": "2026-01-05T10:00:00Z"},
            {
                "card": "c",
                "outcome": "overridden",
                "overrideReason": {},
                "outcomeTimestamp": "2026-01-05T10:00:00Z",
            },
            {"card": "c", "outcome": "overridden", "outcomeTimestamp": "yesterday"},
            {"card": "c", "outcome": "overridden", "outcomeTimestamp": "2026-01-05T10:00:00"},
        ],
    )
    def test_feedback_that_breaks_the_rules_is_refused(self, item):
        with pytest.raises(RequestRefused):
            cds_hooks.parse_feedback({"feedback": [item]})
