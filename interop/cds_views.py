"""CDS Hooks 2.0 endpoints. Outside sign-in and CSRF: the record system authenticates each
call with its signed JWT (see cds_hooks.verify_token). A failed check answers a bare 401;
tokens are never logged or stored."""

from __future__ import annotations

import json
import logging
import uuid
from urllib.parse import quote, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from interop import cds_hooks, services
from interop.fhir_import import COORDINATOR_FIELDS, BundleRefused, import_bundle
from interop.models import CardFeedback, IssuedCard
from mbc_site import revisions
from recurrence.guideline import RULESET, SOURCES, CaseRefused, evaluate_case, parse_case
from recurrence.presentation import CATEGORY_LABELS, SUBTYPE_LABELS, field_label

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 5
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _site_base() -> str:
    base = settings.CDS_HOOKS_BASE_URL
    return base.removesuffix("/cds-services")


def _absolute(path: str) -> str:
    return _site_base() + path


def _service_url() -> str:
    return f"{settings.CDS_HOOKS_BASE_URL}/{cds_hooks.SERVICE_ID}"


def _unauthorized() -> HttpResponse:
    return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})


def _outcome(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "invalid", "diagnostics": message}],
        },
        status=status,
    )


def _claims(request, audience) -> dict | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    if not settings.CDS_HOOKS_BASE_URL or not settings.CDS_HOOKS_ISSUERS:
        return None
    try:
        return cds_hooks.verify_token(
            token.strip(),
            audience=audience,
            issuers=settings.CDS_HOOKS_ISSUERS,
            signing_key=services.signing_key,
            remember_jti=services.remember_jti,
            now=services.now,
        )
    except cds_hooks.TokenRejected as rejected:
        log.info("CDS Hooks call refused: %s", rejected)  # the reason only, never the token
        return None


def _json(request):
    if len(request.body) > MAX_BODY_BYTES:
        raise cds_hooks.RequestRefused("The request is too large.")
    try:
        return json.loads(request.body or b"null")
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise cds_hooks.RequestRefused("The request body is not JSON.") from None


@login_not_required
@csrf_exempt
@require_GET
def discovery(request):
    return JsonResponse(cds_hooks.discovery())


def _fetch_allowed(server: str) -> bool:
    """https only; plain http to this machine in development mode, for local testing."""
    if server.startswith("https://"):
        return True
    host = urlsplit(server).hostname
    return bool(settings.DEVELOPMENT and server.startswith("http://") and host in _LOOPBACK)


def _fetch_missing(data: dict, missing: list[str]) -> dict:
    """Fill missing prefetch keys from the record system's FHIR server."""
    server = data["fhirServer"].rstrip("/")
    auth = data.get("fhirAuthorization") or {}
    token = auth.get("access_token")
    if not _fetch_allowed(server) or not isinstance(token, str):
        return {}
    patient = quote(data["context"]["patientId"], safe="")
    out = {}
    for key in missing:
        path = cds_hooks.PREFETCH[key].replace("{{context.patientId}}", patient)
        request = Request(
            f"{server}/{path}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"},
        )
        try:
            with urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
                out[key] = json.loads(response.read(MAX_BODY_BYTES))
        except (OSError, ValueError):
            log.info("CDS Hooks: prefetch %s could not be fetched", key)
    return out


def _identifiers(bundle: dict) -> list[str]:
    return [
        i["value"]
        for e in bundle["entry"]
        if e["resource"].get("resourceType") == "Patient"
        for i in e["resource"].get("identifier") or []
        if isinstance(i, dict) and isinstance(i.get("value"), str)
    ]


def _source_titles() -> dict[str, str]:
    return {sid: getattr(src, "title", sid) for sid, src in SOURCES.items()}


