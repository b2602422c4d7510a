"""HL7 CDS Hooks 2.0 for the `patient-view` hook: discovery, cards, feedback, JWT checks.

Plain data in, plain data out: no database, no Django. Card texts are the engine's
recommendation titles, details and sources; this module only arranges them. The JWT
check follows the CDS Hooks security rules: an allow-listed issuer, ES384 or RS384 with a
`kid`, `aud` equal to the endpoint called, `iss`, `exp`, `iat` and `jti` required, at most
30 seconds of leeway, and a replayed `jti` refused.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jwt

from interop import codes as c

SERVICE_ID = "mbc-recurrence"
HOOK = "patient-view"
ALGORITHMS = ("ES384", "RS384")
LEEWAY_SECONDS = 30
SUMMARY_MAX = 139  # the spec: a summary of under 140 characters
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti")
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "medications": "MedicationStatement?patient={{context.patientId}}",
}
_CARD_NAMESPACE = uuid.UUID("0b7c4c1e-8f1e-4f59-9d55-3f0c4a7d2e11")
ENGINE_NEEDS = {
    "presentation": "whether this is a recurrence or de novo stage IV disease",
    "recurrence_date": "the date of the recurrence",
    "sites": "the sites of disease (secondary cancer conditions)",
}


class TokenRejected(Exception):
    """The request's JWT fails a check. Its text is for tests only, never for the answer."""


class RequestRefused(ValueError):
    """The request body is not a CDS Hooks request this service can answer."""


def discovery(*, description_suffix: str = "") -> dict[str, Any]:
    return {
        "services": [
            {
                "hook": HOOK,
                "id": SERVICE_ID,
                "title": "MBC Board: recurrent and metastatic breast cancer guideline",
                "description": "Applies MBC Board's guideline ruleset to the patient's FHIR R4 "
                "(mCODE) record: the recommended approach, warnings and open workup, each with "
                "its source. Facts the record does not carry are named as missing."
                + description_suffix,
                "prefetch": dict(PREFETCH),
                "usageRequirements": "FHIR R4 data. Visceral crisis, endocrine resistance, "
                "lesion counts, resectability and the workup are not in mCODE: open the case in "
                "MBC Board to record them.",
            }
        ]
    }


def parse_request(data: Any) -> dict[str, Any]:
    """Check the request's shape; return it. Raises RequestRefused with the problem."""
    if not isinstance(data, dict):
        raise RequestRefused("The request must be a JSON object.")
    if data.get("hook") != HOOK:
        raise RequestRefused(f"This service answers the {HOOK} hook only.")
    instance = data.get("hookInstance")
    if not isinstance(instance, str) or not instance.strip():
        raise RequestRefused("hookInstance is required.")
    context = data.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("patientId"), str):
        raise RequestRefused("context.patientId is required.")
    prefetch = data.get("prefetch", {})
    if not isinstance(prefetch, dict):
        raise RequestRefused("prefetch must be an object.")
    if "fhirAuthorization" in data and not isinstance(data.get("fhirServer"), str):
        raise RequestRefused("fhirServer is required with fhirAuthorization.")
    return data


def _resources(value: Any) -> Iterable[dict[str, Any]]:
    if not isinstance(value, dict):
        return  # null: no data
    kind = value.get("resourceType")
    if kind == "OperationOutcome":
        return
    if kind == "Bundle":
        for entry in value.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") != "OperationOutcome":
                yield resource
        return
    if kind:
        yield value


def prefetch_bundle(prefetch: Mapping[str, Any]) -> dict[str, Any]:
    """The prefetched resources (single resources or searchset Bundles) as one collection."""
    seen: set[tuple[str, str]] = set()
    entries: list[dict[str, Any]] = []
    for value in prefetch.values():
        for resource in _resources(value):
            key = (resource.get("resourceType", ""), str(resource.get("id", len(entries))))
            if key in seen:
                continue
            seen.add(key)
            entries.append({"resource": resource})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def missing_prefetch(prefetch: Mapping[str, Any]) -> list[str]:
    """Prefetch keys the client did not fill (null is 'no data', not missing)."""
    return [key for key in PREFETCH if key not in prefetch]


def card_uuid(hook_instance: str, code: str) -> str:
    return str(uuid.uuid5(_CARD_NAMESPACE, f"{hook_instance}:{code}"))


def _short(text: str, limit: int = SUMMARY_MAX) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"


def _source(ruleset: Mapping[str, str], sources_url: str, code: str, title: str) -> dict:
    return {
        "label": f"MBC Board guideline engine — {ruleset['id']} {ruleset['version']}",
        "url": sources_url,
        "topic": {"system": c.MBC_RECOMMENDATION_SYSTEM, "code": code, "display": _short(title)},
    }


def _md(text: str) -> str:
    """Engine text as Markdown that stays plain where HTML is stripped."""
    return " ".join(str(text).split()).replace("<", "&lt;").replace(">", "&gt;")


