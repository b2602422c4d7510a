"""The cohort: one row per case with recorded follow-up, read in one query, with its
survival times in months from the recurrence date (a month being DAYS_PER_MONTH days,
rounded as recurrence.followup.survival_times rounds them). Overall survival ends at
death, else is censored at the last contact; progression-free survival ends at
progression or death, whichever is first. A case counts as "surgery" when it has a
primary_surgery or metastasectomy treatment, at any time; the frame also carries when
each kind of treatment was first given, for comparisons that count a patient as treated
only from then on (outcomes.analysis).

pandas takes most of a second to import, so it is imported inside the function: the URL
configuration imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Subquery

from outcomes.labels import TREATMENT_SITES, TREATMENT_SPLITS
from recurrence.followup import DAYS_PER_MONTH
from recurrence.models import Case, CaseSite, Treatment

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


def cohort_queryset(filters: Filters | None = None):
    """The cases of the cohort, annotated with the first date of each treatment split
    (`<key>_months` names) and `has_<site>`; no rows read yet."""
    filters = filters or Filters()
    first = {
        split.column: Subquery(
            Treatment.objects.filter(
                case=OuterRef("pk"),
                kind__in=split.kinds,
                **({"site": split.site} if split.site else {}),
            )
            .order_by("start_date")
            .values("start_date")[:1]
        )
        for split in TREATMENT_SPLITS.values()
    }
    sites = {
        f"has_{site}": Exists(CaseSite.objects.filter(case=OuterRef("pk"), site=site))
        for site in TREATMENT_SITES
    }
    cases = Case.objects.filter(follow_up__isnull=False).annotate(**first, **sites)
    for name in ("presentation", "category", "subtype", "site_pattern"):
        if value := getattr(filters, name):
            cases = cases.filter(**{name: value})
    if filters.surgery is not None:
        cases = cases.filter(
            **{f"{TREATMENT_SPLITS['surgery'].column}__isnull": not filters.surgery}
        )
    if filters.synthetic is not None:
        cases = cases.filter(synthetic=filters.synthetic)
    if filters.exclude_case is not None:
        cases = cases.exclude(pk=filters.exclude_case)
    return cases


def cohort_rows(filters: Filters | None = None, cases=None):
    """The names of the columns _record reads, and the rows, in case order (so that a
    stable sort of them is reproducible)."""
    cases = cohort_queryset(filters) if cases is None else cases
    annotations = [*(split.column for split in TREATMENT_SPLITS.values())]
    annotations += [f"has_{site}" for site in TREATMENT_SITES]
    names = [*_FIELDS, *annotations]
    return names, cases.values_list(*_FIELDS.values(), *annotations)


def record(names, row) -> tuple:
    """One row of cohort_rows as a row of the frame (FRAME_COLUMNS)."""
    return _record(dict(zip(names, row, strict=True)))


def cohort_frame(filters: Filters | None = None) -> pd.DataFrame:
    """One row per case with recorded follow-up, read in one query.

    Columns: presentation, category, subtype, site_pattern, synthetic, surgery, age,
    os_months, os_event, pfs_months, pfs_event (events 1 or 0); for each treatment split
    of outcomes.labels.TREATMENT_SPLITS, `<key>_months`, the months from the recurrence to
    its first such treatment (NaN for none); and `has_<site>` for the sites those splits
    need. No identifiers or dates.
    """
    import pandas as pd

    names, rows = cohort_rows(filters)
    # A hospital's cohort is hundreds to thousands of rows: working the times out row by
    # row and building the frame once costs less than a dozen column operations on it.
    records = [record(names, row) for row in rows.order_by("pk")]
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
    *(split.column for split in TREATMENT_SPLITS.values()),
    *(f"has_{site}" for site in TREATMENT_SITES),
)
_FRAME_TYPES = {
    "synthetic": bool,
    "surgery": bool,
    "age": float,
    "os_months": float,
    "pfs_months": float,
    "os_event": int,
    "pfs_event": int,
    **{split.column: float for split in TREATMENT_SPLITS.values()},
    **{f"has_{site}": bool for site in TREATMENT_SITES},
}


def _record(row: dict[str, Any]) -> tuple:
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
        row[TREATMENT_SPLITS["surgery"].column] is not None,
        float("nan") if row["age"] is None else float(row["age"]),
        round((os_end - start).days / DAYS_PER_MONTH, 2),
        int(death is not None),
        round((pfs_end - start).days / DAYS_PER_MONTH, 2),
        int(progression is not None or death is not None),
        *(
            float("nan") if row[split.column] is None else _months(start, row[split.column])
            for split in TREATMENT_SPLITS.values()
        ),
        *(bool(row[f"has_{site}"]) for site in TREATMENT_SITES),
    )


def _months(start, end) -> float:
    return round((end - start).days / DAYS_PER_MONTH, 2)
