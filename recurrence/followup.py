"""Follow-up and treatments of a case: validation of impossible records, and the survival
times they give. Pure: plain data in, plain data out, no Django.

Times are in months from the recurrence date (the date of stage IV diagnosis for a de novo
case), a month being 365.25 / 12 days, as survival analyses usually count them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from recurrence.guideline.schema import DISTANT_SITES, SITE_LABELS, SITES

DAYS_PER_MONTH = 365.25 / 12
VITAL_STATUSES = ("alive", "dead")
TREATMENT_KINDS = ("systemic_line", "primary_surgery", "metastasectomy", "radiotherapy")
TREATMENT_LABELS = {
    "systemic_line": "systemic therapy line",
    "primary_surgery": "surgery of the primary tumour",
    "metastasectomy": "metastasectomy",
    "radiotherapy": "radiotherapy",
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FollowUpRefused(ValueError):
    def __init__(self, errors: list[dict[str, str]]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class FollowUp:
    last_contact_date: dt.date
    vital_status: str
    death_date: dt.date | None = None
    progression_date: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_contact_date": self.last_contact_date.isoformat(),
            "vital_status": self.vital_status,
            "death_date": self.death_date.isoformat() if self.death_date else None,
            "progression_date": self.progression_date.isoformat()
            if self.progression_date
            else None,
        }


@dataclass(frozen=True, slots=True)
class Treatment:
    kind: str
    start_date: dt.date
    end_date: dt.date | None = None
    line: int | None = None
    site: str | None = None
    description: str = ""


class _Errors(list):
    def add(self, field: str, code: str, message: str) -> None:
        self.append({"field": field, "code": code, "message": message})


def _date(
    data: Mapping, name: str, label: str, errs: _Errors, *, required: bool = False
) -> dt.date | None:
    raw = data.get(name)
    if raw is None or raw == "":
        if required:
            errs.add(name, "required", f"{label} is required.")
        return None
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str) or not _ISO.match(raw):
        errs.add(name, "invalid_date", f"{label} must be a date written YYYY-MM-DD.")
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errs.add(name, "invalid_date", f"{label}: {raw} is not a real calendar date.")
        return None


def _unknown(data: Mapping, allowed: set[str], errs: _Errors, prefix: str = "") -> None:
    for key in data:
        if key not in allowed:
            errs.add(f"{prefix}{key}", "unknown_field", f"{key!r} is not a known field.")


def parse_follow_up(data: Any, *, recurrence_date: dt.date, today: dt.date) -> FollowUp:
    """Validate a follow-up record; raise FollowUpRefused with every problem at once."""
    errs = _Errors()
    if not isinstance(data, Mapping):
        raise FollowUpRefused(
            [
                {
                    "field": "follow_up",
                    "code": "wrong_type",
                    "message": "Follow-up must be an object of named fields.",
                }
            ]
        )
    _unknown(data, {"last_contact_date", "vital_status", "death_date", "progression_date"}, errs)
    last = _date(data, "last_contact_date", "Date of last contact", errs, required=True)
    death = _date(data, "death_date", "Date of death", errs)
    progression = _date(data, "progression_date", "Date of progression", errs)
    status = data.get("vital_status")
    if status is None:
        errs.add("vital_status", "required", "Vital status is required.")
    elif status not in VITAL_STATUSES:
        errs.add("vital_status", "invalid_choice", "Vital status must be alive or dead.")

    for name, value, label in (
        ("last_contact_date", last, "Date of last contact"),
        ("death_date", death, "Date of death"),
        ("progression_date", progression, "Date of progression"),
    ):
        if value is None:
            continue
        if value > today:
            errs.add(name, "future_date", f"{label} {value.isoformat()} is in the future.")
        if value < recurrence_date:
            errs.add(
                name,
                "before_recurrence",
                f"{label} {value.isoformat()} is before the recurrence date {recurrence_date.isoformat()}.",
            )
    if status == "dead" and death is None and "death_date" not in {e["field"] for e in errs}:
        errs.add("death_date", "required", "Date of death is required when the patient has died.")
    if status == "alive" and death is not None:
        errs.add(
            "death_date",
            "death_date_while_alive",
            "A date of death is given but the patient is recorded alive.",
        )
    if death is not None and last is not None and last > death:
        errs.add(
            "last_contact_date",
            "contact_after_death",
            "Date of last contact is after the date of death.",
        )
    if progression is not None:
        if death is not None and progression > death:
            errs.add(
                "progression_date",
                "progression_after_death",
                "Date of progression is after the date of death.",
            )
        elif status == "alive" and last is not None and progression > last:
            errs.add(
                "progression_date",
                "after_last_contact",
                "Date of progression is after the last contact with a living patient.",
            )
    if errs:
        raise FollowUpRefused(list(errs))
    assert last is not None and status is not None
    return FollowUp(last, status, death, progression)


def parse_treatment(
    data: Any, *, recurrence_date: dt.date, today: dt.date, follow_up: FollowUp | None = None
) -> Treatment:
    errs = _Errors()
    if not isinstance(data, Mapping):
        raise FollowUpRefused(
            [
                {
                    "field": "treatment",
                    "code": "wrong_type",
                    "message": "A treatment must be an object of named fields.",
                }
            ]
        )
    _unknown(data, {"kind", "start_date", "end_date", "line", "site", "description"}, errs)
    kind = data.get("kind")
    if kind is None:
        errs.add("kind", "required", "Choose the kind of treatment.")
    elif kind not in TREATMENT_KINDS:
        errs.add("kind", "invalid_choice", f"Kind must be one of: {', '.join(TREATMENT_KINDS)}.")
    start = _date(data, "start_date", "Start date", errs, required=True)
    end = _date(data, "end_date", "End date", errs)
    line = data.get("line")
    if kind == "systemic_line":
        if line is None:
            errs.add(
                "line",
                "required",
                "Give the line number of the systemic therapy (1 for first line).",
            )
        elif type(line) is not int:
            errs.add("line", "wrong_type", "Line must be a whole number.")
        elif not 1 <= line <= 20:
            errs.add(
                "line", "min_value" if line < 1 else "max_value", "Line must be between 1 and 20."
            )
    elif line is not None:
        errs.add("line", "not_applicable", "A line number belongs to systemic therapy only.")
    site = data.get("site") or None
    if kind == "metastasectomy":
        if site is None:
            errs.add("site", "required", "Give the site of the metastasectomy.")
        elif site not in DISTANT_SITES:
            errs.add("site", "invalid_choice", "A metastasectomy site must be a distant site.")
    elif kind == "radiotherapy":
        if site is not None and site not in SITES:
            errs.add("site", "invalid_choice", f"{site!r} is not a known site.")
    elif site is not None:
        errs.add("site", "not_applicable", "A site belongs to metastasectomy or radiotherapy only.")
    description = data.get("description") or ""
    if not isinstance(description, str):
        errs.add("description", "wrong_type", "Description must be text.")
    elif "\x00" in description:
        errs.add(
            "description", "invalid", "Description contains a character that cannot be stored."
        )
    elif len(description) > 200:
        errs.add("description", "max_length", "Description must be at most 200 characters.")
    for name, value, label in (("start_date", start, "Start date"), ("end_date", end, "End date")):
        if value is None:
            continue
        if value > today:
            errs.add(name, "future_date", f"{label} {value.isoformat()} is in the future.")
        if value < recurrence_date:
            errs.add(
                name,
                "before_recurrence",
                f"{label} is before the recurrence date {recurrence_date.isoformat()}.",
            )
        if (
            follow_up is not None
            and follow_up.death_date is not None
            and value > follow_up.death_date
        ):
            errs.add(name, "after_death", f"{label} is after the date of death.")
    if start is not None and end is not None and end < start:
        errs.add("end_date", "date_order", "End date is before the start date.")
    if errs:
        raise FollowUpRefused(list(errs))
    assert kind is not None and start is not None
    return Treatment(kind, start, end, line if kind == "systemic_line" else None, site, description)


@dataclass(frozen=True, slots=True)
class SurvivalTimes:
    os_months: float
    os_event: bool
    pfs_months: float
    pfs_event: bool


def months_between(start: dt.date, end: dt.date) -> float:
    return round((end - start).days / DAYS_PER_MONTH, 2)


def survival_times(recurrence_date: dt.date, follow_up: FollowUp) -> SurvivalTimes:
    """Overall survival: to death, else censored at last contact. Progression-free: to
    progression or death, whichever is first, else censored at last contact."""
    if follow_up.death_date is not None:
        os_end, os_event = follow_up.death_date, True
    else:
        os_end, os_event = follow_up.last_contact_date, False
    pfs_dates = [d for d in (follow_up.progression_date, follow_up.death_date) if d is not None]
    if pfs_dates:
        pfs_end, pfs_event = min(pfs_dates), True
    else:
        pfs_end, pfs_event = follow_up.last_contact_date, False
    return SurvivalTimes(
        months_between(recurrence_date, os_end),
        os_event,
        months_between(recurrence_date, pfs_end),
        pfs_event,
    )


def site_label(site: str | None) -> str:
    return SITE_LABELS.get(site or "", "")
