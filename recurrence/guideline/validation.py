"""Parse and validate a case (contract section 1).

`parse_case` turns the contract's JSON object into a `Case`, or raises `CaseRefused`
carrying every problem found, each with the field path, a stable code and a message
that a coordinator can act on. The web forms, the API and the command line all go
through this one function.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .case import Case, Site, Workup
from .schema import (
    DISTANT_SITES,
    FIELD_LABELS,
    HER2_IHC_SCORES,
    HER2_ISH_RESULTS,
    MENOPAUSAL_STATUSES,
    PRESENTATIONS,
    PRIOR_BREAST_SURGERIES,
    RECEPTOR_RESULTS,
    RECEPTOR_TISSUES,
    SITE_LABELS,
    SITES,
    WORKUP_ITEMS,
    WORKUP_LABELS,
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()


class CaseRefused(ValueError):
    """The case breaks the contract; `errors` lists every problem."""

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": self.errors}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: str  # choice | date | bool | int | number
    choices: tuple[str, ...] = ()
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None


SCALAR_FIELDS: dict[str, FieldSpec] = {
    "presentation": FieldSpec("choice", PRESENTATIONS),
    "recurrence_date": FieldSpec("date"),
    "primary_diagnosis_date": FieldSpec("date", nullable=True),
    "age": FieldSpec("int", nullable=True, minimum=18, maximum=120),
    "menopausal_status": FieldSpec("choice", MENOPAUSAL_STATUSES),
    "prior_breast_surgery": FieldSpec("choice", PRIOR_BREAST_SURGERIES),
    "prior_breast_radiotherapy": FieldSpec("bool"),
    "prior_tamoxifen": FieldSpec("bool"),
    "tamoxifen_end_date": FieldSpec("date", nullable=True),
    "prior_aromatase_inhibitor": FieldSpec("bool"),
    "aromatase_inhibitor_end_date": FieldSpec("date", nullable=True),
    "primary_in_situ": FieldSpec("bool"),
    "er": FieldSpec("choice", RECEPTOR_RESULTS),
    "pr": FieldSpec("choice", RECEPTOR_RESULTS),
    "her2_ihc": FieldSpec("choice", HER2_IHC_SCORES),
    "her2_ish": FieldSpec("choice", HER2_ISH_RESULTS),
    "ki67_percent": FieldSpec("number", nullable=True, minimum=0, maximum=100),
    "receptors_tested_on": FieldSpec("choice", RECEPTOR_TISSUES),
    "histology_confirmed": FieldSpec("bool"),
    "ecog": FieldSpec("int", nullable=True, minimum=0, maximum=4),
    "visceral_crisis": FieldSpec("bool"),
    "endocrine_resistance": FieldSpec("bool"),
    "neurological_symptoms": FieldSpec("bool"),
    "bone_pain": FieldSpec("bool"),
    "hypercalcaemia": FieldSpec("bool"),
    "systemic_disease_controlled": FieldSpec("bool", nullable=True),
    "resectable": FieldSpec("bool", nullable=True),
    "bulky_disease": FieldSpec("bool", nullable=True),
}
REQUIRED_FIELDS = ("presentation", "recurrence_date", "sites")
COMPOUND_FIELDS = ("sites", "symptomatic_sites", "workup")
CASE_FIELDS = frozenset(SCALAR_FIELDS) | frozenset(COMPOUND_FIELDS)
DATE_FIELDS = tuple(name for name, spec in SCALAR_FIELDS.items() if spec.kind == "date")
SITE_FIELDS = frozenset({"site", "lesions"})
LESIONS_SPEC = FieldSpec("int", nullable=True, minimum=1)

_TYPE_WORDS = {
    "bool": "yes or no (true or false)",
    "int": "a whole number",
    "number": "a number",
}


def _label(path: str) -> str:
    return FIELD_LABELS.get(path, path)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, code: str, message: str) -> None:
        self.errors.append({"field": field, "code": code, "message": message})


def _choice_words(choices: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in choices)


def _check_scalar(
    path: str, label: str | None, value: Any, spec: FieldSpec, errs: _Collector
) -> Any:
    """Return the parsed value, or _MISSING after recording a problem.

    The common valid values return at once; `label` (default: the field's label) is
    only worked out when there is a problem to describe.
    """
    kind = spec.kind
    if kind == "choice":
        if value in spec.choices:
            return value
    elif kind == "bool":
        if value is True or value is False:
            return value
    elif value is None and spec.nullable:
        return None
    elif kind == "date":
        if type(value) is str and _ISO_DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
    elif (
        type(value) is int
        and (spec.minimum is None or value >= spec.minimum)
        and (spec.maximum is None or value <= spec.maximum)
    ):
        return value
    label = label or _label(path)
    if value is None:
        if spec.nullable:
            return None
        errs.add(path, "wrong_type", f"{label} cannot be empty here.")
        return _MISSING
    if spec.kind == "choice":
        if not isinstance(value, str) or value not in spec.choices:
            errs.add(
                path,
                "invalid_choice",
                f"{label}: {value!r} is not one of the allowed values ({_choice_words(spec.choices)}).",
            )
            return _MISSING
        return value
    if spec.kind == "date":
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            errs.add(path, "invalid_date", f"{label} must be a date written YYYY-MM-DD.")
            return _MISSING
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            errs.add(path, "invalid_date", f"{label}: {value} is not a real calendar date.")
            return _MISSING
    if spec.kind == "bool":
        if type(value) is not bool:
            errs.add(path, "wrong_type", f"{label} must be {_TYPE_WORDS['bool']}.")
            return _MISSING
        return value
    # int or number
    is_number = isinstance(value, (int, float)) and type(value) is not bool
    if not is_number or (isinstance(value, float) and not math.isfinite(value)):
        errs.add(path, "wrong_type", f"{label} must be {_TYPE_WORDS[spec.kind]}.")
        return _MISSING
    if spec.kind == "int" and not isinstance(value, int):
        errs.add(path, "wrong_type", f"{label} must be {_TYPE_WORDS['int']}.")
        return _MISSING
    if spec.minimum is not None and value < spec.minimum:
        errs.add(path, "min_value", f"{label} must be at least {spec.minimum:g}.")
        return _MISSING
    if spec.maximum is not None and value > spec.maximum:
        errs.add(path, "max_value", f"{label} must be at most {spec.maximum:g}.")
        return _MISSING
    return value


def _parse_sites(value: Any, errs: _Collector) -> tuple[tuple[Site, ...] | None, set[str] | None]:
    """The parsed sites (None if any is refused) and the valid site names among them, so
    that the checks across fields still run when only a lesion count is wrong."""
    if not isinstance(value, list):
        errs.add("sites", "wrong_type", "Sites must be a list of sites with their lesion counts.")
        return None, None
    if not value:
        errs.add("sites", "required", "Add at least one site of disease.")
        return None, None
    parsed: list[Site] = []
    seen: set[str] = set()
    ok = True
    for i, item in enumerate(value):
        base = f"sites[{i}]"
        if not isinstance(item, Mapping):
            errs.add(
                base,
                "wrong_type",
                f"Site {i + 1} must be an object with a site and its lesion count.",
            )
            ok = False
            continue
        for key in item:
            if key not in SITE_FIELDS:
                errs.add(
                    f"{base}.{key}", "unknown_field", f"Site {i + 1}: {key!r} is not a known field."
                )
                ok = False
        site = item.get("site", _MISSING)
        if site is _MISSING or site is None:
            errs.add(f"{base}.site", "required", f"Site {i + 1}: choose where the disease is.")
            ok = False
            site = _MISSING
        elif not isinstance(site, str) or site not in SITES:
            errs.add(
                f"{base}.site",
                "invalid_choice",
                f"Site {i + 1}: {site!r} is not a known site.",
            )
            ok = False
            site = _MISSING
        elif site in seen:
            errs.add(
                f"{base}.site",
                "duplicate_site",
                f"Site {i + 1}: {SITE_LABELS[site]} is listed more than once; give it once with its lesion count.",
            )
            ok = False
        else:
            seen.add(site)
        lesions = _check_scalar(
            f"{base}.lesions", f"Site {i + 1} lesions", item.get("lesions"), LESIONS_SPEC, errs
        )
        if lesions is _MISSING:
            ok = False
        if site is not _MISSING and lesions is not _MISSING:
            parsed.append(Site(site, lesions))
    return (tuple(parsed) if ok else None), seen


def _parse_symptomatic(value: Any, errs: _Collector) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        errs.add("symptomatic_sites", "wrong_type", "Symptomatic sites must be a list of sites.")
        return None
    out: list[str] = []
    ok = True
    for i, site in enumerate(value):
        if not isinstance(site, str) or site not in SITES:
            errs.add(
                f"symptomatic_sites[{i}]",
                "invalid_choice",
                f"Symptomatic site {i + 1}: {site!r} is not a known site.",
            )
            ok = False
        elif site not in out:
            out.append(site)
    return tuple(out) if ok else None


def _parse_workup(value: Any, errs: _Collector) -> Workup | None:
    if not isinstance(value, Mapping):
        errs.add(
            "workup", "wrong_type", "Workup must be a checklist of the assessments already done."
        )
        return None
    ok = True
    done: dict[str, bool] = {}
    for key, item in value.items():
        if key not in WORKUP_ITEMS:
            errs.add(
                f"workup.{key}", "unknown_field", f"Workup: {key!r} is not a known assessment."
            )
            ok = False
            continue
        if type(item) is not bool:
            errs.add(
                f"workup.{key}",
                "wrong_type",
                f"Workup, {WORKUP_LABELS[key]}: must be yes or no (true or false).",
            )
            ok = False
            continue
        done[key] = item
    return Workup(**done) if ok else None


def parse_case(data: Any, *, today: dt.date) -> Case:
    """Validate `data` against the contract and return the parsed case.

    Raises CaseRefused with every problem at once. `today` is the date after which
    any date is refused as `future_date`.
    """
    errs = _Collector()
    if type(data) is not dict and not isinstance(data, Mapping):
        errs.add("case", "wrong_type", "A case must be a JSON object of named fields.")
        raise CaseRefused(errs.errors)

    values: dict[str, Any] = {}
    for name in REQUIRED_FIELDS:
        if data.get(name) is None:
            errs.add(name, "required", f"{_label(name)} is required.")

    for key, raw in data.items():
        spec = SCALAR_FIELDS.get(key)
        if spec is None:
            if key not in COMPOUND_FIELDS:
                errs.add(str(key), "unknown_field", f"{key!r} is not a field of a case.")
            continue
        if raw is None and key in REQUIRED_FIELDS:
            continue
        # Most values are a valid choice or a boolean: take them without a call.
        if (spec.kind == "choice" and raw in spec.choices) or (
            spec.kind == "bool" and (raw is True or raw is False)
        ):
            values[key] = raw
            continue
        parsed = _check_scalar(key, None, raw, spec, errs)
        if parsed is not _MISSING:
            values[key] = parsed

    sites: tuple[Site, ...] | None = None
    site_names: set[str] | None = None
    if data.get("sites") is not None:
        sites, site_names = _parse_sites(data["sites"], errs)
    symptomatic: tuple[str, ...] | None = ()
    if "symptomatic_sites" in data:
        symptomatic = _parse_symptomatic(data["symptomatic_sites"], errs)
    workup: Workup | None = Workup()
    if "workup" in data:
        workup = _parse_workup(data["workup"], errs)

    _check_dates(values, today, errs)
    _check_cross_fields(data, values, site_names, symptomatic, errs)

    if errs.errors:
        raise CaseRefused(errs.errors)

    assert sites is not None and symptomatic is not None and workup is not None
    if "primary_in_situ" not in values:
        values["primary_in_situ"] = values["presentation"] == "de_novo_stage_iv"
    return Case(sites=sites, symptomatic_sites=symptomatic, workup=workup, **values)


def _check_dates(values: dict[str, Any], today: dt.date, errs: _Collector) -> None:
    for name in DATE_FIELDS:
        value = values.get(name)
        if value is not None and value > today:
            errs.add(
                name,
                "future_date",
                f"{_label(name)} {value.isoformat()} is in the future (today is {today.isoformat()}).",
            )
    primary = values.get("primary_diagnosis_date")
    if primary is None:
        return
    recurrence = values.get("recurrence_date")
    if recurrence is not None and recurrence < primary:
        errs.add(
            "recurrence_date",
            "date_order",
            "Recurrence date is before the primary diagnosis date; check both dates.",
        )
    for name in ("tamoxifen_end_date", "aromatase_inhibitor_end_date"):
        end = values.get(name)
        if end is not None and end < primary:
            errs.add(
                name,
                "date_order",
                f"{_label(name)} is before the primary diagnosis date; check both dates.",
            )


def _check_cross_fields(
    data: Mapping[str, Any],
    values: dict[str, Any],
    present: set[str] | None,
    symptomatic: tuple[str, ...] | None,
    errs: _Collector,
) -> None:
    if values.get("tamoxifen_end_date") is not None and data.get("prior_tamoxifen", False) is False:
        errs.add(
            "tamoxifen_end_date",
            "tamoxifen_end_without_tamoxifen",
            "A tamoxifen end date is given but prior tamoxifen is not ticked.",
        )
    if (
        values.get("aromatase_inhibitor_end_date") is not None
        and data.get("prior_aromatase_inhibitor", False) is False
    ):
        errs.add(
            "aromatase_inhibitor_end_date",
            "aromatase_inhibitor_end_without_aromatase_inhibitor",
            "An aromatase inhibitor end date is given but prior aromatase inhibitor is not ticked.",
        )
    if present is None:
        return
    if "breast" in present and values.get("prior_breast_surgery") == "mastectomy":
        index = next(
            i
            for i, item in enumerate(data.get("sites") or [])
            if isinstance(item, Mapping) and item.get("site") == "breast"
        )
        errs.add(
            f"sites[{index}].site",
            "breast_site_after_mastectomy",
            "Site 'breast (same side)' cannot follow a mastectomy: after a mastectomy a local "
            "recurrence is recorded as chest wall. Correct the site or the prior breast surgery.",
        )
    if symptomatic:
        raw = data.get("symptomatic_sites") or []
        for i, site in enumerate(raw):
            if site in symptomatic and site not in present:
                errs.add(
                    f"symptomatic_sites[{i}]",
                    "symptomatic_site_not_present",
                    f"{SITE_LABELS[site].capitalize()} is marked symptomatic but is not among the sites of disease.",
                )
    if values.get("presentation") == "de_novo_stage_iv" and not present.intersection(DISTANT_SITES):
        errs.add(
            "sites",
            "de_novo_without_distant_site",
            "A de novo stage IV case needs at least one distant site.",
        )