def _rec_markdown(rec: Mapping[str, Any], source_titles: Mapping[str, str]) -> str:
    source = rec["source"]
    where = source_titles.get(source["id"], source["id"])
    if source.get("section"):
        where += f", {source['section']}"
    lines = [f"**{_md(rec['title'])}**", "", _md(rec["detail"])]
    if rec.get("because"):
        lines += ["", "Because: " + "; ".join(_md(b) for b in rec["because"]) + "."]
    lines += ["", f"Source: {_md(where)}."]
    if source.get("passage"):
        lines += ["", "> " + _md(source["passage"])]
    return "\n".join(lines)


def _override_reasons() -> list[dict[str, str]]:
    return [
        {"system": c.NON_ADHERENCE_REASON, "code": code, "display": display}
        for code, display in c.OVERRIDE_REASONS
    ]


def _links(case_url: str | None) -> list[dict[str, str]]:
    if not case_url:
        return []
    return [{"label": "Open the case in MBC Board", "url": case_url, "type": "absolute"}]


def _card(**fields: Any) -> dict[str, Any]:
    card = {k: v for k, v in fields.items() if v not in (None, "", [], {})}
    card["overrideReasons"] = _override_reasons()
    return card


# The first-line approach, in the order looked for: the systemic choice of metastatic disease
# (both branches when both apply), the wait for receptors, then the local-regional treatment.
FIRST_LINE_SYSTEMIC = ("ENDOCRINE_FIRST_LINE", "CHEMOTHERAPY", "HER2_TRASTUZUMAB")
FIRST_LINE_FALLBACK = (
    "SYSTEMIC_CHOICE_AWAITS_RECEPTORS",
    "LRR_RADICAL_RESECTION",
    "NEOADJUVANT_SYSTEMIC_THERAPY",
    "LRR_CURATIVE_INTENT",
)


