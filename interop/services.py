"""The Django side of interoperability: import into a stored case, export a stored case,
and the CDS Hooks keys and replay cache. The mapping itself lives in the pure modules."""

from __future__ import annotations

import hashlib
import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from interop.fhir_export import case_bundle
from interop.fhir_import import CONTRACT_FIELDS, ImportResult, import_bundle
from interop.models import CaseImport
from recurrence import services
from recurrence.guideline import RULESET, CaseRefused, evaluate_case
from recurrence.models import Case

_DEFAULTS = {
    "presentation": None,
    "recurrence_date": None,
    "primary_diagnosis_date": None,
    "age": None,
    "menopausal_status": "unknown",
    "prior_breast_surgery": "none",
    "prior_breast_radiotherapy": False,
    "prior_tamoxifen": False,
    "tamoxifen_end_date": None,
    "prior_aromatase_inhibitor": False,
    "aromatase_inhibitor_end_date": None,
    "er": "unknown",
    "pr": "unknown",
    "her2_ihc": "unknown",
    "her2_ish": "not_done",
    "ki67_percent": None,
    "receptors_tested_on": "primary",
    "histology_confirmed": False,
    "ecog": None,
    "visceral_crisis": False,
    "endocrine_resistance": False,
    "neurological_symptoms": False,
    "bone_pain": False,
    "hypercalcaemia": False,
    "symptomatic_sites": [],
    "systemic_disease_controlled": None,
    "resectable": None,
    "bulky_disease": None,
}


def matching_case(identifiers: list[str]) -> Case | None:
    """The stored case whose hospital number equals one of the Patient's identifiers."""
    values = [v for v in identifiers if v]
    if not values:
        return None
    return Case.objects.filter(hospital_number__in=values).order_by("-updated_at").first()


def bundle_import(data: Any) -> ImportResult:
    """import_bundle, plus a report line when the patient already has a stored case."""
    result = import_bundle(data)
    match = matching_case(result.identifiers)
    if match is not None:
        result.report.insert(
            0,
            {
                "field": "hospital_number",
                "code": "conflict",
                "message": f"A case with this hospital number is already stored: {match.case_number}.",
            },
        )
    return result


def field_statuses(provenance: dict[str, str], body: dict[str, Any]) -> dict[str, str]:
    """Imported, defaulted, or entered (a defaulted field the coordinator changed)."""
    out = {}
    for name, how in provenance.items():
        if how != "defaulted":
            out[name] = how
            continue
        if name == "workup":
            changed = any((body.get("workup") or {}).values())
        elif name == "sites.lesions":
            changed = any(s.get("lesions") for s in body.get("sites") or [])
        elif name == "primary_in_situ":
            changed = "primary_in_situ" in body
        else:
            changed = name in body and body[name] != _DEFAULTS.get(name)
        out[name] = "entered" if changed else "defaulted"
    return {k: v for k, v in out.items() if k in CONTRACT_FIELDS or k == "sites.lesions"}


def case_create_from_import(
    *, body: dict[str, Any], provenance: dict[str, str], report: list, user
) -> Case:
    """Store the case through the normal validation (raises CaseRefused), and record which
    fields came from the record and which took the contract's default."""
    with transaction.atomic():
        case = services.case_create(data=body, user=user)
        CaseImport.objects.create(
            case=case,
            case_version=case.version,
            fields=field_statuses(provenance, body),
            report=report,
            imported_by=user,
        )
    return case


def decisions_of(case: Case) -> list[dict[str, Any]]:
    from board.models import Decision

    def name(user) -> str:
        return user.get_full_name() or user.get_username()

    out = []
    decisions = (
        Decision.objects.filter(case=case)
        .select_related("signed_by")
        .prefetch_related("amendments__amended_by")
    )
    for d in decisions:
        out.append(
            {
                "id": d.pk,
                "outcome": d.outcome,
                "plan": d.plan,
                "reason": d.reason,
                "ruleset_id": d.ruleset_id,
                "ruleset_version": d.ruleset_version,
                "signed_at": d.signed_at,
                "signed_by": name(d.signed_by),
                "amendments": [
                    {
                        "id": a.pk,
                        "text": a.text,
                        "reason": a.reason,
                        "amended_at": a.amended_at,
                        "amended_by": name(a.amended_by),
                    }
                    for a in d.amendments.all()
                ],
            }
        )
    return out


def case_result(case: Case) -> dict[str, Any]:
    """The engine's result for a stored case, or {"ruleset", "errors"} when the current
    ruleset refuses what was stored under an earlier one."""
    try:
        return evaluate_case(services.contract_case(case))
    except CaseRefused as refused:
        return {"ruleset": dict(RULESET), "errors": refused.errors}


def case_export(case: Case) -> dict[str, Any]:
    return case_bundle(
        case_id=case.pk,
        body=services.case_body(case),
        result=case_result(case),
        decisions=decisions_of(case),
        generated_at=timezone.now(),
    )


# --- CDS Hooks keys and replay cache ------------------------------------------------------


@lru_cache(maxsize=32)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)


def _jwks_file(path: str) -> jwt.PyJWKSet:
    file = Path(path)
    if not file.is_absolute():
        file = Path(settings.BASE_DIR) / file
    return _jwks_file_cached(str(file), file.stat().st_mtime)


@lru_cache(maxsize=32)
def _jwks_file_cached(path: str, mtime: float) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_dict(json.loads(Path(path).read_text()))


def signing_key(iss: str, kid: str):
    where = settings.CDS_HOOKS_ISSUERS[iss]
    if where.startswith("https://"):
        return _jwks_client(where).get_signing_key(kid).key
    return _jwks_file(where)[kid].key


def remember_jti(iss: str, jti: str, seconds: int) -> bool:
    """True the first time this issuer's jti is seen (cache.add is atomic in Redis and the
    database cache)."""
    key = "cds-jti:" + hashlib.sha256(f"{iss}\n{jti}".encode()).hexdigest()
    return cache.add(key, 1, timeout=seconds)


def now() -> float:
    return time.time()
