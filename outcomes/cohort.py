"""The cohort: one row per case with recorded follow-up, read in one query, with its
survival times in months from the recurrence date (a month being DAYS_PER_MONTH days,
rounded as recurrence.followup.survival_times rounds them). Overall survival ends at
death, else is censored at the last contact; progression-free survival ends at
progression or death, whichever is first. A case counts as "surgery" when it has a
primary_surgery or metastasectomy treatment, at any time.

pandas takes most of a second to import, so it is imported inside the function: the URL
configuration imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef

from outcomes.labels import SURGERY_KINDS
from recurrence.followup import DAYS_PER_MONTH
from recurrence.models import Case, Treatment

if TYPE_CHECKING:
    import pandas as pd

_FIELDS = {
    "presentation": "presentation",
    "category": "category",
    "subtype": "subtype",
    "site_pattern": "site_pattern",
    "synthetic": "synthetic",
    "age": "age",
    "recurrence_date": "recurrence_date",
    "last_contact": "follow_up__last_contact_date",
    "death": "follow_up__death_date",
    "progression": "follow_up__progression_date",
}


@dataclass(frozen=True)
class Filters:
    """Which cases make the cohort; an empty value means any."""

    presentation: str = ""
    category: str = ""
    subtype: str = ""
    site_pattern: str = ""
    surgery: bool | None = None
    synthetic: bool | None = None
    exclude_case: int | None = None


def cohort_frame(filters: Filters | None = None) -> pd.DataFrame:
    """One row per case with recorded follow-up, read in one query.

    Columns: presentation, category, subtype, site_pattern, synthetic, surgery, age, and
    os_months, os_event, pfs_months, pfs_event (events 1 or 0). No identifiers or dates.
    """
    import pandas as pd

    filters = filters or Filters()
    surgery = Exists(Treatment.objects.filter(case=OuterRef("pk"), kind__in=SURGERY_KINDS))
    cases = Case.objects.filter(follow_up__isnull=False).annotate(surgery=surgery)
    for name in ("presentation", "category", "subtype", "site_pattern"):
        if value := getattr(filters, name):
            cases = cases.filter(**{name: value})
    if filters.surgery is not None:
        cases = cases.filter(surgery=filters.surgery)
    if filters.synthetic is not None:
        cases = cases.filter(synthetic=filters.synthetic)
    if filters.exclude_case is not None:
        cases = cases.exclude(pk=filters.exclude_case)
    rows = cases.order_by().values_list(*_FIELDS.values(), "surgery")
    # A hospital's cohort is hundreds to thousands of rows: working the times out row by
    # row and building the frame once costs less than a dozen column operations on it.
    records = [_record(dict(zip(_FIELDS, row[:-1], strict=True)), row[-1]) for row in rows]
    return pd.DataFrame.from_records(records, columns=FRAME_COLUMNS).astype(_FRAME_TYPES)


FRAME_COLUMNS = (
    "presentation",
    "category",
    "subtype",
    "site_pattern",
    "synthetic",
    "surgery",
    "age",
    "os_months",
    "os_event",
    "pfs_months",
    "pfs_event",
)
_FRAME_TYPES = {
    "synthetic": bool,
    "surgery": bool,
    "age": float,
    "os_months": float,
    "pfs_months": float,
    "os_event": int,
    "pfs_event": int,
}


def _record(row: dict[str, Any], surgery: bool) -> tuple:
    """Overall survival to death, else censored at last contact; progression-free to
    progression or death, whichever is first, else censored at last contact (as
    recurrence.followup.survival_times has it), in months rounded to two places."""
    start, last, death, progression = (
        row["recurrence_date"],
        row["last_contact"],
        row["death"],
        row["progression"],
    )
    os_end = death or last
    pfs_end = (
        min(d for d in (progression, death) if d is not None) if (progression or death) else last
    )
    return (
        str(row["presentation"]),
        str(row["category"]),
        str(row["subtype"]),
        str(row["site_pattern"]),
        bool(row["synthetic"]),
        bool(surgery),
        float("nan") if row["age"] is None else float(row["age"]),
        round((os_end - start).days / DAYS_PER_MONTH, 2),
        int(death is not None),
        round((pfs_end - start).days / DAYS_PER_MONTH, 2),
        int(progression is not None or death is not None),
    )
