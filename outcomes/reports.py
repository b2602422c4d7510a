"""What the Outcomes page, the API and the case page show: the cohort read from the
database, analysed by outcomes.analysis, and drawn by outcomes.charts.

outcomes.charts (matplotlib) takes a second to import, so it is imported inside the
function that draws: the URL configuration imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from outcomes.analysis import analyse
from outcomes.cohort import Filters, cohort_frame
from outcomes.labels import AT_MONTHS, ENDPOINTS, synthetic_suffix


def outcomes_analysis(
    filters: Filters | None = None,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
    *,
    chart: bool = True,
    small_chart: bool = False,
    at: Sequence[float] = AT_MONTHS,
) -> dict[str, Any]:
    """outcomes.analysis.analyse on the cohort that matches `filters`, and (with `chart`)
    the chart as SVG, drawn for a side panel with `small_chart`."""
    result, curves = analyse(cohort_frame(filters), group_by, endpoint, cox_covariates, at=at)
    if chart and result["n"]:
        from outcomes.charts import km_svg, small_km_svg

        suffix = synthetic_suffix(result["synthetic"], result["n"])
        if small_chart:
            result["chart"] = small_km_svg(curves, title=ENDPOINTS[endpoint] + suffix)
        else:
            result["chart"] = km_svg(
                curves, title=result["title"] + suffix, time_label="Months from recurrence"
            )
    return result