@login_not_required
@csrf_exempt
@require_POST
def service(request):
    claims = _claims(request, _service_url())
    if claims is None:
        return _unauthorized()
    try:
        data = cds_hooks.parse_request(_json(request))
    except cds_hooks.RequestRefused as refused:
        return _outcome(str(refused))
    prefetch = dict(data.get("prefetch") or {})
    missing = cds_hooks.missing_prefetch(prefetch)
    if (
        missing
        and data.get("fhirServer")
        and data.get("fhirAuthorization")
        and claims["iss"] in settings.CDS_HOOKS_FHIR_FETCH_ISSUERS
    ):
        prefetch.update(_fetch_missing(data, missing))
    bundle = cds_hooks.prefetch_bundle(prefetch)
    hook_instance = data["hookInstance"]
    sources_url = _absolute(reverse("sources"))
    match = services.matching_case(_identifiers(bundle))
    case_url = _absolute(reverse("case-detail", args=[match.pk])) if match else None
    ruleset = RULESET

    def incomplete(needs: list[str]) -> JsonResponse:
        card = cds_hooks.incomplete_card(
            missing=needs,
            hook_instance=hook_instance,
            sources_url=sources_url,
            case_url=case_url,
            ruleset=ruleset,
        )
        _store([card], "INCOMPLETE_DATA", claims["iss"], hook_instance, match)
        return JsonResponse({"cards": [card]})

    defaulted: list[str] = []
    if match is not None:
        result = services.case_result(match)
        if result.get("errors"):
            return incomplete([e["message"] for e in result["errors"]])
        origin = (
            f"From the case recorded in MBC Board (version {match.version}, saved "
            f"{timezone.localtime(match.updated_at):%Y-%m-%d})."
        )
    else:
        if not bundle["entry"]:
            return incomplete(["the patient's record: the request carried no FHIR data"])
        try:
            imported = import_bundle(bundle)
        except BundleRefused as refused:
            return incomplete([str(refused)])
        needs = [text for name, text in cds_hooks.ENGINE_NEEDS.items() if name not in imported.case]
        if needs:
            return incomplete(needs)
        try:
            case = parse_case(imported.case, today=timezone.localdate())
        except CaseRefused as refused:
            return incomplete([e["message"] for e in refused.errors])
        result = evaluate_case(case)
        defaulted = [
            field_label(name).lower()
            for name in COORDINATOR_FIELDS
            if name in imported.provenance and name != "primary_in_situ"
        ] + ["lesion counts"]
        origin = "From the patient's FHIR record; not yet a case in MBC Board."
    cards = cds_hooks.build_cards(
        result=result,
        hook_instance=hook_instance,
        sources_url=sources_url,
        case_url=case_url,
        category_label=CATEGORY_LABELS.get(result["category"], result["category"]),
        subtype_label=SUBTYPE_LABELS.get(result["subtype"], result["subtype"]),
        source_titles=_source_titles(),
        defaulted=defaulted,
        origin=origin,
    )
    _store(cards, None, claims["iss"], hook_instance, match, result["ruleset"]["version"])
    return JsonResponse({"cards": cards})


def _store(cards, code, issuer, hook_instance, case, version=None) -> None:
    IssuedCard.objects.bulk_create(
        [
            IssuedCard(
                uuid=card["uuid"],
                hook_instance=hook_instance[:100],
                recommendation_code=code or card["source"]["topic"]["code"],
                ruleset_version=version or RULESET["version"],
                summary=card["summary"][:140],
                issuer=issuer[:300],
                case=case,
            )
            for card in cards
        ],
        ignore_conflicts=True,
    )


@login_not_required
@csrf_exempt
@require_POST
def feedback(request):
    claims = _claims(request, [_service_url(), _service_url() + "/feedback"])
    if claims is None:
        return _unauthorized()
    try:
        items = cds_hooks.parse_feedback(_json(request))
        wanted = {str(uuid.UUID(item["card"])) for item in items}
    except cds_hooks.RequestRefused as refused:
        return _outcome(str(refused))
    except ValueError:
        return _outcome("Each feedback card must be the uuid of a card this service sent.")
    cards = {str(c.uuid): c for c in IssuedCard.objects.filter(uuid__in=wanted)}
    unknown = wanted - set(cards)
    if unknown:
        return _outcome(f"{len(unknown)} card(s) were not sent by this service.")
    CardFeedback.objects.bulk_create(
        [
            CardFeedback(
                card=cards[str(uuid.UUID(item["card"]))],
                outcome=item["outcome"],
                accepted_suggestions=item["accepted_suggestions"],
                reason_system=item["reason_system"],
                reason_code=item["reason_code"],
                reason_display=item["reason_display"],
                user_comment=item["user_comment"],
                outcome_at=item["outcome_at"],
                issuer=claims["iss"][:300],
            )
            for item in items
        ]
    )
    # A bulk write sends no signal: the feedback shows on its cases' pages.
    revisions.changed(
        {revisions.case_page(card.case_id) for card in cards.values() if card.case_id}
    )
    return HttpResponse(status=200)
