"""The data behind the Outcomes chart as CSV rows, de-identified.

csv_stream yields the rows one by one from a database cursor sorted by the database, so
that the CSV of a hundred thousand patients takes no more memory than that of a hundred
(outcomes.views streams it). csv_rows builds the same rows from the cohort frame; the
tests hold the two equal.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

from django.db.models import Case, DurationField, ExpressionWrapper, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, Least

from outcomes.analysis import group_labels, usable
from outcomes.cohort import Filters, cohort_frame, cohort_queryset, cohort_rows
from outcomes.cohort import record as cohort_record
from outcomes.labels import (
    ALL_PATIENTS,
    ENDPOINTS,
    GROUP_BY,
    LABELS,
    NOT_RECORDED,
    TREATMENT_SPLITS,
    check_choice,
)
from outcomes.revision import cached_chunks

_CHUNK = 1000  # rows read from the database at a time


def csv_stream(
    filters: Filters | None = None,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
) -> Iterator[list[Any]]:
    """The rows of csv_rows, in the same order, read through a cursor: the database
    sorts by group (in the order of group_labels), time (its days order the rounded
    months alike, a day being more than a hundredth of a month), event first, then case."""
    check_choice("endpoint", endpoint, ENDPOINTS)
    check_choice("group_by", group_by, GROUP_BY)
    return _stream(filters, group_by, endpoint, cox_covariates)


def _stream(filters, group_by, endpoint, cox_covariates) -> Iterator[list[Any]]:
    split = TREATMENT_SPLITS.get(group_by)
    cases = cohort_queryset(filters)
    if split is not None and split.site:
        cases = cases.filter(**{split.site_column: True})
    start = F("recurrence_date")
    death, last = F("follow_up__death_date"), F("follow_up__last_contact_date")
    progression = F("follow_up__progression_date")
    if endpoint == "os":
        end = Coalesce(death, last)
        event = Case(When(follow_up__death_date__isnull=False, then=1), default=0)
    else:
        # Least is NULL with a NULL on SQLite and skips NULLs on PostgreSQL: coalesced, it
        # is the earlier of the two that are given, on both.
        end = Coalesce(Least(progression, death), progression, death, last)
        event = Case(
            When(follow_up__progression_date__isnull=False, then=1),
            When(follow_up__death_date__isnull=False, then=1),
            default=0,
        )
    days = ExpressionWrapper(end - start, output_field=DurationField())
    cases = cases.annotate(
        _days=days, _event=ExpressionWrapper(event, output_field=IntegerField())
    ).filter(_days__gte=_zero())  # usable(): no follow-up that ends before the recurrence
    labels, cases = _group_order(cases, group_by, split)
    cases = cases.order_by("_rank", "_label", "_days", "-_event", "pk")
    names, rows = cohort_rows(cases=cases)
    header = _header(endpoint, split, cox_covariates)
    yield header
    frame_columns = _frame_columns()
    time, event_name = f"{endpoint}_months", f"{endpoint}_event"
    with_age = "age" in cox_covariates
    for number, row in enumerate(rows.iterator(chunk_size=_CHUNK), start=1):
        values = dict(zip(frame_columns, cohort_record(names, row), strict=True))
        yield _row(number, labels(values), values, time, event_name, split, with_age)


def _zero():
    import datetime as dt

    return dt.timedelta(0)


def _group_order(cases, group_by: str, split):
    """The label of a patient's group, and the cases annotated with its rank (_rank,
    _label) in the order group_labels gives the groups."""
    if group_by == "none":
        return (lambda values: ALL_PATIENTS), cases.annotate(_rank=Value(0), _label=Value(""))
    if split is not None:
        treated = {f"{split.column}__isnull": False}
        rank = Case(When(**treated, then=0), default=1, output_field=IntegerField())
        return (
            lambda values: split.treated if not _missing(values[split.column]) else split.untreated
        ), cases.annotate(_rank=rank, _label=Value(""))
    names = LABELS[group_by]
    rank = Case(
        *(When(**{group_by: value}, then=i) for i, value in enumerate(names)),
        default=len(names),
        output_field=IntegerField(),
    )
    # Values without a label sort by the label they are shown with: their own value, or
    # NOT_RECORDED for an empty one.
    label = Case(When(**{group_by: ""}, then=Value(NOT_RECORDED)), default=F(group_by))
    return (
        lambda values: names.get(values[group_by], values[group_by] or NOT_RECORDED)
    ), cases.annotate(_rank=rank, _label=label)


def _frame_columns():
    from outcomes.cohort import FRAME_COLUMNS

    return FRAME_COLUMNS


def _header(endpoint: str, split, cox_covariates: Sequence[str]) -> list[str]:
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
    if "age" in cox_covariates:
        header.append("age")
    header.append("synthetic")
    return header


def _row(number, label, values, time, event, split, with_age) -> list[Any]:
    age = values["age"]
    row = [
        number,
        label,
        f"{values[time]:.2f}",
        int(values[event]),
        *([_months(values[split.column])] if split is not None else []),
        values["presentation"],
        values["subtype"],
        values["site_pattern"],
        int(values["surgery"]),
        age_band(age),
    ]
    if with_age:
        row.append("" if _missing(age) else int(age))
    row.append(int(values["synthetic"]))
    return row


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


CSV_CHUNK_ROWS = 1000  # what a download holds in memory: about 0.4 MB of text


def csv_text(
    filters: Filters | None = None,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
) -> Iterator[str]:
    """The CSV of csv_stream as text in chunks of CSV_CHUNK_ROWS rows, cached under the
    cohort revision and the choices (outcomes.revision.cached_chunks): the first download
    after a write reads the database, the next ones the cache, and neither holds more than
    a chunk in memory."""
    check_choice("endpoint", endpoint, ENDPOINTS)
    check_choice("group_by", group_by, GROUP_BY)
    inputs = (asdict(filters or Filters()), group_by, endpoint, list(cox_covariates))
    return cached_chunks(
        "csv", inputs, lambda: _chunks(csv_stream(filters, group_by, endpoint, cox_covariates))
    )


def _chunks(rows: Iterator[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
