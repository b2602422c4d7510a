""" "Similar patients here" on the case page: the hospital's patients alike in category,
subtype and site pattern, and their survival."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from outcomes.analysis import Analysis, analyse
from outcomes.cohort import Filters, cohort_frame
from outcomes.formatting import treatment_view
from outcomes.forms import Choices
from outcomes.labels import DEFAULT_LANDMARK, LABELS, NOT_RECORDED, SIMILAR_AT_MONTHS
from outcomes.reports import draw
from outcomes.revision import cached, peek
from recurrence.models import Case


def similar_patients(case: Case, *, chart: bool = False) -> dict[str, Any]:
    """Patients of this hospital with the same category, subtype and site pattern as the
    case (not the case itself), compared by surgery without immortal-time bias: those
    alive at the DEFAULT_LANDMARK by surgery by then, overall survival from the landmark,
    or "too few patients to compare" with fewer than MIN_COMPARE_GROUP in either group;
    and the time-dependent hazard ratio. With `chart`, the small chart (the case page
    loads it from its own URL, `chart_url`, so that drawing it does not hold up the page),
    or an image saying why there is none. A real case is compared with real cases only, a
    synthetic one with synthetic cases only, so that demo data never mixes into a real
    patient's figures.

    Cached under the cohort revision, the case and what makes its group
    (outcomes.revision): the same figures until a case, follow-up or treatment is written."""
    return cached(
        "similar", _inputs(case, chart), lambda: similar_patients_uncached(case, chart=chart)
    )


def similar_patients_if_cached(case: Case, *, revision: str | None = None) -> dict[str, Any] | None:
    """similar_patients(case) when the cache holds it, else None: the case page then
    loads the panel from its own URL (panel_url) rather than wait for the statistics.
    `revision`: the cohort revision, when the caller has just read it."""
    return peek("similar", _inputs(case, False), revision=revision)


# The case's fields its group of similar patients is made from (for Case.objects.only()).
SIMILAR_FIELDS = ("category", "subtype", "site_pattern", "synthetic")


def similar_inputs(case: Case) -> tuple:
    """What makes the case's group of similar patients (besides the cohort revision)."""
    return _inputs(case, False)


def panel_url(case: Case) -> str:
    return reverse("outcomes-similar-panel", args=[case.pk])


def _inputs(case: Case, chart: bool) -> tuple:
    return (case.pk, case.category, case.subtype, case.site_pattern, case.synthetic, chart)


def similar_patients_uncached(case: Case, *, chart: bool) -> dict[str, Any]:
    filters = Filters(
        category=case.category,
        subtype=case.subtype,
        site_pattern=case.site_pattern,
        synthetic=case.synthetic,
        exclude_case=case.pk,
    )
    found = analyse(
        cohort_frame(filters), "surgery", "os", at=SIMILAR_AT_MONTHS, landmark=DEFAULT_LANDMARK
    )
    analysis = found.result
    criteria = [
        LABELS["category"].get(case.category, case.category),
        LABELS["subtype"].get(case.subtype, case.subtype),
        LABELS["site_pattern"].get(case.site_pattern, case.site_pattern or NOT_RECORDED),
    ]
    choices = Choices(
        Filters(subtype=case.subtype, site_pattern=case.site_pattern, synthetic=case.synthetic),
        endpoint="os",
        group_by="surgery",
        landmark=DEFAULT_LANDMARK,
    )
    treatment = treatment_view(analysis["treatment"])
    landmark = treatment["landmark"] if treatment else None
    comparable = bool(landmark and landmark["comparable"])
    arms = landmark["rows"] if comparable else []
    # The messages of the groups from the recurrence date (the biased comparison, not
    # shown here) are left out.
    naive = tuple(f"{g['label']}: " for g in analysis["groups"]) + ("Log-rank test:",)
    messages = [
        m
        for m in analysis["messages"]
        if not m.startswith(naive) and not m.startswith("Only one group")
    ]
    too_few = None
    if analysis["n"] and not comparable:
        why = (landmark or {}).get("message") or ""
        too_few = why if why.startswith(TOO_FEW) else f"{TOO_FEW}. {why}".strip()
    result = {
        "criteria": criteria,
        "n": analysis["n"],
        "events": analysis["events"],
        "synthetic": case.synthetic,
        "landmark": landmark,
        "landmark_label": _months_label(DEFAULT_LANDMARK),
        "comparable": comparable,
        "too_few": too_few,
        "time_dependent": treatment["time_dependent"] if treatment else None,
        "arms": arms,
        "rows": _similar_rows(arms),
        "messages": messages + (treatment["notes"] if treatment else []),
        "chart": "",
        "chart_url": reverse("outcomes-similar-chart", args=[case.pk]),
        "url": reverse("outcomes") + "?" + urlencode(choices.query(), doseq=True),
    }
    if chart:
        result["chart"] = _chart(found, result)
    return result


TOO_FEW = "Too few patients to compare"


def _chart(found: Analysis, similar: dict[str, Any]) -> str:
    """The landmark curves, or an image that says why there are none."""
    from outcomes.charts import message_svg

    suffix = " (synthetic demo data)" if similar["synthetic"] else ""
    if similar["comparable"]:
        draw(found, small=True)
        return found.result["landmark_chart"]
    text = similar["too_few"] or "No similar patient with recorded follow-up."
    return message_svg(text, title=f"Overall survival of similar patients{suffix}")


def _months_label(months: int) -> str:
    return f"{months} months"


def _similar_rows(arms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The arms side by side, one row per figure, to fit a narrow panel; survival counts
    from the landmark."""
    rows = [
        {"label": "Patients", "cells": [{"value": arm["n"]} for arm in arms]},
        {"label": "Deaths", "cells": [{"value": arm["events"]} for arm in arms]},
        {
            "label": "Median OS after it, months",
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
        rows.append(
            {"label": f"OS {years} year{'s' if years != 1 else ''} after it", "cells": cells}
        )
    return rows
