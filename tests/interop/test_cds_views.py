"""The CDS Hooks endpoints, called as a record system calls them (tokens signed with the
CDS Hooks sandbox's published test key)."""

from __future__ import annotations

import json
import logging
import uuid
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.test import Client

from interop.models import CardFeedback, IssuedCard
from tests.interop.fhir_builders import codex
from tests.interop.jwt_helpers import JWKS_FILE, OTHER_EC_KEY, SANDBOX_ISS, token

BASE = "https://mbc.example.org/cds-services"
SERVICE = f"{BASE}/mbc-recurrence"
ORIGIN = "https://ehr.example.org"


@pytest.fixture(autouse=True)
def cds_settings(settings):
    settings.CDS_HOOKS_ISSUERS = {SANDBOX_ISS: str(JWKS_FILE)}
    settings.CDS_HOOKS_BASE_URL = BASE
    settings.CDS_HOOKS_CORS_ORIGINS = settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def searchset(resources):
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def hook_request(bundle: dict, *, dated: bool = True) -> dict:
    resources = [e["resource"] for e in bundle["entry"]]
    if dated:
        for r in resources:
            if r["resourceType"] == "Condition" and "Secondary" in r["id"]:
                r["onsetDateTime"] = "2021-04-02"
    by = lambda kind: [r for r in resources if r["resourceType"] == kind]  # noqa: E731
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": by("Patient")[0]["id"]},
        "prefetch": {
            "patient": by("Patient")[0],
            "conditions": searchset(by("Condition")),
            "observations": searchset(by("Observation")),
            "medications": searchset(by("MedicationStatement")),
        },
    }


def post(url: str, body, tok: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tok}"} if tok else {}
    return Client().post(url, json.dumps(body), content_type="application/json", **headers)


SERVICE_PATH = "/cds-services/mbc-recurrence"
FEEDBACK_PATH = "/cds-services/mbc-recurrence/feedback"


@pytest.mark.django_db
class TestDiscovery:
    def test_it_needs_no_token(self):
        response = Client().get("/cds-services")
        assert response.status_code == 200
        [service] = response.json()["services"]
        assert service["id"] == "mbc-recurrence" and service["hook"] == "patient-view"
        assert service["title"] and service["description"]
        assert set(service["prefetch"]) == {"patient", "conditions", "observations", "medications"}

    def test_cors_is_limited_to_the_configured_origins(self):
        allowed = Client().get("/cds-services", HTTP_ORIGIN=ORIGIN)
        assert allowed["Access-Control-Allow-Origin"] == ORIGIN
        other = Client().get("/cds-services", HTTP_ORIGIN="https://evil.example")
        assert "Access-Control-Allow-Origin" not in other

    def test_the_preflight_and_the_post_carry_cors_headers(self):
        preflight = Client().options(
            SERVICE_PATH,
            HTTP_ORIGIN=ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
        )
        assert preflight.status_code == 200
        assert preflight["Access-Control-Allow-Origin"] == ORIGIN
        assert "authorization" in preflight["Access-Control-Allow-Headers"]
        response = Client().post(
            SERVICE_PATH, "{}", content_type="application/json", HTTP_ORIGIN=ORIGIN
        )
        assert response.status_code == 401
        assert response["Access-Control-Allow-Origin"] == ORIGIN

    def test_cors_does_not_open_the_rest_of_the_site(self):
        response = Client().get("/api/v1/cases/", HTTP_ORIGIN=ORIGIN)
        assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
class TestSecurity:
    @pytest.mark.parametrize(
        "tok",
        [
            None,
            token(SERVICE, key=OTHER_EC_KEY),
            token(BASE + "/other-service"),
            token(SERVICE, exp_in=-60),
            token(SERVICE, iss="https://unknown.example"),
            "garbage",
        ],
        ids=["none", "wrong-key", "wrong-aud", "expired", "unknown-issuer", "garbage"],
    )
    def test_a_failed_check_is_a_bare_401(self, tok):
        response = post(SERVICE_PATH, hook_request(codex(1)), tok)
        assert response.status_code == 401
        assert response.content == b""
        assert IssuedCard.objects.count() == 0

    def test_a_replayed_token_is_refused(self):
        tok = token(SERVICE)
        assert post(SERVICE_PATH, hook_request(codex(1)), tok).status_code == 200
        assert post(SERVICE_PATH, hook_request(codex(1)), tok).status_code == 401

    def test_without_configured_issuers_nothing_is_accepted(self, settings):
        settings.CDS_HOOKS_ISSUERS = {}
        assert post(SERVICE_PATH, hook_request(codex(1)), token(SERVICE)).status_code == 401

    def test_tokens_are_never_logged(self, caplog):
        caplog.set_level(logging.DEBUG)
        tok = token(SERVICE, key=OTHER_EC_KEY)
        post(SERVICE_PATH, hook_request(codex(1)), tok)
        good = token(SERVICE)
        post(SERVICE_PATH, hook_request(codex(1)), good)
        assert tok not in caplog.text and good not in caplog.text

    def test_the_endpoints_are_outside_sign_in_and_csrf(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            SERVICE_PATH,
            json.dumps(hook_request(codex(1))),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token(SERVICE)}",
        )
        assert response.status_code == 200


