"""A case, its recommendation and the board's signed decisions as a FHIR R4 collection Bundle.

Plain data in, plain data out: no database, no Django. The Bundle is shaped like mCODE's
patient bundle (one Patient, then the resources about her), and is checked by parsing it
with fhir.resources' R4B models before it is returned. Where mCODE requires what a case
does not hold (the patient's name and gender, the date of a test), the element carries
FHIR's data-absent-reason extension instead of an invented value.

case_bundle(case_id=..., body=..., result=..., decisions=..., generated_at=...) -> dict
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from interop import codes as c

_NAMESPACE = uuid.UUID("6f1f5f55-2c55-4d8e-9d0c-6a3f5b1b7c21")
PROFILES_CLAIMED = (
    c.PROFILE_PATIENT,
    c.PROFILE_PRIMARY,
    c.PROFILE_SECONDARY,
    c.PROFILE_TUMOR_MARKER,
    c.PROFILE_ECOG,
)


def _absent(reason: str = "unknown") -> dict[str, Any]:
    return {"extension": [{"url": c.DATA_ABSENT_REASON, "valueCode": reason}]}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def _concept(*codings: dict[str, str], text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"coding": list(codings)}
    if text:
        out["text"] = text
    return out


def _instant(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat(timespec="seconds")


class _Builder:
    def __init__(self, case_id: int):
        self.case_id = case_id
        self.entries: list[dict[str, Any]] = []

    def uid(self, *parts: Any) -> str:
        return str(uuid.uuid5(_NAMESPACE, ":".join(str(p) for p in (self.case_id, *parts))))

    def add(self, resource: dict[str, Any], *parts: Any) -> str:
        rid = self.uid(resource["resourceType"], *parts)
        resource = {"resourceType": resource["resourceType"], "id": rid, **resource}
        full = f"urn:uuid:{rid}"
        self.entries.append({"fullUrl": full, "resource": resource})
        return full


def _lab_category() -> list[dict[str, Any]]:
    return [_concept(_coding(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory"))]


def _tumour_markers(b: _Builder, body: dict[str, Any], patient: str, focus: str) -> list[str]:
    refs = []

    def marker(key: str, code: str, display: str, value: dict[str, Any]) -> None:
        resource = {
            "resourceType": "Observation",
            "meta": {"profile": [c.PROFILE_TUMOR_MARKER]},
            "status": "final",
            "category": _lab_category(),
            "code": _concept(_coding(c.LOINC, code, display)),
            "subject": {"reference": patient},
            "_effectiveDateTime": _absent(),
            "focus": [{"reference": focus}],
            **value,
        }
        refs.append(b.add(resource, key))

    answers = {
        "positive": (c.LOINC, "LA6576-8", "Positive"),
        "negative": (c.LOINC, "LA6577-6", "Negative"),
    }
    if body.get("er") in answers:
        marker(
            "er",
            "85337-4",
            "Estrogen receptor Ag [Presence] in Breast cancer specimen by Immune stain",
            {"valueCodeableConcept": _concept(_coding(*answers[body["er"]]))},
        )
    if body.get("pr") in answers:
        marker(
            "pr",
            "85339-0",
            "Progesterone receptor Ag [Presence] in Breast cancer specimen by Immune stain",
            {"valueCodeableConcept": _concept(_coding(*answers[body["pr"]]))},
        )
    scores = {score: code for code, score in c.HER2_IHC_ANSWERS.items()}
    if body.get("her2_ihc") in scores:
        marker(
            "her2_ihc",
            "85319-2",
            "HER2 [Presence] in Breast cancer specimen by Immune stain",
            {
                "valueCodeableConcept": _concept(
                    _coding(c.LOINC, scores[body["her2_ihc"]], body["her2_ihc"])
                )
            },
        )
    ish = {"amplified": "positive", "not_amplified": "negative"}
    if body.get("her2_ish") in ish:
        marker(
            "her2_ish",
            "85318-4",
            "ERBB2 gene duplication [Presence] in Breast cancer specimen by FISH",
            {"valueCodeableConcept": _concept(_coding(*answers[ish[body["her2_ish"]]]))},
        )
    if body.get("ki67_percent") is not None:
        marker(
            "ki67",
            "85330-9",
            "Cells.Ki-67 nuclear Ag/100 cells in Breast cancer specimen by Immune stain",
            {
                "valueQuantity": {
                    "value": body["ki67_percent"],
                    "unit": "%",
                    "system": c.UCUM,
                    "code": "%",
                }
            },
        )
    return refs


def _medication(
    b: _Builder, patient: str, key: str, codings: list, text: str, end: str | None
) -> None:
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "status": "completed" if end else "active",
        "medicationCodeableConcept": _concept(*(_coding(*x) for x in codings), text=text),
        "subject": {"reference": patient},
    }
    if end:
        resource["effectivePeriod"] = {"end": end}
    b.add(resource, key)


def _parameters(result: dict[str, Any]) -> dict[str, Any]:
    ruleset = result["ruleset"]
    parameters: list[dict[str, Any]] = [
        {"name": "ruleset", "valueString": f"{ruleset['id']} {ruleset['version']}"},
        {"name": "category", "valueCode": result["category"]},
        {"name": "subtype", "valueCode": result["subtype"]},
    ]
    for rec in result["recommendations"]:
        source = rec["source"]
        parameters.append(
            {
                "name": "recommendation",
                "part": [
                    {
                        "name": "code",
                        "valueCoding": _coding(
                            c.MBC_RECOMMENDATION_SYSTEM, rec["code"], rec["title"]
                        ),
                    },
                    {"name": "kind", "valueCode": rec["kind"]},
                    {"name": "rule", "valueString": rec["rule"]},
                    {
                        "name": "source",
                        "valueString": f"{source['id']}"
                        + (f", {source['section']}" if source.get("section") else ""),
                    },
                ],
            }
        )
    return {"resourceType": "Parameters", "parameter": parameters}


def _decision_plans(
    b: _Builder,
    decisions: list[dict[str, Any]],
    patient: str,
    conditions: list[str],
    guidance: str,
) -> None:
    for decision in sorted(decisions, key=lambda d: d["signed_at"]):
        versions = [
            {
                "key": ("decision", decision["id"]),
                "text": decision["plan"],
                "note": decision.get("reason") or "",
                "at": decision["signed_at"],
                "by": decision["signed_by"],
                "activity": "signed",
            }
        ] + [
            {
                "key": ("amendment", a["id"]),
                "text": a["text"],
                "note": a["reason"],
                "at": a["amended_at"],
                "by": a["amended_by"],
                "activity": "amended",
            }
            for a in sorted(decision.get("amendments", []), key=lambda a: a["amended_at"])
        ]
        previous = None
        for i, version in enumerate(versions):
            replaced = i < len(versions) - 1
            plan: dict[str, Any] = {
                "resourceType": "CarePlan",
                "status": "revoked" if replaced else "active",
                "intent": "plan",
                "category": [
                    _concept(
                        _coding(
                            c.MBC_DECISION_OUTCOME_SYSTEM,
                            decision["outcome"],
                            "follows the recommendation"
                            if decision["outcome"] == "follows"
                            else "differs from the recommendation",
                        )
                    )
                ],
                "title": "Tumour board decision"
                + (" (amended)" if version["activity"] == "amended" else ""),
                "description": version["text"],
                "subject": {"reference": patient},
                "created": _instant(version["at"]),
                "author": {"display": version["by"]},
                "addresses": [{"reference": ref} for ref in conditions],
                "supportingInfo": [{"reference": guidance}],
                "note": [
                    {
                        "text": f"Signed under guideline ruleset {decision['ruleset_id']} "
                        f"{decision['ruleset_version']}."
                    }
                ],
            }
            if version["note"]:
                plan["note"].insert(0, {"text": version["note"]})
            if previous:
                plan["replaces"] = [{"reference": previous}]
            ref = b.add(plan, *version["key"])
            b.add(
                {
                    "resourceType": "Provenance",
                    "target": [{"reference": ref}],
                    "recorded": _instant(version["at"]),
                    "activity": _concept(
                        _coding(
                            "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                            "CREATE" if version["activity"] == "signed" else "UPDATE",
                            "create" if version["activity"] == "signed" else "revise",
                        ),
                        text=version["activity"],
                    ),
                    "agent": [
                        {
                            "type": _concept(_coding(c.PROVENANCE_PARTICIPANT, "author", "Author")),
                            "who": {"display": version["by"]},
                        }
                    ],
                },
                "provenance",
                *version["key"],
            )
            previous = ref


def case_bundle(
    *,
    case_id: int,
    body: dict[str, Any],
    result: dict[str, Any],
    decisions: list[dict[str, Any]],
    generated_at: dt.datetime,
) -> dict[str, Any]:
    """The case (services.case_body: the contract's case with case and hospital number),
    the engine's result for it, and the signed decisions as a collection Bundle. A result
    of {"ruleset", "errors"} (a stored case the current ruleset refuses) gives a
    GuidanceResponse with status data-required and the problems.

    Each decision: {"id", "outcome", "plan", "reason", "ruleset_id", "ruleset_version",
    "signed_at" (datetime), "signed_by" (display name), "amendments": [{"id", "text",
    "reason", "amended_at", "amended_by"}]}.
    """
    b = _Builder(case_id)
    identifiers: list[dict[str, Any]] = []
    if body.get("hospital_number"):
        identifiers.append(
            {
                "use": "usual",
                "type": _concept(_coding(c.IDENTIFIER_TYPE, "MR", "Medical record number")),
                "value": body["hospital_number"],
            }
        )
    identifiers.append({"system": c.MBC_CASE_NUMBER_SYSTEM, "value": body["case_number"]})
    patient = b.add(
        {
            "resourceType": "Patient",
            "meta": {"profile": [c.PROFILE_PATIENT]},
            "identifier": identifiers,
            "name": [_absent()],
            "_gender": _absent(),
        },
        "patient",
    )

    recurrence = body["presentation"] == "recurrence"
    primary: dict[str, Any] = {
        "resourceType": "Condition",
        "meta": {"profile": [c.PROFILE_PRIMARY]},
        "clinicalStatus": _concept(
            _coding(c.CONDITION_CLINICAL, "recurrence" if recurrence else "active")
        ),
        "verificationStatus": _concept(_coding(c.CONDITION_VERIFICATION, "confirmed")),
        "category": [
            _concept(_coding(c.CONDITION_CATEGORY, "problem-list-item", "Problem List Item"))
        ],
        "code": _concept(_coding(c.SNOMED, *c.PRIMARY_BREAST_EXPORT)),
        "bodySite": [_concept(_coding(c.SNOMED, "76752008", "Breast structure"))],
        "subject": {"reference": patient},
    }
    if body.get("primary_diagnosis_date"):
        primary["onsetDateTime"] = body["primary_diagnosis_date"]
    primary_ref = b.add(primary, "primary")
    conditions = [primary_ref]
    if not recurrence:
        b.add(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": _concept(_coding(c.LOINC, "21908-9", "Stage group.clinical Cancer")),
                "subject": {"reference": patient},
                "focus": [{"reference": primary_ref}],
                "valueCodeableConcept": _concept(_coding(c.AJCC, "4", "IV")),
            },
            "stage",
        )

    symptomatic = set(body.get("symptomatic_sites", []))
    for site in body["sites"]:
        disorder, structure = c.SITE_EXPORT[site["site"]]
        condition: dict[str, Any] = {
            "resourceType": "Condition",
            "meta": {"profile": [c.PROFILE_SECONDARY]},
            "extension": [
                {"url": c.EXT_RELATED_PRIMARY, "valueReference": {"reference": primary_ref}}
            ],
            "clinicalStatus": _concept(_coding(c.CONDITION_CLINICAL, "active")),
            "verificationStatus": _concept(_coding(c.CONDITION_VERIFICATION, "confirmed")),
            "category": [
                _concept(_coding(c.CONDITION_CATEGORY, "problem-list-item", "Problem List Item"))
            ],
            "code": _concept(
                _coding(c.SNOMED, *disorder),
                _coding(c.MBC_SITE_SYSTEM, site["site"]),
            ),
            "subject": {"reference": patient},
            "onsetDateTime": body["recurrence_date"],
        }
        if structure:
            condition["bodySite"] = [_concept(_coding(c.SNOMED, *structure))]
        if site.get("lesions") is not None:
            condition["extension"].append(
                {"url": c.MBC_LESION_COUNT_URL, "valueInteger": site["lesions"]}
            )
        if site["site"] in symptomatic:
            condition["note"] = [{"text": "Symptomatic site."}]
        conditions.append(b.add(condition, "site", site["site"]))

    markers = _tumour_markers(b, body, patient, primary_ref)
    observations = list(markers)
    if body.get("ecog") is not None:
        score = body["ecog"]
        observations.append(
            b.add(
                {
                    "resourceType": "Observation",
                    "meta": {"profile": [c.PROFILE_ECOG]},
                    "status": "final",
                    "category": [_concept(_coding(c.OBSERVATION_CATEGORY, "survey", "Survey"))],
                    "code": _concept(
                        _coding(c.LOINC, c.ECOG_CODE, "ECOG Performance Status score")
                    ),
                    "subject": {"reference": patient},
                    "_effectiveDateTime": _absent(),
                    "valueInteger": score,
                    "interpretation": [
                        _concept(
                            _coding(
                                c.LOINC, c.ECOG_ANSWER_CODE[score], c.ECOG_ANSWER_DISPLAY[score]
                            )
                        )
                    ],
                },
                "ecog",
            )
        )
    if body.get("menopausal_status") in c.MENOPAUSE_DISPLAY:
        code, display = c.MENOPAUSE_DISPLAY[body["menopausal_status"]]
        observations.append(
            b.add(
                {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": _concept(_coding(c.SNOMED, c.MENOPAUSE_CODE, "Menopause, function")),
                    "subject": {"reference": patient},
                    "valueCodeableConcept": _concept(_coding(c.SNOMED, code, display)),
                },
                "menopause",
            )
        )

    surgery = body.get("prior_breast_surgery")
    if surgery in c.BREAST_SURGERY_EXPORT:
        b.add(
            {
                "resourceType": "Procedure",
                "status": "completed",
                "code": _concept(_coding(c.SNOMED, *c.BREAST_SURGERY_EXPORT[surgery])),
                "subject": {"reference": patient},
                "_performedDateTime": _absent(),
                "reasonReference": [{"reference": primary_ref}],
            },
            "surgery",
        )
    if body.get("prior_breast_radiotherapy"):
        site = (
            ("78904004", "Chest wall structure")
            if surgery == "mastectomy"
            else ("76752008", "Breast structure")
        )
        b.add(
            {
                "resourceType": "Procedure",
                "status": "completed",
                "code": _concept(_coding(c.SNOMED, *c.RADIOTHERAPY_EXPORT)),
                "subject": {"reference": patient},
                "_performedDateTime": _absent(),
                "bodySite": [_concept(_coding(c.SNOMED, *site))],
                "reasonReference": [{"reference": primary_ref}],
            },
            "radiotherapy",
        )
    if body.get("prior_tamoxifen"):
        _medication(
            b, patient, "tamoxifen", c.TAMOXIFEN_EXPORT, "tamoxifen", body.get("tamoxifen_end_date")
        )
    if body.get("prior_aromatase_inhibitor"):
        _medication(
            b,
            patient,
            "aromatase-inhibitor",
            c.AROMATASE_INHIBITOR_EXPORT,
            "aromatase inhibitor (anastrozole, letrozole or exemestane)",
            body.get("aromatase_inhibitor_end_date"),
        )

    ruleset = result["ruleset"]
    if result.get("errors"):
        # A stored case the current ruleset refuses: no recommendation, the problems instead.
        problems = b.add(
            {
                "resourceType": "OperationOutcome",
                "issue": [
                    {
                        "severity": "error",
                        "code": "invariant",
                        "diagnostics": f"{e['field']}: {e['message']}",
                    }
                    for e in result["errors"]
                ],
            },
            "guidance-problems",
        )
        output_or_problems: dict[str, Any] = {
            "status": "data-required",
            "evaluationMessage": [{"reference": problems}],
        }
    else:
        output = b.add(_parameters(result), "guidance-output")
        output_or_problems = {"status": "success", "outputParameters": {"reference": output}}
    guidance = b.add(
        {
            "resourceType": "GuidanceResponse",
            "identifier": [
                {
                    "system": c.MBC_RULESET_URN,
                    "value": f"{ruleset['id']}:{ruleset['version']}",
                }
            ],
            "moduleUri": f"{c.MBC_RULESET_URN}:{ruleset['id']}:{ruleset['version']}",
            **output_or_problems,
            "subject": {"reference": patient},
            "occurrenceDateTime": _instant(generated_at),
            "reasonReference": [{"reference": ref} for ref in conditions],
            "note": [{"text": f"Guideline ruleset {ruleset['id']} {ruleset['version']}."}]
            + ([{"text": ruleset["note"]}] if ruleset.get("note") else []),
        },
        "guidance",
    )
    _decision_plans(b, decisions, patient, conditions, guidance)

    bundle = {
        "resourceType": "Bundle",
        "id": b.uid("bundle"),
        "type": "collection",
        "timestamp": _instant(generated_at),
        "entry": b.entries,
    }
    Bundle.model_validate(bundle)  # raises if the export is not valid FHIR R4
    return bundle
