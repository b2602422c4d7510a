"""A case to a FHIR Bundle: database-free tests of interop.fhir_export and the round trip."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from fhir.resources.R4B.bundle import Bundle

from interop import codes as c
from interop.fhir_export import case_bundle
from interop.fhir_import import import_bundle
from recurrence.demo import demo_cases
from recurrence.guideline import evaluate_case, parse_case
from tests.shared_docs import INTEROP_EXAMPLES

ROUND_TRIP = (
    "er",
    "pr",
    "her2_ihc",
    "her2_ish",
    "ecog",
    "recurrence_date",
    "primary_diagnosis_date",
    "tamoxifen_end_date",
    "aromatase_inhibitor_end_date",
    "menopausal_status",
)
DEFAULTS = {"er": "unknown", "pr": "unknown", "her2_ihc": "unknown", "her2_ish": "not_done"}
DEFAULTS["menopausal_status"] = "unknown"
SIGNED = dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((INTEROP_EXAMPLES / "fhir-r4.schema.json").read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def _full(body: dict) -> tuple[dict, dict]:
    contract = {k: v for k, v in body.items() if k not in ("case_number", "hospital_number")}
    case = parse_case(contract, today=dt.date(2099, 1, 1))
    full = {
        **case.to_dict(),
        "case_number": body["case_number"],
        "hospital_number": body["hospital_number"],
    }
    return full, evaluate_case(case)


def _export(body: dict, decisions=()) -> tuple[dict, dict]:
    full, result = _full(body)
    bundle = case_bundle(
        case_id=7, body=full, result=result, decisions=list(decisions), generated_at=SIGNED
    )
    return json.loads(json.dumps(bundle)), full


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


DEMO = demo_cases()


@pytest.mark.parametrize("label, body", DEMO, ids=[b["case_number"] for _, b in DEMO])
def test_every_demo_case_exports_valid_fhir_and_comes_back(label, body, validator):
    bundle, full = _export(body)
    errors = [e.message for e in validator.iter_errors(bundle)]
    assert errors == []
    Bundle.model_validate(bundle)
    back = import_bundle(bundle)
    for name in ROUND_TRIP:
        if name in full:
            assert back.case.get(name, DEFAULTS.get(name)) == full[name], name
    assert back.case["sites"] == full["sites"]
    assert back.case["presentation"] == full["presentation"]
    assert back.hospital_number == full["hospital_number"]


def test_the_patient_carries_data_absent_reason_not_invented_values():
    bundle, _ = _export(DEMO[0][1])
    [patient] = _resources(bundle, "Patient")
    assert patient["meta"]["profile"] == [c.PROFILE_PATIENT]
    assert patient["name"][0]["extension"][0]["url"] == c.DATA_ABSENT_REASON
    assert patient["_gender"]["extension"][0]["valueCode"] == "unknown"
    assert "gender" not in patient and "birthDate" not in patient
    assert bundle["entry"][0]["resource"]["resourceType"] == "Patient"
    assert bundle["type"] == "collection"


def test_secondary_conditions_have_body_sites_and_lesion_counts():
    body = {
        **DEMO[0][1],
        "sites": [{"site": "liver", "lesions": 2}, {"site": "bone", "lesions": None}],
    }
    bundle, _ = _export(body)
    secondary = [
        r for r in _resources(bundle, "Condition") if r["meta"]["profile"] == [c.PROFILE_SECONDARY]
    ]
    assert [r["bodySite"][0]["coding"][0]["code"] for r in secondary] == ["10200004", "119186007"]
    assert [r["code"]["coding"][0]["code"] for r in secondary] == ["94381002", "94222008"]
    lesions = [
        [e["valueInteger"] for e in r["extension"] if e["url"] == c.MBC_LESION_COUNT_URL]
        for r in secondary
    ]
    assert lesions == [[2], []]


def test_the_recommendation_is_a_guidance_response_with_the_ruleset_version():
    bundle, full = _export(DEMO[0][1])
    [guidance] = _resources(bundle, "GuidanceResponse")
    _, result = _full(DEMO[0][1])
    version = result["ruleset"]["version"]
    assert guidance["moduleUri"].endswith(f"mbc-recurrence:{version}")
    [parameters] = _resources(bundle, "Parameters")
    codes = [
        p["part"][0]["valueCoding"]["code"]
        for p in parameters["parameter"]
        if p["name"] == "recommendation"
    ]
    assert codes == [r["code"] for r in result["recommendations"]]


def test_signed_decisions_become_careplans_with_provenance_and_amendments_replace():
    decision = {
        "id": 3,
        "outcome": "differs",
        "plan": "Chemotherapy first",
        "reason": "Rapid progression",
        "ruleset_id": "mbc-recurrence",
        "ruleset_version": "1.0",
        "signed_at": SIGNED,
        "signed_by": "Dr Oscar",
        "amendments": [
            {
                "id": 9,
                "text": "Endocrine therapy first",
                "reason": "Pathology corrected",
                "amended_at": SIGNED + dt.timedelta(days=1),
                "amended_by": "Dr Oscar",
            }
        ],
    }
    bundle, _ = _export(DEMO[0][1], [decision])
    plans = _resources(bundle, "CarePlan")
    provenance = _resources(bundle, "Provenance")
    assert [p["description"] for p in plans] == ["Chemotherapy first", "Endocrine therapy first"]
    assert [p["status"] for p in plans] == ["revoked", "active"]
    first_url = next(
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"] is not None and e["resource"].get("id") == plans[0]["id"]
    )
    assert plans[1]["replaces"] == [{"reference": first_url}]
    assert len(provenance) == 2
    assert provenance[0]["recorded"] == "2026-03-02T14:30:00+00:00"
    assert provenance[0]["agent"][0]["who"]["display"] == "Dr Oscar"
    assert plans[0]["category"][0]["coding"][0]["code"] == "differs"


def test_the_export_is_the_same_for_the_same_case():
    assert _export(DEMO[3][1])[0] == _export(DEMO[3][1])[0]


def test_a_case_the_ruleset_refuses_exports_its_problems_not_a_recommendation(validator):
    full, _ = _full(DEMO[0][1])
    refused = {
        "ruleset": {"id": "mbc-recurrence", "version": "2.0"},
        "errors": [
            {
                "field": "sites[0].site",
                "code": "breast_site_after_mastectomy",
                "message": "No breast after mastectomy.",
            }
        ],
    }
    bundle = case_bundle(case_id=7, body=full, result=refused, decisions=[], generated_at=SIGNED)
    assert list(validator.iter_errors(json.loads(json.dumps(bundle)))) == []
    [guidance] = _resources(bundle, "GuidanceResponse")
    assert guidance["status"] == "data-required" and "outputParameters" not in guidance
    [outcome] = _resources(bundle, "OperationOutcome")
    assert "No breast after mastectomy." in outcome["issue"][0]["diagnostics"]


def test_the_endocrine_history_and_every_site_come_back():
    body = {
        **DEMO[0][1],
        "presentation": "recurrence",
        "primary_diagnosis_date": "2012-05-02",
        "recurrence_date": "2023-09-14",
        "prior_tamoxifen": True,
        "tamoxifen_end_date": "2017-05-01",
        "prior_aromatase_inhibitor": True,
        "aromatase_inhibitor_end_date": "2022-11-30",
        "menopausal_status": "premenopausal",
        "her2_ihc": "2+",
        "her2_ish": "not_amplified",
        "sites": [
            {"site": "breast", "lesions": 1},
            {"site": "contralateral_breast", "lesions": None},
            {"site": "internal_mammary_nodes", "lesions": 2},
            {"site": "other_distant", "lesions": None},
        ],
        "symptomatic_sites": [],
    }
    bundle, full = _export(body)
    back = import_bundle(bundle).case
    for name in ROUND_TRIP:
        assert back.get(name, DEFAULTS.get(name)) == full[name], name
    assert back["sites"] == full["sites"]
    assert back["prior_tamoxifen"] and back["prior_aromatase_inhibitor"]