@pytest.mark.django_db
class TestService:
    def test_cards_for_a_complete_record(self):
        response = post(SERVICE_PATH, hook_request(codex(1)), token(SERVICE))
        assert response.status_code == 200
        cards = response.json()["cards"]
        assert len(cards) >= 2
        for card in cards:
            assert uuid.UUID(card["uuid"])
            assert len(card["summary"]) < 140
            assert card["indicator"] in ("info", "warning", "critical")
            assert card["source"]["label"].startswith("MBC Board")
            assert card["source"]["url"] == "https://mbc.example.org/sources/"
            assert card["source"]["topic"]["system"] == "urn:mbc-board:recommendation"
        assert cards[0]["summary"].startswith("MBC Board: Metastatic")
        assert "visceral crisis" in cards[0]["detail"].lower()
        assert IssuedCard.objects.count() == len(cards)

    def test_one_info_card_names_the_missing_facts(self):
        response = post(SERVICE_PATH, hook_request(codex(1), dated=False), token(SERVICE))
        [card] = response.json()["cards"]
        assert card["indicator"] == "info"
        assert "date of the recurrence" in card["detail"]

    def test_null_prefetch_gives_the_missing_data_card(self):
        body = hook_request(codex(1))
        body["prefetch"] = {key: None for key in body["prefetch"]}
        [card] = post(SERVICE_PATH, body, token(SERVICE)).json()["cards"]
        assert "no FHIR data" in card["detail"]

    def test_a_matching_case_is_linked_and_used(self, coordinator, case_data):
        from recurrence.services import case_create

        case = case_create(data=case_data(hospital_number="a123"), user=coordinator)
        cards = post(SERVICE_PATH, hook_request(codex(1), dated=False), token(SERVICE)).json()[
            "cards"
        ]
        url = f"https://mbc.example.org/cases/{case.pk}/"
        assert all(card["links"][0]["url"] == url for card in cards)
        assert "recorded in MBC Board" in cards[0]["detail"]
        assert IssuedCard.objects.filter(case=case).count() == len(cards)

    @pytest.mark.parametrize(
        "body", [b"{not json", json.dumps({"hook": "order-select"}).encode()], ids=["json", "hook"]
    )
    def test_a_bad_request_is_400_with_an_operation_outcome(self, body):
        response = Client().post(
            SERVICE_PATH,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token(SERVICE)}",
        )
        assert response.status_code == 400
        assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.django_db
