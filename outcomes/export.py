"""The data behind the Outcomes chart as CSV rows, de-identified."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from outcomes.analysis import group_labels, usable
from outcomes.cohort import Filters, cohort_frame
from outcomes.labels import ENDPOINTS, GROUP_BY, TREATMENT_SPLITS, check_choice


def csv_rows(
    filters: Filters | None = None,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
) -> list[list[Any]]:
    """A header and one row per patient: a row number (not linked to any record), the
    group, the time in months, the event (1 or 0), for a treatment split the months to
    the treatment (blank for none), and the covariates. Ages are given in
    10-year bands, and in whole years only when age is a covariate of the Cox model."""
    check_choice("endpoint", endpoint, ENDPOINTS)
    check_choice("group_by", group_by, GROUP_BY)
    frame, _ = usable(cohort_frame(filters), endpoint)
    split = TREATMENT_SPLITS.get(group_by)
    if split is not None and split.site:
        frame = frame[frame[split.site_column]]
    time, event = f"{endpoint}_months", f"{endpoint}_event"
    labels, order = group_labels(frame, group_by)
    frame = frame.assign(
        group_label=labels, group_rank=labels.map({label: i for i, label in enumerate(order)})
    ).sort_values(["group_rank", time, event], ascending=[True, True, False], kind="stable")
    with_age = "age" in cox_covariates
    header = [
        "row",
        "group",
        f"{endpoint}_months",
        f"{endpoint}_event",
        *([split.column] if split is not None else []),
        "presentation",
        "subtype",
        "site_pattern",
        "surgery",
        "age_band",
    ]
    if with_age:
        header.append("age")
    header.append("synthetic")
    rows: list[list[Any]] = [header]
    for number, record in enumerate(frame.itertuples(index=False), start=1):
        age = record.age
        row = [
            number,
            record.group_label,
            f"{getattr(record, time):.2f}",
            int(getattr(record, event)),
            *([_months(getattr(record, split.column))] if split is not None else []),
            record.presentation,
            record.subtype,
            record.site_pattern,
            int(record.surgery),
            age_band(age),
        ]
        if with_age:
            row.append("" if _missing(age) else int(age))
        row.append(int(record.synthetic))
        rows.append(row)
    return rows


def _months(value: float) -> str:
    """Months to the treatment; blank for none."""
    return "" if _missing(value) else f"{value:.2f}"


def age_band(age: float | None) -> str:
    if _missing(age):
        return ""
    age = int(age)
    if age < 30:
        return "18-29"
    if age >= 90:
        return "90+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
