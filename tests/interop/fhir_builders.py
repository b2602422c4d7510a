"""Small FHIR R4 resources for import tests, written from the mCODE and ICHOM examples."""

from __future__ import annotations

import copy
import json

from tests.shared_docs import INTEROP_EXAMPLES

SCT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def example(name: str) -> dict:
    return json.loads((INTEROP_EXAMPLES / name).read_text())


def codex(n: int) -> dict:
    return example(f"codex-trialmatching-patient0{n}.json")


def bundle(*resources: dict, kind: str = "collection") -> dict:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [{"resource": copy.deepcopy(r)} for r in resources],
    }


def patient(identifier: str = "H-777", birth: str | None = "1960-05-20") -> dict:
    out = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": "http://hospital.example.org/mrn", "value": identifier}],
    }
    if birth:
        out["birthDate"] = birth
    return out


def primary(onset: str | None = "2015-02-01", status: str = "active", rid: str = "prim") -> dict:
    out = {
        "resourceType": "Condition",
        "id": rid,
        "meta": {"profile": [MCODE + "mcode-primary-cancer-condition"]},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
        "code": {"coding": [{"system": SCT, "code": "254837009"}]},
        "bodySite": [{"coding": [{"system": SCT, "code": "76752008"}]}],
        "subject": {"reference": "Patient/p1"},
    }
    if onset:
        out["onsetDateTime"] = onset
    return out


def secondary(
    code: str | None,
    onset: str | None = "2021-06-01",
    body_site: str | None = None,
    rid: str | None = None,
    system: str = SCT,
) -> dict:
    out = {
        "resourceType": "Condition",
        "id": rid or f"sec-{code or body_site}",
        "meta": {"profile": [MCODE + "mcode-secondary-cancer-condition"]},
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": system, "code": code}]} if code else {"text": "metastasis"},
    }
    if body_site:
        out["bodySite"] = [{"coding": [{"system": SCT, "code": body_site}]}]
    if onset:
        out["onsetDateTime"] = onset
    return out


def observation(
    code: str, rid: str, *, system: str = LOINC, when: str | None = None, **value
) -> dict:
    out = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": "Patient/p1"},
        **value,
    }
    if when:
        out["effectiveDateTime"] = when
    return out


def answer(system: str, code: str) -> dict:
    return {"valueCodeableConcept": {"coding": [{"system": system, "code": code}]}}


POSITIVE = answer(SCT, "10828004")
NEGATIVE = answer(SCT, "260385009")


def medication(
    rid: str,
    rxnorm: str,
    display: str,
    *,
    status: str = "completed",
    start: str | None = None,
    end: str | None = None,
) -> dict:
    out = {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": status,
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": rxnorm,
                    "display": display,
                }
            ]
        },
        "subject": {"reference": "Patient/p1"},
    }
    period = {k: v for k, v in (("start", start), ("end", end)) if v}
    if period:
        out["effectivePeriod"] = period
    return out


def by_field(report: list[dict], name: str) -> list[dict]:
    return [item for item in report if item["field"] == name]


def codes_of(report: list[dict], name: str) -> set[str]:
    return {item["code"] for item in by_field(report, name)}
