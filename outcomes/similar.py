""" "Similar patients here" on the case page: the hospital's patients alike in category,
subtype and site pattern, and their survival."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from outcomes.cohort import Filters
from outcomes.formatting import group_row
from outcomes.forms import Choices
from outcomes.labels import LABELS, NOT_RECORDED, SIMILAR_AT_MONTHS, SURGERY_LABELS
from outcomes.reports import outcomes_analysis
from recurrence.models import Case


def similar_patients(case: Case, *, chart: bool = False) -> dict[str, Any]:
    """Patients of this hospital with the same category, subtype and site pattern as the
    case (not the case itself), split by surgery: overall survival per arm, and the small
    chart with `chart` (the case page loads it from its own URL, `chart_url`, so that
    drawing it does not hold up the page). A real case is compared with real cases only,
    a synthetic one with synthetic cases only, so that demo data never mixes into a real
    patient's figures."""
    filters = Filters(
        category=case.category,
        subtype=case.subtype,
        site_pattern=case.site_pattern,
        synthetic=case.synthetic,
        exclude_case=case.pk,
    )
    analysis = outcomes_analysis(
        filters, "surgery", "os", chart=chart, small_chart=True, at=SIMILAR_AT_MONTHS
    )
    criteria = [
        LABELS["category"].get(case.category, case.category),
        LABELS["subtype"].get(case.subtype, case.subtype),
        LABELS["site_pattern"].get(case.site_pattern, case.site_pattern or NOT_RECORDED),
    ]
    choices = Choices(
        Filters(subtype=case.subtype, site_pattern=case.site_pattern, synthetic=case.synthetic),
        endpoint="os",
        group_by="surgery",
    )
    arms = [group_row(g, SIMILAR_AT_MONTHS) for g in analysis["groups"]]
    messages = [m for m in analysis["messages"] if not m.startswith("Only one group")]
    if len(arms) == 1 and arms[0]["label"] == SURGERY_LABELS[True]:
        messages.append("Every one of these patients had surgery: there is no comparison arm.")
    elif len(arms) == 1:
        messages.append("None of these patients had surgery: there is no surgery arm.")
    return {
        "criteria": criteria,
        "n": analysis["n"],
        "events": analysis["events"],
        "synthetic": case.synthetic,
        "arms": arms,
        "rows": _similar_rows(arms),
        "messages": messages,
        "chart": analysis["chart"],
        "chart_url": reverse("outcomes-similar-chart", args=[case.pk]),
        "url": reverse("outcomes") + "?" + urlencode(choices.query(), doseq=True),
    }


def _similar_rows(arms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The arms side by side, one row per figure, to fit a narrow panel."""
    rows = [
        {"label": "Patients", "cells": [{"value": arm["n"]} for arm in arms]},
        {"label": "Deaths", "cells": [{"value": arm["events"]} for arm in arms]},
        {
            "label": "Median OS, months",
            "cells": [
                {"value": arm["median"], "ci": arm["median_ci"]}
                if arm["estimable"]
                else {"value": None}
                for arm in arms
            ],
        },
    ]
    for i, months in enumerate(SIMILAR_AT_MONTHS):
        cells = []
        for arm in arms:
            point = arm["points"][i] if arm["estimable"] else None
            known = point is not None and point["known"]
            cells.append(
                {"value": point["survival"], "ci": point["ci"]} if known else {"value": None}
            )
        years = months // 12
        rows.append({"label": f"{years}-year OS", "cells": cells})
    return rows
