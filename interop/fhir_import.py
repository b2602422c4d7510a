"""A FHIR R4 Bundle (mCODE) to a draft case of the guideline contract, with a mapping report.

Plain data in, plain data out: no database, no Django. Each entry's resource is parsed on
its own with fhir.resources' R4B models (never the top-level package, which is R5), so one
bad resource does not sink the Bundle; it is skipped and reported. Codes are read through
the tables in interop.codes only.

import_bundle(data)  -> ImportResult(case, report, identifiers, provenance)
                        or raises BundleRefused(message) when the data is not JSON of a
                        FHIR Bundle, or no entry can be read.

The report lists every contract field with one of the codes in REPORT_CODES; fields that
mCODE does not carry (visceral crisis, lesion counts, the workup ...) are listed for the
coordinator and left out of the case, so that nothing is silently defaulted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from interop import codes as c
from recurrence.guideline.case import Case as ContractCase
from recurrence.guideline.schema import LOCOREGIONAL_SITES, SITES

REPORT_CODES = (
    "mapped",
    "not_found",
    "needs_review",
    "conflict",
    "receptor_changed",
    "unsupported_code",
)
BUNDLE_TYPES = ("collection", "searchset", "transaction")
CONTRACT_FIELDS = tuple(ContractCase.__dataclass_fields__)
USED_TYPES = frozenset(
    {
        "Patient",
        "Condition",
        "Observation",
        "Procedure",
        "MedicationStatement",
        "MedicationRequest",
        "MedicationAdministration",
        "Medication",
    }
)

# Contract fields that FHIR and mCODE do not carry: the coordinator enters them.
COORDINATOR_FIELDS = {
    "visceral_crisis": "no",
    "endocrine_resistance": "no",
    "neurological_symptoms": "no",
    "bone_pain": "no",
    "hypercalcaemia": "no",
    "symptomatic_sites": "none",
    "systemic_disease_controlled": "not assessed",
    "resectable": "not yet judged",
    "bulky_disease": "not assessed",
    "primary_in_situ": "yes for de novo stage IV, no for a recurrence",
    "histology_confirmed": "no",
    "workup": "nothing done",
}
DEFAULT_TEXT = {
    "primary_diagnosis_date": "none",
    "age": "none",
    "menopausal_status": "unknown",
    "prior_breast_surgery": "none",
    "prior_breast_radiotherapy": "no",
    "prior_tamoxifen": "no",
    "tamoxifen_end_date": "none",
    "prior_aromatase_inhibitor": "no",
    "aromatase_inhibitor_end_date": "none",
    "er": "unknown",
    "pr": "unknown",
    "her2_ihc": "unknown",
    "her2_ish": "not done",
    "ki67_percent": "none",
    "receptors_tested_on": "primary",
    "ecog": "none",
}
_SKIPPED_OBSERVATION = frozenset({"entered-in-error", "cancelled"})
_SKIPPED_MEDICATION = frozenset(
    {"entered-in-error", "not-taken", "intended", "not-done", "draft", "cancelled"}
)
_ONGOING = frozenset({"active", "on-hold", "in-progress"})
_ENDED = frozenset({"completed", "stopped"})
_NOT_TAKEN_INTENTS = frozenset({"proposal", "plan"})
_INACTIVE_CONDITION = frozenset({"inactive", "resolved", "remission"})
_REFUTED_CONDITION = frozenset({"refuted", "entered-in-error"})
# MBC Board's import heuristic, not a clinical rule: a stage IV record more than this long
# after the first record of the cancer is not taken to mean de novo stage IV.
STAGING_WINDOW_DAYS = 180
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_HER2_SCORE_TEXT = re.compile(r"^\s*([0-3])\s*(\+)?\s*$")


class BundleRefused(ValueError):
    """The data is not a FHIR Bundle that can be read; the message names the problem."""


@dataclass
class ImportResult:
    case: dict[str, Any]
    report: list[dict[str, str]]
    identifiers: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    hospital_number: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "report": self.report}


@dataclass(frozen=True)
class _Result:
    """One dated reading of a case field from one resource."""

    when: dt.date | None
    value: Any
    label: str


class _Report:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field_name: str, code: str, message: str) -> None:
        assert code in REPORT_CODES
        self.items.append({"field": field_name, "code": code, "message": message})


# --- small readers of FHIR JSON ---------------------------------------------------------------


def _codings(concept: Any) -> list[tuple[str, str, str]]:
    if not isinstance(concept, dict):
        return []
    return [
        (cd.get("system", ""), str(cd.get("code", "")), cd.get("display", ""))
        for cd in concept.get("coding", [])
        if isinstance(cd, dict)
    ]


def _codes(concept: Any, system: str) -> set[str]:
    return {code for sys, code, _ in _codings(concept) if sys == system}


def _describe(concept: Any) -> str:
    if not isinstance(concept, dict):
        return "no code"
    parts = [
        f"{_system_name(s)} {code}" + (f" ({d})" if d else "") for s, code, d in _codings(concept)
    ]
    if not parts and concept.get("text"):
        parts.append(repr(concept["text"]))
    return ", ".join(parts) or "no code"


def _system_name(system: str) -> str:
    return {
        c.SNOMED: "SNOMED",
        c.LOINC: "LOINC",
        c.RXNORM: "RxNorm",
        c.ATC: "ATC",
        c.ICD10CM: "ICD-10-CM",
        c.ICD10: "ICD-10",
        c.MBC_SITE_SYSTEM: "MBC site",
    }.get(system, system or "no system")


def _day(value: Any) -> tuple[dt.date | None, bool]:
    """(date, partial): a FHIR date or dateTime to a calendar day; partial when only a year
    or a month is given."""
    if not isinstance(value, str) or not value:
        return None, False
    if not _FULL_DATE.match(value):
        return None, True
    try:
        return dt.date.fromisoformat(value[:10]), False
    except ValueError:
        return None, True


def _label(resource: dict[str, Any]) -> str:
    rid = resource.get("id")
    return f"{resource['resourceType']}/{rid}" if rid else resource["resourceType"]


def _profiles(resource: dict[str, Any]) -> set[str]:
    return set(resource.get("meta", {}).get("profile", []))


def _observation_day(obs: dict[str, Any]) -> dt.date | None:
    for key in ("effectiveDateTime", "effectiveInstant", "issued"):
        day, _ = _day(obs.get(key))
        if day:
            return day
    day, _ = _day(obs.get("effectivePeriod", {}).get("start"))
    return day


def _onset(cond: dict[str, Any]) -> tuple[dt.date | None, bool]:
    for value in (cond.get("onsetDateTime"), cond.get("onsetPeriod", {}).get("start")):
        day, partial = _day(value)
        if day or partial:
            return day, partial
    return _day(cond.get("recordedDate"))


def _qualitative(obs: dict[str, Any]) -> str | None:
    """positive, negative, equivocal, not_done, or None when the value is not a known answer."""
    answers = {(s, code) for s, code, _ in _codings(obs.get("valueCodeableConcept"))}
    if answers & c.POSITIVE_ANSWERS:
        return "positive"
    if answers & c.NEGATIVE_ANSWERS:
        return "negative"
    if answers & c.EQUIVOCAL_ANSWERS:
        return "equivocal"
    if answers & c.NOT_DONE_ANSWERS:
        return "not_done"
    return None


def _value_text(obs: dict[str, Any]) -> str:
    for key in ("valueCodeableConcept",):
        if key in obs:
            return _describe(obs[key])
    for key in ("valueString", "valueInteger", "valueBoolean"):
        if key in obs:
            return repr(obs[key])
    if "valueQuantity" in obs:
        q = obs["valueQuantity"]
        return f"{q.get('value')} {q.get('unit') or q.get('code') or ''}".strip()
    return "no value"


# --- parsing ------------------------------------------------------------------------------------


def _load(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise BundleRefused("The file is not a FHIR Bundle: it holds no JSON object.")
    kind = data.get("resourceType")
    if kind != "Bundle":
        raise BundleRefused(
            f"The file is not a FHIR Bundle: its resourceType is {kind!r}."
            if kind
            else "The file is not a FHIR Bundle: it has no resourceType."
        )
    if data.get("type") not in BUNDLE_TYPES:
        raise BundleRefused(
            f"The Bundle's type is {data.get('type')!r}; a collection, searchset or transaction "
            "Bundle is needed."
        )
    entries = data.get("entry")
    if not isinstance(entries, list) or not entries:
        raise BundleRefused("The Bundle has no entry to read.")
    return entries


def _parse_entries(entries: list[Any], report: _Report) -> list[dict[str, Any]]:
    parsed: list[dict[str, Any]] = []
    ignored: dict[str, int] = defaultdict(int)
    for i, entry in enumerate(entries):
        where = f"entry[{i}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not resource.get("resourceType"):
            report.add(where, "needs_review", f"Entry {i + 1} holds no resource; skipped.")
            continue
        kind = resource["resourceType"]
        name = f"{kind}/{resource.get('id')}" if resource.get("id") else f"{kind} (entry {i + 1})"
        try:
            model = get_fhir_model_class(kind)
        except (ValueError, KeyError):
            report.add(
                where,
                "unsupported_code",
                f"{name}: {kind!r} is not a FHIR R4 resource type; skipped.",
            )
            continue
        try:
            valid = model.model_validate(resource)
        except ValidationError as exc:
            problems = "; ".join(
                (".".join(str(p) for p in err["loc"]) + ": " if err["loc"] else "")
                + err["msg"].removeprefix("Value error, ")
                for err in exc.errors()[:3]
            )
            report.add(
                where, "needs_review", f"{name} is not valid FHIR R4 and was skipped: {problems}"
            )
            continue
        except (TypeError, ValueError, RecursionError) as exc:
            report.add(where, "needs_review", f"{name} is not valid FHIR R4 and was skipped: {exc}")
            continue
        if kind not in USED_TYPES:
            ignored[kind] += 1
            continue
        body = valid.model_dump(mode="json", exclude_none=True, by_alias=True)
        body["_fullUrl"] = entry.get("fullUrl", "")
        parsed.append(body)
    if ignored:
        listed = ", ".join(f"{n} {k}" for k, n in sorted(ignored.items()))
        report.add("bundle", "unsupported_code", f"Not used for a case: {listed}.")
    return parsed


# --- the mapping ----------------------------------------------------------------------------


class _Mapper:
    def __init__(self, resources: list[dict[str, Any]], report: _Report):
        self.report = report
        self.case: dict[str, Any] = {}
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in resources:
            by_type[r["resourceType"]].append(r)
        self.by_type = by_type
        self.medications = {}
        for med in by_type["Medication"]:
            for key in (f"Medication/{med.get('id')}", med.get("_fullUrl")):
                if key:
                    self.medications[key] = med
        self.identifiers: list[str] = []
        self.hospital_number = ""
        self.birth_date: dt.date | None = None
        self.receptor_days: list[dt.date | None] = []
        self.primary_onsets: list[dt.date] = []
        self.primary_recurrence = False
        self.site_onsets: list[dt.date] = []
        self.stage_iv = False
        self.stage_iv_day: dt.date | None = None

    def run(self) -> dict[str, Any]:
        self.patient()
        self.conditions()
        self.observations()
        self.presentation_and_dates()
        self.age()
        self.procedures()
        self.endocrine()
        self.coordinator_fields()
        return self.case

    # Patient
    def patient(self) -> None:
        patients = self.by_type["Patient"]
        if not patients:
            self.report.add("hospital_number", "not_found", "The Bundle holds no Patient.")
            self.birth_date = None
            return
        if len(patients) > 1:
            self.report.add(
                "hospital_number",
                "conflict",
                f"The Bundle holds {len(patients)} Patients; the first, {_label(patients[0])}, is used.",
            )
        patient = patients[0]
        identifiers = [i for i in patient.get("identifier", []) if i.get("value")]
        self.identifiers = [i["value"] for i in identifiers]
        record = [
            i
            for i in identifiers
            if "MR" in _codes(i.get("type"), c.IDENTIFIER_TYPE)
            and i.get("system") != c.MBC_CASE_NUMBER_SYSTEM
        ]
        chosen = record or [i for i in identifiers if i.get("system") != c.MBC_CASE_NUMBER_SYSTEM]
        if not chosen:
            self.report.add("hospital_number", "not_found", f"{_label(patient)} has no identifier.")
        else:
            first = chosen[0]
            code = "mapped" if len(chosen) == 1 else "needs_review"
            also = (
                f"; it has {len(chosen)} identifiers, check which is the hospital number"
                if code != "mapped"
                else ""
            )
            self.report.add(
                "hospital_number",
                code,
                f"Patient identifier {first['value']}"
                + (f" (system {first['system']})" if first.get("system") else "")
                + f" from {_label(patient)}{also}.",
            )
            self.hospital_number = first["value"]
        self.birth_date, partial = _day(patient.get("birthDate"))
        if partial:
            self.report.add(
                "age", "needs_review", f"{_label(patient)} gives only part of the birth date."
            )

    # Conditions
    def conditions(self) -> None:
        sites: dict[str, int | None] = {}
        order: list[str] = []
        other = 0
        for cond in self.by_type["Condition"]:
            name = _label(cond)
            verification = _codes(cond.get("verificationStatus"), c.CONDITION_VERIFICATION)
            if verification & _REFUTED_CONDITION:
                self.report.add(
                    "sites",
                    "needs_review",
                    f"{name} is marked {sorted(verification)[0]}; not used.",
                )
                continue
            clinical = _codes(cond.get("clinicalStatus"), c.CONDITION_CLINICAL)
            snomed = _codes(cond.get("code"), c.SNOMED)
            mbc = _codes(cond.get("code"), c.MBC_SITE_SYSTEM)
            categories = set()
            for cat in cond.get("category", []):
                categories |= _codes(cat, c.SNOMED)
            profiles = _profiles(cond)
            body_sites = [self._body_site(b) for b in cond.get("bodySite", [])]
            is_primary = not mbc and (
                c.PROFILE_PRIMARY in profiles
                or bool(snomed & c.PRIMARY_BREAST_CODES)
                or c.PRIMARY_CATEGORY in categories
            )
            if is_primary:
                regional = [s for s in body_sites if s in LOCOREGIONAL_SITES]
                if clinical & {"recurrence", "relapse"}:
                    self.primary_recurrence = True
                    if regional:  # a recurrence condition at a regional body site
                        day, _ = _onset(cond)
                        if day:
                            self.site_onsets.append(day)
                        for region in regional:
                            self._add_site(sites, order, region, None, name)
                        continue
                day, partial = _onset(cond)
                if day:
                    self.primary_onsets.append(day)
                elif partial:
                    self.report.add(
                        "primary_diagnosis_date",
                        "needs_review",
                        f"{name} gives only part of its onset date.",
                    )
                continue
            icd = _codes(cond.get("code"), c.ICD10CM) | _codes(cond.get("code"), c.ICD10)
            is_secondary = (
                bool(mbc)
                or c.PROFILE_SECONDARY in profiles
                or c.SECONDARY_CATEGORY in categories
                or bool(snomed & set(c.SECONDARY_DISORDER_SITES))
                or any(code.upper().startswith(("C77", "C78", "C79")) for code in icd)
            )
            if not is_secondary:
                other += 1
                continue
            if clinical & _INACTIVE_CONDITION:
                self.report.add(
                    "sites",
                    "needs_review",
                    f"{name} ({_describe(cond.get('code'))}) is {sorted(clinical)[0]}; not added as a site.",
                )
                continue
            site, known = self._site_of(cond, mbc, snomed, icd, body_sites)
            if site is None:
                if known:
                    self.report.add(
                        "sites",
                        "needs_review",
                        f"{name} ({_describe(cond.get('code'))}) does not say which site of the case "
                        "it is (side of the breast, or region of the lymph nodes); add it by hand.",
                    )
                else:
                    self.report.add(
                        "sites",
                        "unsupported_code",
                        f"{name}: secondary cancer with {_describe(cond.get('code'))} and body site "
                        f"{', '.join(_describe(b) for b in cond.get('bodySite', [])) or 'none'} is not "
                        "in the code tables; add the site by hand.",
                    )
                continue
            day, partial = _onset(cond)
            if day:
                self.site_onsets.append(day)
            elif partial:
                self.report.add(
                    "recurrence_date", "needs_review", f"{name} gives only part of its onset date."
                )
            self._add_site(sites, order, site, self._lesions(cond), name)
        if order:
            self.case["sites"] = [{"site": s, "lesions": sites[s]} for s in order]
            self.report.add(
                "sites",
                "mapped",
                ", ".join(s.replace("_", " ") for s in order).capitalize()
                + ", from the secondary cancer conditions.",
            )
            if any(sites[s] is None for s in order):
                self.report.add(
                    "sites[].lesions",
                    "needs_review",
                    "Lesion counts are not carried by mCODE: the coordinator counts them "
                    "(until then each site is 'not counted').",
                )
            else:
                self.report.add(
                    "sites[].lesions",
                    "mapped",
                    "Lesion counts from MBC Board's lesion-count extension.",
                )
        else:
            self.report.add(
                "sites",
                "not_found",
                "No secondary cancer condition names a site; the coordinator enters the sites.",
            )
        if other:
            self.report.add(
                "bundle",
                "unsupported_code",
                f"{other} other condition(s) are not cancer sites; not used.",
            )

    def _body_site(self, concept: dict[str, Any]) -> str | None:
        for code in _codes(concept, c.SNOMED):
            if c.BODY_SITE_SITES.get(code):
                return c.BODY_SITE_SITES[code]
        return None

    def _site_of(self, cond, mbc, snomed, icd, body_sites) -> tuple[str | None, bool]:
        """(site, known): known is True when a table knows the code but cannot place it."""
        for code in mbc:
            if code in SITES:
                return code, True
        known = False
        for code in snomed:
            if code in c.SECONDARY_DISORDER_SITES:
                known = True
                if c.SECONDARY_DISORDER_SITES[code]:
                    return c.SECONDARY_DISORDER_SITES[code], True
        for code in icd:
            for prefix, site in c.ICD10_SECONDARY_SITES:
                if code.upper().startswith(prefix):
                    known = True
                    if site:
                        return site, True
                    break
        for site in body_sites:
            if site:
                return site, True
        for b in cond.get("bodySite", []):
            if _codes(b, c.SNOMED) & set(c.BODY_SITE_SITES):
                known = True
        return None, known

    def _lesions(self, cond: dict[str, Any]) -> int | None:
        for ext in cond.get("extension", []):
            if ext.get("url") == c.MBC_LESION_COUNT_URL and isinstance(
                ext.get("valueInteger"), int
            ):
                return ext["valueInteger"] if ext["valueInteger"] >= 1 else None
        return None

    def _add_site(self, sites, order, site, lesions, name) -> None:
        if site in sites:
            if lesions is not None:
                sites[site] = (sites[site] or 0) + lesions
            return
        sites[site] = lesions
        order.append(site)

    # Observations
    def observations(self) -> None:
        readings: dict[str, list[_Result]] = defaultdict(list)
        for obs in self.by_type["Observation"]:
            name = _label(obs)
            loinc = _codes(obs.get("code"), c.LOINC)
            snomed = _codes(obs.get("code"), c.SNOMED)
            if obs.get("status") in _SKIPPED_OBSERVATION:
                self.report.add("bundle", "needs_review", f"{name} is {obs['status']}; not used.")
                continue
            day = _observation_day(obs)
            if loinc & c.ER_CODES or snomed & c.ER_SNOMED_CODES:
                self._receptor(readings, "er", obs, day)
            elif loinc & c.PR_CODES or snomed & c.PR_SNOMED_CODES:
                self._receptor(readings, "pr", obs, day)
            elif loinc & c.HER2_IHC_CODES:
                self._her2_ihc(readings, obs, day)
            elif loinc & c.HER2_INTERPRETATION_CODES:
                self.report.add(
                    "her2_ihc",
                    "needs_review",
                    f"{name}: HER2 interpretation {_value_text(obs)} gives no IHC score (0, 1+, 2+, 3+) "
                    "and no ISH result; enter them from the pathology report.",
                )
            elif loinc & c.HER2_ISH_CODES:
                value = _qualitative(obs)
                if value in ("positive", "negative"):
                    ish = "amplified" if value == "positive" else "not_amplified"
                    readings["her2_ish"].append(_Result(day, ish, name))
                else:
                    self.report.add(
                        "her2_ish",
                        "needs_review",
                        f"{name}: HER2 ISH result {_value_text(obs)} is not amplified or not amplified; enter it by hand.",
                    )
            elif loinc & c.HER2_ISH_RELATED_CODES:
                self.report.add(
                    "her2_ish",
                    "needs_review",
                    f"{name}: HER2 ISH measurement {_value_text(obs)} ({_describe(obs.get('code'))}); the result (amplified or not) is for the coordinator.",
                )
            elif loinc & (c.ER_PERCENT_CODES | c.PR_PERCENT_CODES):
                which = "er" if loinc & c.ER_PERCENT_CODES else "pr"
                self.report.add(
                    which,
                    "needs_review",
                    f"{name}: {which.upper()} in {_value_text(obs)} of cells; positive or negative is for the coordinator.",
                )
            elif loinc & c.KI67_CODES:
                value = obs.get("valueQuantity", {}).get("value")
                if isinstance(value, (int, float)) and 0 <= value <= 100:
                    readings["ki67_percent"].append(_Result(day, float(value), name))
                else:
                    self.report.add(
                        "ki67_percent",
                        "needs_review",
                        f"{name}: Ki-67 value {_value_text(obs)} is not a percentage.",
                    )
            elif c.ECOG_CODE in loinc:
                self._ecog(readings, obs, day)
            elif c.MENOPAUSE_CODE in snomed:
                answers = _codes(obs.get("valueCodeableConcept"), c.SNOMED)
                status = next(
                    (c.MENOPAUSE_ANSWERS[a] for a in answers if a in c.MENOPAUSE_ANSWERS), None
                )
                if status:
                    readings["menopausal_status"].append(_Result(day, status, name))
                else:
                    self.report.add(
                        "menopausal_status",
                        "unsupported_code",
                        f"{name}: menopausal status {_value_text(obs)} is not in the code table.",
                    )
            elif loinc & c.CLINICAL_STAGE_GROUP_CODES:
                values = {code.upper() for _, code, _ in _codings(obs.get("valueCodeableConcept"))}
                values |= {
                    d.upper().removeprefix("STAGE ").strip()
                    for _, _, d in _codings(obs.get("valueCodeableConcept"))
                    if d
                }
                if values & c.STAGE_IV_VALUES:
                    self.stage_iv = True
                    if day and (self.stage_iv_day is None or day < self.stage_iv_day):
                        self.stage_iv_day = day
            else:
                self.report.add(
                    "bundle",
                    "unsupported_code",
                    f"{name}: {_describe(obs.get('code'))} is not a case field; not used.",
                )
        for name_ in (
            "er",
            "pr",
            "her2_ihc",
            "her2_ish",
            "ki67_percent",
            "ecog",
            "menopausal_status",
        ):
            self._latest(name_, readings.get(name_, []))
        self.receptor_days = [
            r.when for k in ("er", "pr", "her2_ihc", "her2_ish") for r in readings.get(k, [])
        ]

    def _receptor(self, readings, name: str, obs, day) -> None:
        value = _qualitative(obs)
        if value in ("positive", "negative"):
            readings[name].append(_Result(day, value, _label(obs)))
        else:
            self.report.add(
                name,
                "unsupported_code" if value is None else "needs_review",
                f"{_label(obs)}: {name.upper()} result {_value_text(obs)} is not positive or negative.",
            )

    def _her2_ihc(self, readings, obs, day) -> None:
        name = _label(obs)
        loinc_answers = _codes(obs.get("valueCodeableConcept"), c.LOINC)
        score = next(
            (c.HER2_IHC_ANSWERS[a] for a in loinc_answers if a in c.HER2_IHC_ANSWERS), None
        )
        if score is None and isinstance(obs.get("valueString"), str):
            match = _HER2_SCORE_TEXT.match(obs["valueString"])
            if match and (match[1] == "0" or match[2]):
                score = "0" if match[1] == "0" else f"{match[1]}+"
        if (
            score is None
            and isinstance(obs.get("valueInteger"), int)
            and 0 <= obs["valueInteger"] <= 3
        ):
            score = "0" if obs["valueInteger"] == 0 else f"{obs['valueInteger']}+"
        if score is not None:
            readings["her2_ihc"].append(_Result(day, score, name))
            return
        qualitative = _qualitative(obs)
        if (
            qualitative in ("positive", "negative", "equivocal")
            or c.HER2_IHC_INDETERMINATE in loinc_answers
        ):
            self.report.add(
                "her2_ihc",
                "needs_review",
                f"{name}: HER2 by immunohistochemistry is reported as {_value_text(obs)} without a "
                "score (0, 1+, 2+ or 3+); it is not turned into a score: enter the score from the "
                "pathology report.",
            )
        else:
            self.report.add(
                "her2_ihc",
                "unsupported_code",
                f"{name}: HER2 IHC value {_value_text(obs)} is not in the code tables.",
            )

    def _ecog(self, readings, obs, day) -> None:
        name = _label(obs)
        score = obs.get("valueInteger")
        if not isinstance(score, int):
            answers = _codes(obs.get("valueCodeableConcept"), c.LOINC) | _codes(
                {
                    "coding": [
                        cd for i in obs.get("interpretation", []) for cd in i.get("coding", [])
                    ]
                },
                c.LOINC,
            )
            score = next((c.ECOG_ANSWERS[a] for a in answers if a in c.ECOG_ANSWERS), None)
        if score is None:
            self.report.add(
                "ecog", "unsupported_code", f"{name}: ECOG value {_value_text(obs)} is not a score."
            )
        elif not 0 <= score <= 4:
            self.report.add(
                "ecog", "needs_review", f"{name}: ECOG {score} is outside 0 to 4; not used."
            )
        else:
            readings["ecog"].append(_Result(day, score, name))

    def _latest(self, name: str, found: list[_Result]) -> None:
        if not found:
            return
        values = {r.value for r in found}
        sources = ", ".join(r.label for r in found)
        if len(values) == 1:
            self.case[name] = found[0].value
            self.report.add(name, "mapped", f"{_show(found[0].value)} from {sources}.")
            return
        if any(r.when is None for r in found):
            self.report.add(
                name,
                "conflict",
                "Results disagree and not all are dated, so the latest cannot be told: "
                + "; ".join(f"{_show(r.value)} ({r.label}, {r.when or 'undated'})" for r in found)
                + ". Enter the current result by hand.",
            )
            return
        ordered = sorted(found, key=lambda r: r.when or dt.date.min)
        latest = ordered[-1]
        same_day = [r for r in ordered if r.when == latest.when]
        if len({r.value for r in same_day}) > 1:
            self.report.add(
                name,
                "conflict",
                f"Results of {latest.when} disagree: "
                + "; ".join(f"{_show(r.value)} ({r.label})" for r in same_day)
                + ". Enter the current result by hand.",
            )
            return
        self.case[name] = latest.value
        history = " then ".join(f"{_show(r.value)} on {r.when}" for r in ordered)
        if name in ("er", "pr", "her2_ihc", "her2_ish"):
            self.report.add(
                name,
                "receptor_changed",
                f"The result changed over time ({history}); the latest, {_show(latest.value)} ({latest.label}), is used. Confirm on recent tissue.",
            )
        else:
            self.report.add(
                name,
                "mapped",
                f"Latest of {len(found)} results ({history}): {_show(latest.value)} from {latest.label}.",
            )

    # Presentation and dates
    def presentation_and_dates(self) -> None:
        primary = min(self.primary_onsets) if self.primary_onsets else None
        onset = min(self.site_onsets) if self.site_onsets else None
        if onset:
            self.case["recurrence_date"] = onset.isoformat()
            self.report.add(
                "recurrence_date",
                "mapped",
                f"Earliest onset of a secondary cancer condition: {onset}.",
            )
        else:
            self.report.add(
                "recurrence_date",
                "not_found",
                "No secondary cancer condition has an onset date; the coordinator enters it.",
            )
        if primary:
            self.case["primary_diagnosis_date"] = primary.isoformat()
            self.report.add(
                "primary_diagnosis_date",
                "mapped",
                f"Onset of the primary cancer condition: {primary}.",
            )
        else:
            self.report.add(
                "primary_diagnosis_date",
                "not_found",
                "The primary cancer condition has no onset date.",
            )
        presentation, why, doubtful = None, "", False
        if self.primary_recurrence:
            presentation, why = (
                "recurrence",
                "the primary cancer condition's clinical status is recurrence or relapse",
            )
        elif self.stage_iv and (earlier := self._earlier_disease()):
            doubtful = True
            self.report.add(
                "presentation",
                "conflict",
                f"Stage IV is recorded on {self.stage_iv_day}, but the cancer is on record from "
                f"{earlier}: recurrence or de novo stage IV is for the coordinator to choose.",
            )
        elif self.stage_iv:
            presentation, why = "de_novo_stage_iv", "the clinical stage group at diagnosis is IV"
        elif primary and onset and primary < onset:
            presentation, why = (
                "recurrence",
                f"the primary was diagnosed on {primary}, before the secondary cancer ({onset})",
            )
        elif primary and onset and primary == onset:
            presentation, why = (
                "de_novo_stage_iv",
                "the primary and the secondary cancer were diagnosed on the same day",
            )
        if presentation:
            self.case["presentation"] = presentation
            self.report.add(
                "presentation",
                "needs_review",
                f"{presentation.replace('_', ' ')}, because {why}; the coordinator confirms it.",
            )
        elif not doubtful:
            self.report.add(
                "presentation",
                "not_found",
                "Neither the stage nor the dates tell recurrence from de novo stage IV; the coordinator chooses.",
            )
        self._tissue(onset)

    def _earlier_disease(self) -> dt.date | None:
        """A record of the cancer well before the stage IV record (import heuristic:
        more than STAGING_WINDOW_DAYS), which makes "de novo" doubtful."""
        if self.stage_iv_day is None:
            return None
        days = [d for d in self.primary_onsets + self.receptor_days if d]
        first = min(days) if days else None
        if first and (self.stage_iv_day - first).days > STAGING_WINDOW_DAYS:
            return first
        return None

    def _tissue(self, onset: dt.date | None) -> None:
        if self.case.get("er") or self.case.get("pr") or self.case.get("her2_ihc"):
            days = [d for d in getattr(self, "receptor_days", []) if d]
            if onset and days and len(days) == len(self.receptor_days):
                tissue = "recurrence" if max(days) >= onset else "primary"
                self.case["receptors_tested_on"] = tissue
                self.report.add(
                    "receptors_tested_on",
                    "needs_review",
                    f"{tissue}, from the dates of the receptor results against the recurrence date; confirm the tissue.",
                )
            else:
                self.report.add(
                    "receptors_tested_on",
                    "not_found",
                    "The receptor results do not say which tissue was tested; the contract's default applies (primary).",
                )

    def age(self) -> None:
        birth = getattr(self, "birth_date", None)
        onset = self.case.get("recurrence_date")
        if birth and onset:
            day = dt.date.fromisoformat(onset)
            years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
            self.case["age"] = years
            self.report.add(
                "age", "mapped", f"{years}, from the birth date and the recurrence date."
            )
        elif birth:
            self.report.add(
                "age",
                "not_found",
                f"Birth date {birth} is known, the recurrence date is not: enter the age with the recurrence date.",
            )
        else:
            self.report.add("age", "not_found", "No birth date.")

    # Procedures
    def procedures(self) -> None:
        onset = self.case.get("recurrence_date")
        surgeries: list[tuple[str, str]] = []
        radiotherapy: list[str] = []
        for proc in self.by_type["Procedure"]:
            name = _label(proc)
            if proc.get("status") in ("entered-in-error", "not-done", "preparation"):
                continue
            day, _ = _day(
                proc.get("performedDateTime") or proc.get("performedPeriod", {}).get("start")
            )
            if onset and day and day.isoformat() >= onset:
                self.report.add(
                    "prior_breast_surgery",
                    "needs_review",
                    f"{name} ({_describe(proc.get('code'))}) was on or after the recurrence date; not counted as prior treatment.",
                )
                continue
            snomed = _codes(proc.get("code"), c.SNOMED)
            text = (
                " ".join(d.lower() for _, _, d in _codings(proc.get("code")))
                + " "
                + str(proc.get("code", {}).get("text", "")).lower()
            )
            if snomed & c.MASTECTOMY_CODES:
                surgeries.append(("mastectomy", name))
            elif snomed & c.BREAST_CONSERVING_CODES:
                surgeries.append(("breast_conserving", name))
            elif (
                snomed & c.RADIOTHERAPY_CODES
                or _profiles(proc) & c.RADIOTHERAPY_PROFILES
                or "radiation" in text
                or "radiotherapy" in text
            ):
                sites = set()
                for b in proc.get("bodySite", []):
                    sites |= _codes(b, c.SNOMED)
                if sites & c.BREAST_OR_CHEST_WALL_SITES:
                    radiotherapy.append(name)
            elif "mastectomy" in text or "lumpectomy" in text:
                self.report.add(
                    "prior_breast_surgery",
                    "unsupported_code",
                    f"{name}: {_describe(proc.get('code'))} is not in the code tables; choose the prior breast surgery by hand.",
                )
        if surgeries:
            kinds = {k for k, _ in surgeries}
            kind = "mastectomy" if "mastectomy" in kinds else "breast_conserving"
            self.case["prior_breast_surgery"] = kind
            self.report.add(
                "prior_breast_surgery",
                "mapped",
                f"{kind.replace('_', '-')} from {', '.join(n for _, n in surgeries)}.",
            )
        else:
            self.report.add(
                "prior_breast_surgery",
                "not_found",
                "No breast surgery in the record; the contract's default applies (none).",
            )
        if radiotherapy:
            self.case["prior_breast_radiotherapy"] = True
            self.report.add(
                "prior_breast_radiotherapy",
                "mapped",
                f"Radiotherapy to the breast or chest wall: {', '.join(radiotherapy)}.",
            )
        else:
            self.report.add(
                "prior_breast_radiotherapy",
                "not_found",
                "No radiotherapy to the breast or chest wall in the record; the contract's default applies (no).",
            )

    # Endocrine history
    def endocrine(self) -> None:
        onset = self.case.get("recurrence_date")
        taken: dict[str, list[tuple[str, dt.date | None, bool, str]]] = {"tamoxifen": [], "ai": []}
        for kind in ("MedicationStatement", "MedicationRequest", "MedicationAdministration"):
            for med in self.by_type[kind]:
                drug = self._drug(med)
                if drug is None:
                    continue
                name = _label(med)
                if (
                    med.get("status") in _SKIPPED_MEDICATION
                    or med.get("intent") in _NOT_TAKEN_INTENTS
                ):
                    continue
                start, end = self._period(med)
                if onset and start and start.isoformat() >= onset:
                    self.report.add(
                        "prior_tamoxifen" if drug == "tamoxifen" else "prior_aromatase_inhibitor",
                        "needs_review",
                        f"{name} started on {start}, on or after the recurrence date: treatment of this disease, not prior.",
                    )
                    continue
                ongoing = end is None and med.get("status") in _ONGOING
                taken[drug].append((name, end, ongoing, med.get("status", "")))
        self._drug_fields(
            "tamoxifen", taken["tamoxifen"], "prior_tamoxifen", "tamoxifen_end_date", onset
        )
        end_field = (
            "aromatase_inhibitor_end_date"
            if "aromatase_inhibitor_end_date" in CONTRACT_FIELDS
            else None
        )
        self._drug_fields(
            "aromatase inhibitor", taken["ai"], "prior_aromatase_inhibitor", end_field, onset
        )

    def _drug(self, med: dict[str, Any]) -> str | None:
        concept = med.get("medicationCodeableConcept")
        if concept is None and "medicationReference" in med:
            ref = med["medicationReference"].get("reference", "")
            concept = self.medications.get(ref, {}).get("code")
        if not isinstance(concept, dict):
            return None
        rx = _codes(concept, c.RXNORM)
        atc = _codes(concept, c.ATC)
        words = (
            " ".join(d for _, _, d in _codings(concept)) + " " + str(concept.get("text", ""))
        ).lower()
        if (
            rx & c.TAMOXIFEN_RXNORM
            or "L02BA01" in atc
            or any(n in words for n in c.TAMOXIFEN_NAMES)
        ):
            return "tamoxifen"
        if (
            rx & c.AROMATASE_INHIBITOR_RXNORM
            or any(a.startswith("L02BG") for a in atc)
            or any(n in words for n in c.AROMATASE_INHIBITOR_NAMES)
            or "aromatase inhibitor" in words
        ):
            return "ai"
        return None

    def _period(self, med: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
        period = med.get("effectivePeriod", {})
        start, _ = _day(
            period.get("start") or med.get("effectiveDateTime") or med.get("authoredOn")
        )
        end, _ = _day(period.get("end"))
        if end is None:
            for dosage in med.get("dosageInstruction", []) + med.get("dosage", []):
                bounds = (
                    dosage.get("timing", {}).get("repeat", {}).get("boundsPeriod", {})
                    if isinstance(dosage, dict)
                    else {}
                )
                start = start or _day(bounds.get("start"))[0]
                end = end or _day(bounds.get("end"))[0]
        return start, end

    def _drug_fields(self, label, found, flag, end_field, onset) -> None:
        if not found:
            self.report.add(
                flag, "not_found", f"No {label} in the record; the contract's default applies (no)."
            )
            if end_field:
                self.report.add(end_field, "not_found", f"No {label} in the record.")
            return
        self.case[flag] = True
        names = ", ".join(n for n, *_ in found)
        code = "mapped" if onset else "needs_review"
        self.report.add(
            flag,
            code,
            f"{label.capitalize()} from {names}"
            + (
                "."
                if onset
                else "; the recurrence date is not known, so check that it came before it."
            ),
        )
        if end_field is None:
            return
        if any(ongoing for _, _, ongoing, _ in found):
            self.report.add(
                end_field,
                "mapped",
                f"{label.capitalize()} is still taken (an active record and no end date).",
            )
            return
        ends = [end for _, end, _, _ in found if end]
        if ends:
            self.case[end_field] = max(ends).isoformat()
            self.report.add(end_field, "mapped", f"Ended {max(ends)}.")
            if len(ends) < len(found):
                self.report.add(
                    end_field,
                    "needs_review",
                    f"Some {label} records have no end date; the latest known end is used.",
                )
        else:
            self.report.add(
                end_field,
                "needs_review",
                f"The {label} records are {', '.join(sorted({s for *_, s in found}))} but give no end date; "
                "an empty end date means still taking it: enter the end date.",
            )

    def coordinator_fields(self) -> None:
        for name, default in COORDINATOR_FIELDS.items():
            if name in CONTRACT_FIELDS:
                self.report.add(
                    name,
                    "needs_review",
                    f"Not carried by FHIR or mCODE: for the coordinator to enter (until then: {default}).",
                )
        for name in (
            "er",
            "pr",
            "her2_ihc",
            "her2_ish",
            "ki67_percent",
            "ecog",
            "menopausal_status",
        ):
            if name not in self.case and not any(i["field"] == name for i in self.report.items):
                self.report.add(
                    name,
                    "not_found",
                    f"Not in the record; the contract's default applies ({DEFAULT_TEXT[name]}).",
                )


def _show(value: Any) -> str:
    return str(value).replace("_", " ")


def _provenance(case: dict[str, Any]) -> dict[str, str]:
    out = {name: ("imported" if name in case else "defaulted") for name in CONTRACT_FIELDS}
    out["symptomatic_sites"] = "defaulted"
    sites = case.get("sites") or []
    out["sites.lesions"] = "imported" if sites and all(s["lesions"] for s in sites) else "defaulted"
    return out


def import_bundle(data: Any) -> ImportResult:
    """Map a FHIR R4 Bundle to a draft contract case with its report. Raises BundleRefused."""
    entries = _load(data)
    report = _Report()
    resources = _parse_entries(entries, report)
    if not resources:
        problems = [i["message"] for i in report.items]
        raise BundleRefused(
            "No entry of the Bundle can be read for a case."
            + (" " + " ".join(problems[:3]) if problems else "")
        )
    mapper = _Mapper(resources, report)
    case = mapper.run()
    ordered = {name: case[name] for name in CONTRACT_FIELDS if name in case}
    result = ImportResult(
        case=ordered,
        report=report.items,
        identifiers=mapper.identifiers,
        provenance=_provenance(ordered),
        hospital_number=mapper.hospital_number,
    )
    return result
