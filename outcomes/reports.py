"""What the Outcomes page, the API and the case page show: the cohort read from the
database, analysed by outcomes.analysis, and drawn by outcomes.charts.

outcomes.charts (matplotlib) takes a second to import, so it is imported inside the
function that draws: the URL configuration imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from outcomes.analysis import Analysis, analyse
from outcomes.cohort import Filters, cohort_frame
from outcomes.labels import AT_MONTHS, DEFAULT_LANDMARK, ENDPOINTS, synthetic_suffix
from outcomes.revision import cached


def outcomes_analysis(
    filters: Filters | None = None,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
    *,
    chart: bool = True,
    small_chart: bool = False,
    at: Sequence[float] = AT_MONTHS,
    landmark: float = DEFAULT_LANDMARK,
    naive: bool = False,
) -> dict[str, Any]:
    """outcomes.analysis.analyse on the cohort that matches `filters`, and (with `chart`)
    its charts as SVG, drawn for a side panel with `small_chart`: `landmark_chart` from the
    landmark for a treatment split, `chart` from the recurrence date for any other split
    and, only with `naive`, for a treatment split (the biased comparison).

    Cached under the cohort revision and every argument (outcomes.revision): the same
    figures and charts until a case, follow-up or treatment is written."""
    inputs = (
        asdict(filters or Filters()),
        group_by,
        endpoint,
        list(cox_covariates),
        chart,
        small_chart,
        list(at),
        landmark,
        naive,
    )
    return cached(
        "analysis",
        inputs,
        lambda: outcomes_analysis_uncached(
            filters, group_by, endpoint, cox_covariates, chart, small_chart, at, landmark, naive
        ),
    )


def outcomes_analysis_uncached(
    filters, group_by, endpoint, cox_covariates, chart, small_chart, at, landmark, naive
) -> dict[str, Any]:
    found = analyse(
        cohort_frame(filters),
        group_by,
        endpoint,
        cox_covariates,
        at=at,
        landmark=landmark,
        naive=naive,
    )
    if chart and found.result["n"]:
        draw(found, small=small_chart, naive=naive)
    return found.result


def draw(found: Analysis, *, small: bool = False, naive: bool = False) -> None:
    """Put the charts of an analysis into its result, as SVG text."""
    from outcomes.charts import km_svg, small_km_svg

    result = found.result
    suffix = synthetic_suffix(result["synthetic"], result["n"])
    treatment = result["treatment"]
    if treatment is not None and treatment["landmark"]["comparable"]:
        when = treatment["landmark"]["landmark_label"]
        name = treatment["landmark"]["landmark_name"]
        title = f"{ENDPOINTS[result['endpoint']]} from the {name}{suffix}"
        if small:
            result["landmark_chart"] = small_km_svg(
                found.landmark_curves,
                title=f"{ENDPOINTS[result['endpoint']]} from the {name}{suffix}",
                time_label=f"Months after the {name}",
            )
        else:
            result["landmark_chart"] = km_svg(
                found.landmark_curves,
                title=title,
                time_label=f"Months after the landmark ({when} from recurrence)",
            )
    if treatment is None or naive:
        title = result["title"] + suffix
        if treatment is not None:
            title = "Biased comparison: " + title
        if small:
            result["chart"] = small_km_svg(
                found.curves, title=ENDPOINTS[result["endpoint"]] + suffix
            )
        else:
            result["chart"] = km_svg(found.curves, title=title, time_label="Months from recurrence")
