"""Figures as the pages print them: percentages, months, p values, table rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from outcomes.labels import AT_MONTHS, time_key


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _percent_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"{low * 100:.0f}–{high * 100:.0f}%"


def months_text(value: float | None) -> str:
    return "NR" if value is None else f"{value:.1f}"


def p_text(p: float | None) -> str:
    if p is None:
        return ""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def group_row(group: dict[str, Any], at: Iterable[float] = AT_MONTHS) -> dict[str, Any]:
    """A group's figures as the pages print them."""
    low, high = group["median_ci"]
    estimable = group["message"] is None
    points = []
    for t in at:
        point = group["at"].get(time_key(t), {})
        survival = point.get("survival")
        points.append(
            {
                "months": t,
                "survival": percent(survival),
                "ci": _percent_range(*point["ci"]) if survival is not None else "",
                "at_risk": point.get("at_risk"),
                "known": survival is not None,
            }
        )
    return {
        "label": group["label"],
        "n": group["n"],
        "events": group["events"],
        "estimable": estimable,
        "message": group["message"],
        "median": "Not reached" if group["median"] is None else f"{group['median']:.1f}",
        "median_reached": group["median"] is not None,
        "median_ci": f"{months_text(low)}–{months_text(high)}",
        "points": points,
    }


def cox_rows(model: dict[str, Any] | None) -> list[dict[str, str]]:
    if not model:
        return []
    return [
        {
            "name": term["name"],
            "hr": f"{term['hazard_ratio']:.2f}",
            "ci": f"{term['ci'][0]:.2f}–{term['ci'][1]:.2f}",
            "p": p_text(term["p"]),
        }
        for term in model["terms"]
    ]


def ratio_text(effect: dict[str, Any] | None) -> dict[str, Any] | None:
    """A hazard ratio with its interval and p value as printed, or its message."""
    if effect is None:
        return None
    ratio, (low, high) = effect["hazard_ratio"], effect["ci"]
    if ratio is None:
        return {"known": False, "message": effect.get("message") or "No estimate.", **effect}
    return {
        **effect,
        "known": True,
        "hr": f"{ratio:.2f}",
        "ci_text": f"{low:.2f}–{high:.2f}",
        "p_text": p_text(effect["p"]),
    }


def treatment_view(treatment: dict[str, Any] | None) -> dict[str, Any] | None:
    """A treatment comparison (outcomes.analysis.treatment_comparison) as the pages print
    it: the landmark groups' rows, and each hazard ratio in words and figures."""
    if treatment is None:
        return None
    landmark = treatment["landmark"]
    return {
        **treatment,
        "landmark": {
            **landmark,
            "rows": [group_row(g) for g in landmark["groups"]],
            "logrank_text": p_text(landmark["logrank_p"]),
            "ratio": ratio_text({**landmark, "message": landmark["message"]}),
        },
        "time_dependent": ratio_text(treatment["time_dependent"]),
        "naive": ratio_text(treatment["naive"]),
    }