def _first_line(recs: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    systemic = [r for r in recs if r["code"] in FIRST_LINE_SYSTEMIC]
    if systemic:
        return systemic[:2]
    by_code = {r["code"]: r for r in recs}
    for code in FIRST_LINE_FALLBACK:
        if code in by_code:
            return [by_code[code]]
    treatment = [r for r in recs if r["kind"] in ("treatment", "consider")]
    return treatment[:1]


def build_cards(
    *,
    result: Mapping[str, Any],
    hook_instance: str,
    sources_url: str,
    case_url: str | None,
    category_label: str,
    subtype_label: str,
    source_titles: Mapping[str, str],
    defaulted: list[str] | None = None,
    origin: str = "",
) -> list[dict[str, Any]]:
    """The summary card, one warning card per warning, and one card for open workup."""
    ruleset = result["ruleset"]
    recs = list(result["recommendations"])
    first_line = _first_line(recs)
    first = first_line[0] if first_line else None
    lead = f"MBC Board: {category_label}, {subtype_label}"
    summary = f"{lead} — " + "; ".join(r["title"] for r in first_line) if first_line else lead
    topic_code = first["code"] if first else (recs[0]["code"] if recs else "NO_RECOMMENDATION")
    topic_title = first["title"] if first else lead
    detail = []
    if origin:
        detail += [origin, ""]
    detail += [
        f"Guideline ruleset {ruleset['id']} {ruleset['version']}"
        + (f": {_md(ruleset['note'])}" if ruleset.get("note") else "."),
        "",
    ]
    if defaulted:
        detail += [
            "Not in the record, so taken at the contract's default until the coordinator "
            "records them: " + ", ".join(defaulted) + ".",
            "",
        ]
    for rec in recs:
        if rec["kind"] in ("treatment", "consider"):
            detail += [_rec_markdown(rec, source_titles), ""]
    cards = [
        _card(
            uuid=card_uuid(hook_instance, "summary"),
            summary=_short(summary),
            detail="\n".join(detail).strip(),
            indicator="info",
            source=_source(ruleset, sources_url, topic_code, topic_title),
            links=_links(case_url),
        )
    ]
    for rec in recs:
        if rec["kind"] == "warning":
            cards.append(
                _card(
                    uuid=card_uuid(hook_instance, rec["code"]),
                    summary=_short(f"MBC Board warning: {rec['title']}"),
                    detail=_rec_markdown(rec, source_titles),
                    indicator="warning",
                    source=_source(ruleset, sources_url, rec["code"], rec["title"]),
                    links=_links(case_url),
                )
            )
    workup = [r for r in recs if r["kind"] == "workup"]
    if workup:
        items = "; ".join(r["title"] for r in workup)
        cards.append(
            _card(
                uuid=card_uuid(hook_instance, "workup"),
                summary=_short(f"MBC Board: open workup — {items}"),
                detail="\n\n".join(_rec_markdown(r, source_titles) for r in workup),
                indicator="info",
                source=_source(ruleset, sources_url, workup[0]["code"], workup[0]["title"]),
                links=_links(case_url),
            )
        )
    return cards


def incomplete_card(
    *,
    missing: list[str],
    hook_instance: str,
    sources_url: str,
    case_url: str | None,
    ruleset: Mapping[str, str],
) -> dict[str, Any]:
    """One info card that names the facts the engine needs and the record lacks."""
    return _card(
        uuid=card_uuid(hook_instance, "incomplete"),
        summary=_short("MBC Board: the record lacks facts the guideline needs — open the case"),
        detail="The guideline engine needs facts that the record does not hold:\n\n"
        + "\n".join(f"- {_md(m)}" for m in missing)
        + "\n\nRecord them in MBC Board to see the recommendation.",
        indicator="info",
        source=_source(ruleset, sources_url, "INCOMPLETE_DATA", "Incomplete data"),
        links=_links(case_url),
    )


def parse_feedback(data: Any) -> list[dict[str, Any]]:
    """The feedback items, checked against CDS Hooks 2.0 (and the 3.0 cds-fb invariants)."""
    if not isinstance(data, dict) or not isinstance(data.get("feedback"), list):
        raise RequestRefused("The body must be an object with a feedback list.")
    items = []
    for i, item in enumerate(data["feedback"]):
        where = f"feedback[{i}]"
        if not isinstance(item, dict):
            raise RequestRefused(f"{where} must be an object.")
        card = item.get("card")
        if not isinstance(card, str) or not card:
            raise RequestRefused(f"{where}.card is required.")
        outcome = item.get("outcome")
        if outcome not in ("accepted", "overridden"):
            raise RequestRefused(f"{where}.outcome must be accepted or overridden.")
        accepted = item.get("acceptedSuggestions")
        if outcome == "accepted" and not isinstance(accepted, list):
            raise RequestRefused(f"{where}.acceptedSuggestions is required when accepted.")
        if accepted is not None and not (
            isinstance(accepted, list)
            and all(isinstance(a, dict) and isinstance(a.get("id"), str) for a in accepted)
        ):
            raise RequestRefused(f"{where}.acceptedSuggestions must list objects with an id.")
        reason = item.get("overrideReason")
        code = system = display = comment = ""
        if reason is not None:
            if not isinstance(reason, dict):
                raise RequestRefused(f"{where}.overrideReason must be an object.")
            coding = reason.get("reason")
            comment = reason.get("userComment") or ""
            if coding is not None and not (
                isinstance(coding, dict) and isinstance(coding.get("code"), str)
            ):
                raise RequestRefused(f"{where}.overrideReason.reason must be a Coding.")
            if not isinstance(comment, str):
                raise RequestRefused(f"{where}.overrideReason.userComment must be text.")
            if coding is None and not comment:
                raise RequestRefused(f"{where}.overrideReason needs a reason or a userComment.")
            if coding:
                code = coding["code"]
                system = str(coding.get("system", ""))
                display = str(coding.get("display", ""))
        stamp = item.get("outcomeTimestamp")
        try:
            when = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise RequestRefused(f"{where}.outcomeTimestamp must be an RFC 3339 date and time.")
        items.append(
            {
                "card": card,
                "outcome": outcome,
                "accepted_suggestions": [a["id"] for a in accepted or []],
                "reason_system": system[:200],
                "reason_code": code[:100],
                "reason_display": display[:300],
                "user_comment": comment[:2000],
                "outcome_at": when,
            }
        )
    return items


def verify_token(
    token: str,
    *,
    audience: str | list[str],
    issuers: Mapping[str, str],
    signing_key: Callable[[str, str], Any],
    remember_jti: Callable[[str, str, int], bool],
    now: Callable[[], float],
) -> dict[str, Any]:
    """The verified claims, or raises TokenRejected.

    signing_key(iss, kid) returns the issuer's public key for that kid (or raises);
    remember_jti(iss, jti, seconds) stores the jti and returns False when it was seen.
    """
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise TokenRejected("malformed token") from exc
    alg = header.get("alg")
    kid = header.get("kid")
    if alg not in ALGORITHMS:
        raise TokenRejected("algorithm not allowed")
    if not isinstance(kid, str) or not kid:
        raise TokenRejected("no kid")
    iss = unverified.get("iss")
    if not isinstance(iss, str) or iss not in issuers:
        raise TokenRejected("issuer not allowed")
    try:
        key = signing_key(iss, kid)
    except Exception as exc:  # unknown kid, unreadable JWKS, network failure
        raise TokenRejected("no key") from exc
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=audience,
            issuer=iss,
            leeway=LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.PyJWTError as exc:
        raise TokenRejected(type(exc).__name__) from exc
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise TokenRejected("no jti")
    keep = max(int(claims["exp"] - now()) + LEEWAY_SECONDS, 1)
    if not remember_jti(iss, jti, keep):
        raise TokenRejected("replayed jti")
    return claims
