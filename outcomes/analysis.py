"""The analyses of the hospital's outcomes on a cohort frame (outcomes.cohort): plain data
in, plain data out, on evidence.survival. Nothing here reads the database or draws.

evidence.survival (lifelines) takes seconds to import, so it is imported inside the
functions that use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from outcomes.labels import (
    ALL_PATIENTS,
    AT_MONTHS,
    COX_COLUMNS,
    COX_COVARIATES,
    ENDPOINTS,
    EVENT_NOUNS,
    GROUP_BY,
    LABELS,
    NOT_RECORDED,
    SPLIT_TITLES,
    SURGERY_LABELS,
    check_choice,
    time_key,
)

if TYPE_CHECKING:
    import pandas as pd

    from evidence.survival import KMResult


def analyse(
    frame: pd.DataFrame,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
    *,
    at: Sequence[float] = AT_MONTHS,
) -> tuple[dict[str, Any], list[KMResult]]:
    """Kaplan-Meier per group with its statistics, the log-rank test and the Cox model
    when covariates are given: a JSON-ready dict, and the curves for a chart. Groups that
    cannot be estimated carry a message instead of estimates."""
    check_choice("endpoint", endpoint, ENDPOINTS)
    check_choice("group_by", group_by, GROUP_BY)
    for covariate in cox_covariates:
        check_choice("cox", covariate, COX_COVARIATES)
    frame, messages = usable(frame, endpoint)
    result: dict[str, Any] = {
        "endpoint": endpoint,
        "endpoint_label": ENDPOINTS[endpoint],
        "event_noun": EVENT_NOUNS[endpoint],
        "group_by": group_by,
        "group_by_label": GROUP_BY[group_by],
        "title": f"{ENDPOINTS[endpoint]} {SPLIT_TITLES[group_by]}".strip(),
        "n": len(frame),
        "events": int(frame[f"{endpoint}_event"].sum()),
        "synthetic": int(frame["synthetic"].sum()),
        "groups": [],
        "logrank": None,
        "logrank_p": None,
        "cox": None,
        "chart": "",
        "messages": messages,
    }
    if frame.empty:
        result["messages"].append("No patient with recorded follow-up matches these filters.")
        return result, []

    from evidence.survival import kaplan_meier, logrank

    time, event = f"{endpoint}_months", f"{endpoint}_event"
    labels, order = group_labels(frame, group_by)
    parts = {label: frame[labels == label] for label in order}
    curves = [
        kaplan_meier(part[time], part[event], at=at, label=label) for label, part in parts.items()
    ]
    result["groups"] = [group_summary(km) for km in curves]
    result["messages"] += [f"{km.label}: {km.message}" for km in curves if km.message]
    if group_by != "none" and len(parts) < 2:
        result["messages"].append("Only one group in this cohort: nothing to compare.")
    elif group_by != "none":
        test = logrank({label: (part[time], part[event]) for label, part in parts.items()})
        result["logrank"] = test.as_dict()
        result["logrank_p"] = test.p
        if test.message:
            result["messages"].append(f"Log-rank test: {test.message}")
    if cox_covariates:
        result["cox"] = _cox(frame, endpoint, cox_covariates)
    return result, curves


def group_labels(frame: pd.DataFrame, group_by: str) -> tuple[pd.Series, list[str]]:
    """Each patient's group label, and the groups present in their display order."""
    import pandas as pd

    if group_by == "none":
        return pd.Series(ALL_PATIENTS, index=frame.index), [ALL_PATIENTS] if len(frame) else []
    if group_by == "surgery":
        labels = frame["surgery"].map(SURGERY_LABELS)
        known = list(SURGERY_LABELS.values())
    else:
        names = LABELS[group_by]
        labels = frame[group_by].map(lambda v: names.get(v, v or NOT_RECORDED))
        known = list(names.values())
    present = set(labels)
    order = [label for label in known if label in present]
    order += sorted(present - set(order))
    return labels, order


def usable(frame: pd.DataFrame, endpoint: str) -> tuple[pd.DataFrame, list[str]]:
    """Leave out follow-ups that end before the recurrence date (the recurrence date was
    corrected after the follow-up was recorded); say how many."""
    bad = frame[f"{endpoint}_months"] < 0
    if not bad.any():
        return frame, []
    count = int(bad.sum())
    return frame[~bad], [
        f"{count} patient{'s' if count != 1 else ''} left out: follow-up ends before "
        "the recurrence date; check the dates recorded."
    ]


def group_summary(km) -> dict[str, Any]:
    return {
        "label": km.label,
        "n": km.n,
        "events": km.events,
        "median": km.median,
        "median_ci": list(km.median_ci),
        "at": {
            time_key(p.time): {
                "survival": p.survival,
                "ci": [p.ci_low, p.ci_high],
                "at_risk": p.at_risk,
            }
            for p in km.at
        },
        "message": km.message,
    }


def _cox(frame: pd.DataFrame, endpoint: str, covariates: Sequence[str]) -> dict[str, Any]:
    import pandas as pd

    from evidence.survival import InvalidSurvivalData, cox

    data = pd.DataFrame({"time": frame[f"{endpoint}_months"], "event": frame[f"{endpoint}_event"]})
    reference: dict[str, str] = {}
    for covariate in covariates:
        column = COX_COLUMNS[covariate]
        if covariate == "age":
            data[column] = frame["age"] / 10
            continue
        labels, _ = group_labels(frame, covariate)
        data[column] = labels
        # The largest group is the reference, except that surgery is compared with none.
        reference[column] = (
            SURGERY_LABELS[False]
            if covariate == "surgery" and (labels == SURGERY_LABELS[False]).any()
            else labels.value_counts().index[0]
        )
    notes = []
    if "age" in covariates:
        missing = int(data[COX_COLUMNS["age"]].isna().sum())
        if missing:
            data = data.dropna()
            notes.append(
                f"{missing} patient{'s' if missing != 1 else ''} without a recorded age "
                "left out of the model."
            )
    columns = [COX_COLUMNS[c] for c in covariates]
    found: dict[str, Any] = {
        "n": len(data),
        "events": int(data["event"].sum()),
        "covariates": [COX_COVARIATES[c] for c in covariates],
        "terms": [],
        "concordance": None,
        "message": "No patient to model." if data.empty else None,
        "notes": notes,
    }
    if data.empty:
        return found
    try:
        model = cox(data, "time", "event", columns, reference=reference)
    except InvalidSurvivalData as problem:
        return {**found, "message": str(problem)}
    except (ValueError, ArithmeticError):
        # lifelines refuses some degenerate cohorts that evidence.survival does not foresee.
        return {**found, "message": "The Cox model could not be fitted to these patients."}
    return {
        **found,
        "terms": [term.as_dict() for term in model.terms],
        "concordance": model.concordance,
        "message": model.message,
        "notes": notes + ([model.note] if model.note else []),
    }