class TestFeedback:
    def _card(self):
        return post(SERVICE_PATH, hook_request(codex(1)), token(SERVICE)).json()["cards"][0]

    def test_accepted_and_overridden_cards_are_stored(self):
        card = self._card()
        body = {
            "feedback": [
                {
                    "card": card["uuid"],
                    "outcome": "overridden",
                    "overrideReason": {
                        "reason": card["overrideReasons"][0],
                        "userComment": "Discussed at the board",
                    },
                    "outcomeTimestamp": "2026-01-05T10:00:00Z",
                },
                {
                    "card": card["uuid"],
                    "outcome": "accepted",
                    "acceptedSuggestions": [],
                    "outcomeTimestamp": "2026-01-05T10:01:00Z",
                },
            ]
        }
        response = post(FEEDBACK_PATH, body, token(SERVICE))
        assert response.status_code == 200
        stored = list(CardFeedback.objects.order_by("outcome_at"))
        assert [f.outcome for f in stored] == ["overridden", "accepted"]
        assert stored[0].reason_code == card["overrideReasons"][0]["code"]
        assert stored[0].user_comment == "Discussed at the board"
        assert stored[0].issuer == SANDBOX_ISS

    def test_feedback_shows_on_the_matching_case_page(self, coordinator, oncologist, case_data):
        from django.urls import reverse

        from recurrence.services import case_create
        from tests.pages.helpers import client_for

        case = case_create(data=case_data(hospital_number="a123"), user=coordinator)
        card = self._card()
        body = {
            "feedback": [
                {
                    "card": card["uuid"],
                    "outcome": "overridden",
                    "overrideReason": {"userComment": "Board meets on Friday"},
                    "outcomeTimestamp": "2026-01-05T10:00:00Z",
                }
            ]
        }
        assert post(FEEDBACK_PATH, body, token(SERVICE)).status_code == 200
        page = client_for(oncologist).get(reverse("case-detail", args=[case.pk])).content.decode()
        assert "Feedback from the record system" in page
        assert "Board meets on Friday" in page and "overridden" in page

    def test_feedback_needs_a_token(self):
        card = self._card()
        body = {
            "feedback": [
                {
                    "card": card["uuid"],
                    "outcome": "overridden",
                    "outcomeTimestamp": "2026-01-05T10:00:00Z",
                }
            ]
        }
        assert post(FEEDBACK_PATH, body, None).status_code == 401
        assert CardFeedback.objects.count() == 0

    def test_feedback_for_an_unknown_card_is_refused(self):
        body = {
            "feedback": [
                {
                    "card": str(uuid.uuid4()),
                    "outcome": "overridden",
                    "overrideReason": {"userComment": "x"},
                    "outcomeTimestamp": "2026-01-05T10:00:00Z",
                }
            ]
        }
        response = post(FEEDBACK_PATH, body, token(SERVICE))
        assert response.status_code == 400
        assert CardFeedback.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_over_real_http(live_server, settings):
    base = f"{live_server.url}/cds-services"
    settings.CDS_HOOKS_BASE_URL = base
    request = Request(
        f"{base}/mbc-recurrence",
        data=json.dumps(hook_request(codex(1))).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token(base + '/mbc-recurrence')}",
        },
    )
    with urlopen(request, timeout=30) as response:
        cards = json.loads(response.read())["cards"]
    assert cards[0]["source"]["url"] == f"{live_server.url}/sources/"
    with pytest.raises(HTTPError) as refused:
        urlopen(
            Request(
                f"{base}/mbc-recurrence", data=b"{}", headers={"Content-Type": "application/json"}
            ),
            timeout=30,
        )
    assert refused.value.code == 401


@pytest.mark.django_db
def test_json_nested_too_deeply_is_400():
    response = Client().post(
        SERVICE_PATH,
        b"[" * 100000 + b"]" * 100000,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token(SERVICE)}",
    )
    assert response.status_code == 400


class _FhirServer:
    """A tiny FHIR server on this machine that records the calls it receives."""

    def __init__(self, bundle: dict):
        import http.server
        import threading

        resources = [e["resource"] for e in bundle["entry"]]
        calls = self.calls = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                calls.append((self.path, self.headers.get("Authorization")))
                kind = self.path.split("?")[0].rsplit("/", 1)[-1]
                found = [r for r in resources if r["resourceType"] == kind]
                body = json.dumps(searchset(found)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/fhir"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fhir_server():
    bundle = codex(1)
    for entry in bundle["entry"]:
        if "Secondary" in entry["resource"]["id"]:
            entry["resource"]["onsetDateTime"] = "2021-04-02"
    server = _FhirServer(bundle)
    yield server
    server.close()


def _thin_request(server_url: str) -> dict:
    body = hook_request(codex(1))
    body["prefetch"] = {"patient": body["prefetch"]["patient"]}
    body["fhirServer"] = server_url
    body["fhirAuthorization"] = {
        "access_token": "fhir-access-token-xyz",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "mbc-board",
    }
    return body


@pytest.mark.django_db
def test_missing_prefetch_is_fetched_when_the_issuer_may_send_a_server(
    settings, fhir_server, caplog
):
    settings.CDS_HOOKS_FHIR_FETCH_ISSUERS = [SANDBOX_ISS]
    caplog.set_level(logging.DEBUG)
    cards = post(SERVICE_PATH, _thin_request(fhir_server.url), token(SERVICE)).json()["cards"]
    assert cards[0]["summary"].startswith("MBC Board: Metastatic")
    paths = sorted(path.split("?")[0] for path, _ in fhir_server.calls)
    assert paths == ["/fhir/Condition", "/fhir/MedicationStatement", "/fhir/Observation"]
    assert {auth for _, auth in fhir_server.calls} == {"Bearer fhir-access-token-xyz"}
    assert "fhir-access-token-xyz" not in caplog.text


@pytest.mark.django_db
def test_the_fhir_server_is_not_called_for_other_issuers(settings, fhir_server):
    settings.CDS_HOOKS_FHIR_FETCH_ISSUERS = []
    [card] = post(SERVICE_PATH, _thin_request(fhir_server.url), token(SERVICE)).json()["cards"]
    assert fhir_server.calls == []
    assert "sites of disease" in card["detail"]
