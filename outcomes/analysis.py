"""The analyses of the hospital's outcomes on a cohort frame (outcomes.cohort): plain data
in, plain data out, on evidence.survival. Nothing here reads the database or draws.

evidence.survival (lifelines) takes seconds to import, so it is imported inside the
functions that use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outcomes.labels import (
    ALL_PATIENTS,
    AT_MONTHS,
    COX_COLUMNS,
    COX_COVARIATES,
    DEFAULT_LANDMARK,
    ENDPOINTS,
    EVENT_NOUNS,
    GROUP_BY,
    LABELS,
    MIN_COMPARE_GROUP,
    NOT_RECORDED,
    SPLIT_TITLES,
    TREATMENT_SPLITS,
    TreatmentSplit,
    check_choice,
    time_key,
)

if TYPE_CHECKING:
    import pandas as pd

    from evidence.survival import KMResult


@dataclass
class Analysis:
    """An analysis as JSON-ready data (`result`) and the curves its charts draw: `curves`
    from the recurrence date per group, `landmark_curves` from the landmark for a
    treatment split."""

    result: dict[str, Any]
    curves: list[KMResult] = field(default_factory=list)
    landmark_curves: list[KMResult] = field(default_factory=list)


def analyse(
    frame: pd.DataFrame,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
    *,
    at: Sequence[float] = AT_MONTHS,
    landmark: float = DEFAULT_LANDMARK,
    naive: bool = False,
) -> Analysis:
    """Kaplan-Meier per group with its statistics, the log-rank test and the Cox model
    when covariates are given. Groups that cannot be estimated carry a message instead of
    estimates.

    A treatment split (outcomes.labels.TREATMENT_SPLITS) also gets `treatment`: the
    landmark comparison at `landmark` months and the time-dependent hazard ratio, and with
    `naive` the biased "ever treated" hazard ratio. Its `groups` (from the recurrence date,
    by treatment at any time) are the biased comparison, for showing only when asked."""
    check_choice("endpoint", endpoint, ENDPOINTS)
    check_choice("group_by", group_by, GROUP_BY)
    for covariate in cox_covariates:
        check_choice("cox", covariate, COX_COVARIATES)
    frame, messages = usable(frame, endpoint)
    split = TREATMENT_SPLITS.get(group_by)
    if split is not None and split.site:
        everyone = len(frame)
        frame = frame[frame[split.site_column]]
        messages.append(
            f"Only patients with {split.site} disease recorded are compared: "
            f"{len(frame)} of {everyone}."
        )
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
        "groups_biased": split is not None,
        "logrank": None,
        "logrank_p": None,
        "cox": None,
        "treatment": None,
        "chart": "",
        "landmark_chart": "",
        "messages": messages,
    }
    if frame.empty:
        result["messages"].append("No patient with recorded follow-up matches these filters.")
        return Analysis(result)

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
    found = Analysis(result, curves)
    if split is not None:
        result["treatment"], found.landmark_curves = treatment_comparison(
            frame, split, endpoint, landmark, naive=naive, at=at
        )
    return found


def treatment_times(
    frame: pd.DataFrame, split: TreatmentSplit, endpoint: str
) -> tuple[pd.Series, list[str]]:
    """Months from the recurrence to the treatment, NaN for none, made consistent with
    the follow-up: a treatment dated after the end of follow-up for this endpoint (after
    progression, say, for progression-free survival) counts as after the event, that is
    as none during follow-up. Says how many treatments were dated after the last contact
    for overall survival, where that means the follow-up is out of date."""
    durations = frame[f"{endpoint}_months"]
    treated = frame[split.column].clip(lower=0)
    late = treated > durations
    notes = []
    if endpoint == "os" and late.any():
        count = int(late.sum())
        notes.append(
            f"{count} patient{'s' if count != 1 else ''} had {split.treated.lower()} dated "
            "after the last recorded contact: counted as untreated; update the follow-up."
        )
    return treated.where(~late, durations), notes


def treatment_comparison(
    frame: pd.DataFrame,
    split: TreatmentSplit,
    endpoint: str,
    landmark: float = DEFAULT_LANDMARK,
    *,
    naive: bool = False,
    at: Sequence[float] = AT_MONTHS,
) -> tuple[dict[str, Any], list[KMResult]]:
    """A treatment given after the recurrence date compared without immortal-time bias:
    patients alive at `landmark` months by treatment by then, from then on (Kaplan-Meier,
    log-rank, Cox), and the Cox model with treatment switching on at its date; with
    `naive`, also the biased fixed comparison. The landmark comparison is `comparable`
    only with at least MIN_COMPARE_GROUP patients in each group."""
    from evidence.survival import landmark_comparison, naive_cox, time_dependent_cox

    durations, events = frame[f"{endpoint}_months"], frame[f"{endpoint}_event"]
    treated, notes = treatment_times(frame, split, endpoint)
    when = _landmark_label(landmark)
    labels = (f"{split.treated} by {when}", f"{split.untreated} by {when}")
    found = landmark_comparison(durations, events, treated, landmark, at=at, labels=labels)
    counts = (found.treated.n, found.untreated.n)
    comparable = min(counts) >= MIN_COMPARE_GROUP
    too_few = None
    if not comparable:
        too_few = (
            f"Too few patients to compare at {when}: {counts[0]} with "
            f"{split.treated.lower()} by then and {counts[1]} without (at least "
            f"{MIN_COMPARE_GROUP} in each group needed)."
        )
    effect = found.effect
    comparison = {
        "landmark": landmark,
        "landmark_label": when,
        "landmark_name": f"{time_key(landmark)}-month landmark",
        "n": found.n,
        "excluded": {"died": found.excluded_died, "censored": found.excluded_censored},
        "groups": [group_summary(km) for km in (found.treated, found.untreated)],
        "logrank_p": found.logrank.p if comparable else None,
        "hazard_ratio": effect.hazard_ratio if comparable else None,
        "ci": [effect.ci_low, effect.ci_high] if comparable else [None, None],
        "p": effect.p if comparable else None,
        "comparable": comparable,
        "message": too_few or effect.message or found.logrank.message,
    }
    label = split.treated.lower()
    time_dependent = time_dependent_cox(durations, events, treated, label=label)
    biased = naive_cox(durations, events, treated, label=label) if naive else None
    return {
        "split": split.key,
        "treated_label": split.treated,
        "untreated_label": split.untreated,
        "landmark": comparison,
        "time_dependent": time_dependent.as_dict(),
        "naive": biased.as_dict() if biased is not None else None,
        "notes": notes,
    }, [found.treated, found.untreated]


SURGERY_TERM = "surgery (from its date)"


def _landmark_label(months: float) -> str:
    return f"{time_key(months)} month{'s' if months != 1 else ''}"


def group_labels(frame: pd.DataFrame, group_by: str) -> tuple[pd.Series, list[str]]:
    """Each patient's group label, and the groups present in their display order."""
    import pandas as pd

    if group_by == "none":
        return pd.Series(ALL_PATIENTS, index=frame.index), [ALL_PATIENTS] if len(frame) else []
    if group_by in TREATMENT_SPLITS:
        split = TREATMENT_SPLITS[group_by]
        labels = frame[split.column].notna().map({True: split.treated, False: split.untreated})
        known = [split.treated, split.untreated]
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
    surgery = "surgery" in covariates
    if surgery:
        data["surgery_at"], _ = treatment_times(frame, TREATMENT_SPLITS["surgery"], endpoint)
    fixed = [c for c in covariates if c != "surgery"]
    for covariate in fixed:
        column = COX_COLUMNS[covariate]
        if covariate == "age":
            data[column] = frame["age"] / 10
            continue
        labels, _ = group_labels(frame, covariate)
        data[column] = labels
        reference[column] = labels.value_counts().index[0]  # the largest group
    notes = []
    if "age" in covariates:
        missing = int(data[COX_COLUMNS["age"]].isna().sum())
        if missing:
            data = data.dropna(subset=[COX_COLUMNS["age"]])
            notes.append(
                f"{missing} patient{'s' if missing != 1 else ''} without a recorded age "
                "left out of the model."
            )
    columns = [COX_COLUMNS[c] for c in fixed]
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
    if surgery:
        return _cox_with_surgery(data, columns, reference, found)
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


def _cox_with_surgery(
    data: pd.DataFrame, columns: list[str], reference: dict[str, str], found: dict[str, Any]
) -> dict[str, Any]:
    """Surgery enters the Cox model as a time-dependent covariate, switching on at its
    date: as a fixed covariate it would credit surgery with the time before it, in which
    only those who lived could be operated on."""
    from evidence.survival import InvalidSurvivalData, time_dependent_cox

    note = (
        "Surgery is time-dependent in this model: a patient counts as operated on from the "
        "date of her surgery, not from the recurrence date."
    )
    try:
        model = time_dependent_cox(
            data["time"],
            data["event"],
            data["surgery_at"],
            data[columns] if columns else None,
            reference=reference,
            label=SURGERY_TERM,
        )
    except InvalidSurvivalData as problem:
        return {**found, "message": str(problem)}
    except (ValueError, ArithmeticError):
        return {**found, "message": "The Cox model could not be fitted to these patients."}
    return {
        **found,
        "terms": [term.as_dict() for term in model.terms],
        "message": model.message,
        "notes": found["notes"] + [note] + ([model.note] if model.note else []),
    }
