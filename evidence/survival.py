"""Survival analysis of the hospital's own follow-up: the only module that imports lifelines.

Plain data in, plain data out. Inputs are sequences or a pandas DataFrame; results are
frozen dataclasses holding Python floats, ints and strings, with `as_dict()` for JSON.

Conventions
- Times are in months (follow-up from the recurrence date); events are 1 (death or
  progression observed) or 0 (censored at last contact).
- Kaplan-Meier with 95% pointwise confidence intervals from Greenwood's variance on the
  log(-log) scale (lifelines' default, R's conf.type="log-log").
- The median is the first time at which survival is at or below 0.5; its confidence
  interval is where the lower and upper bands cross 0.5. Any of the three is None when
  not reached.
- Survival at a chosen time t is S(t), counting events at t. It is None past the longest
  follow-up (the curve is unknown there) unless survival has already fallen to 0.
- The number at risk at time t is the number of patients followed for t months or more.
- Log-rank: the unweighted test for two or more groups (chi-square on groups - 1 df).
- Cox: proportional hazards with Efron ties; text and category columns are dummy coded
  against a named reference level; booleans count as 0/1.

Minimums: a result carries a `message` instead of an estimate, rather than raising, when
- Kaplan-Meier: fewer than MIN_PATIENTS (2) patients;
- log-rank: fewer than two groups, a group with no patients, no event in any group, or
  no event while two groups were both under follow-up;
- Cox: a covariate with the same value for every patient, fewer than MIN_COX_EVENTS (2)
  events or fewer events than model terms, a level with no events, or no convergence.
Malformed input (a missing column, a negative or missing time, an event other than 0/1)
raises InvalidSurvivalData, a ValueError naming the column.

Speed: follow-ups are first collapsed to one row per distinct (group, time, event) with
its count, and lifelines is given the counts as case weights (with whole-number weights
its estimates equal those from the individual rows). From LARGE_COHORT follow-ups up,
where lifelines' fixed cost per call would dominate, Kaplan-Meier and log-rank are
computed by numpy with lifelines' formulas; `method` forces either path.

Treatments given after time zero (surgery months after the recurrence) cannot be compared
as fixed groups: a patient joins the treated group only by living until her treatment,
and that immortal time flatters the treatment. `landmark_comparison` (Anderson, Cain &
Gelber 1983) compares patients alive at a landmark by treatment by then;
`time_dependent_cox` switches treatment on at its time on counting-process (start, stop]
intervals; `naive_cox` is the biased fixed comparison, for showing beside them. In all
three a treatment at the event time counts as after it, intervals of zero length are
dropped and ties use Efron's method. From LARGE_COX intervals up, "auto" fits the model
by numpy (Newton-Raphson on Efron's partial likelihood), tested equal to lifelines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, CoxTimeVaryingFitter, KaplanMeierFitter
from lifelines.exceptions import ConvergenceError
from lifelines.statistics import multivariate_logrank_test
from scipy import stats

ALPHA = 0.05
MIN_PATIENTS = 2
MIN_COX_EVENTS = 2
EVENTS_PER_TERM_ADVISED = 10
ALL_LABEL = "All"
# From this many follow-ups up, "auto" computes Kaplan-Meier and log-rank with numpy,
# following lifelines' formulas step for step (the tests hold the two to agree); below
# it, as for a hospital's own cohort, lifelines computes them.
LARGE_COHORT = 20_000
# From this many intervals up, "auto" fits a treatment's Cox model (time-dependent, naive
# or landmark, with any fixed covariates) with numpy: lifelines' time-varying fitter takes
# over a minute on 20,000 patients, numpy a twentieth of a second, with the same estimates.
LARGE_COX = 1_000

Method = Literal["auto", "lifelines", "numpy"]


class InvalidSurvivalData(ValueError):
    """Input that cannot be analysed; `column` names the culprit, `code` is stable."""

    def __init__(self, message: str, *, column: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.column = column
        self.code = code


# Results


@dataclass(frozen=True)
class TimePoint:
    """Survival at one chosen time, with its confidence interval and number at risk."""

    time: float
    survival: float | None
    ci_low: float | None
    ci_high: float | None
    at_risk: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "survival": self.survival,
            "ci": [self.ci_low, self.ci_high],
            "at_risk": self.at_risk,
        }


@dataclass(frozen=True)
class KMResult:
    """A Kaplan-Meier estimate for one group.

    The curve is a right-continuous step function: `survival[i]` holds from `times[i]`
    up to `times[i + 1]`. `risk_times`/`risk_counts` give the number at risk at each
    distinct follow-up time, for `numbers_at_risk()` and the chart's table.
    """

    label: str
    n: int
    events: int
    times: tuple[float, ...] = ()
    survival: tuple[float, ...] = ()
    ci_low: tuple[float, ...] = ()
    ci_high: tuple[float, ...] = ()
    censor_times: tuple[float, ...] = ()
    median: float | None = None
    median_ci: tuple[float | None, float | None] = (None, None)
    at: tuple[TimePoint, ...] = ()
    risk_times: tuple[float, ...] = ()
    risk_counts: tuple[int, ...] = ()
    message: str | None = None

    @property
    def estimable(self) -> bool:
        return self.message is None

    def numbers_at_risk(self, times: Iterable[float]) -> list[int]:
        """Patients followed for at least t months, for each t."""
        counts = np.append(np.asarray(self.risk_counts, dtype=np.int64), 0)
        index = np.searchsorted(self.risk_times, _check_times(times, "times"), side="left")
        return counts[index].tolist()

    def points(self, times: Iterable[float]) -> tuple[TimePoint, ...]:
        """Survival, its confidence interval and the number at risk at each time."""
        when = _check_times(times, "times")
        at_risk = self.numbers_at_risk(when)
        if not self.times:
            return tuple(
                TimePoint(t, None, None, None, r) for t, r in zip(when, at_risk, strict=True)
            )
        index = np.searchsorted(self.times, when, side="right") - 1
        # Past the longest follow-up the curve is unknown, unless it has already reached 0.
        known = [t <= self.times[-1] or self.survival[-1] == 0 for t in when]
        return tuple(
            TimePoint(t, self.survival[i], self.ci_low[i], self.ci_high[i], r)
            if ok
            else TimePoint(t, None, None, None, r)
            for t, i, ok, r in zip(when, index.tolist(), known, at_risk, strict=True)
        )

    def survival_at(self, t: float) -> float | None:
        """S(t) on the step curve, or None where it is not known."""
        return self.points([t])[0].survival

    def censor_survival(self) -> list[float]:
        """Height of the curve at each censoring time, where the chart draws its marks."""
        index = np.searchsorted(self.times, self.censor_times, side="right") - 1
        return [self.survival[i] for i in index.tolist()]

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "n": self.n,
            "events": self.events,
            "median": self.median,
            "median_ci": list(self.median_ci),
            "at": [point.as_dict() for point in self.at],
            "curve": {
                "time": list(self.times),
                "survival": list(self.survival),
                "ci_low": list(self.ci_low),
                "ci_high": list(self.ci_high),
            },
            "censor_times": list(self.censor_times),
            "at_risk": {"time": list(self.risk_times), "count": list(self.risk_counts)},
            "message": self.message,
        }


@dataclass(frozen=True)
class LogRankResult:
    groups: tuple[str, ...]
    statistic: float | None = None
    df: int | None = None
    p: float | None = None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "statistic": self.statistic,
            "df": self.df,
            "p": self.p,
            "message": self.message,
        }


@dataclass(frozen=True)
class CoxTerm:
    """One model term: a numeric covariate, or one level of a categorical one against
    its reference level."""

    covariate: str
    level: str | None
    reference: str | None
    hazard_ratio: float
    ci_low: float
    ci_high: float
    p: float

    @property
    def name(self) -> str:
        if self.level is None:
            return self.covariate
        return f"{self.covariate}: {self.level} vs {self.reference}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "covariate": self.covariate,
            "level": self.level,
            "reference": self.reference,
            "hazard_ratio": self.hazard_ratio,
            "ci": [self.ci_low, self.ci_high],
            "p": self.p,
        }


@dataclass(frozen=True)
class CoxResult:
    n: int
    events: int
    covariates: tuple[str, ...]
    terms: tuple[CoxTerm, ...] = ()
    concordance: float | None = None
    message: str | None = None
    note: str | None = None

    def term(self, name: str) -> CoxTerm:
        for term in self.terms:
            if term.name == name:
                return term
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "events": self.events,
            "covariates": list(self.covariates),
            "terms": [term.as_dict() for term in self.terms],
            "concordance": self.concordance,
            "message": self.message,
            "note": self.note,
        }


@dataclass(frozen=True)
class SurvivalAnalysis:
    """Kaplan-Meier per group and, with two or more groups, the log-rank test."""

    groups: tuple[KMResult, ...]
    logrank: LogRankResult | None = None

    def report(self) -> dict[str, Any]:
        """The command's JSON: {"groups": {NAME: {...}}, "logrank_p": P}."""
        groups = {km.label: _group_report(km) for km in self.groups}
        return {"groups": groups, "logrank_p": self.logrank.p if self.logrank else None}

    def messages(self) -> list[str]:
        found = [f"{km.label}: {km.message}" for km in self.groups if km.message]
        if self.logrank is not None and self.logrank.message:
            found.append(f"Log-rank test: {self.logrank.message}")
        return found


@dataclass(frozen=True)
class TreatmentEffect:
    """The hazard ratio of a treatment from a Cox model (Efron ties), as one of three
    comparisons: `time_dependent` (treatment switches on at its time), `naive` (a fixed
    "ever treated" group from time zero: biased by immortal time) or `landmark` (treated
    by the landmark, among patients still followed there, from the landmark on).

    `terms` holds every model term, the treatment first, then any fixed covariates.
    """

    kind: str
    n: int
    events: int
    hazard_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    intervals: int = 0
    terms: tuple[CoxTerm, ...] = ()
    message: str | None = None
    note: str | None = None
    method: str = "lifelines"

    @property
    def biased(self) -> bool:
        """The naive comparison counts the time before treatment in the treated group."""
        return self.kind == "naive"

    @property
    def estimable(self) -> bool:
        return self.message is None

    def report(self) -> dict[str, Any]:
        """The command's JSON: {"hazard_ratio", "ci", "p", "n", "events"}."""
        return {
            "hazard_ratio": self.hazard_ratio,
            "ci": [self.ci_low, self.ci_high],
            "p": self.p,
            "n": self.n,
            "events": self.events,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.report(),
            "kind": self.kind,
            "biased": self.biased,
            "intervals": self.intervals,
            "terms": [term.as_dict() for term in self.terms],
            "message": self.message,
            "note": self.note,
        }


@dataclass(frozen=True)
class LandmarkResult:
    """A landmark comparison at `landmark` months: patients followed beyond it, grouped by
    treatment at or before it, with time counted from it. Patients who died or were
    censored at or before the landmark are left out and counted."""

    landmark: float
    treated: KMResult
    untreated: KMResult
    excluded_died: int
    excluded_censored: int
    logrank: LogRankResult
    effect: TreatmentEffect

    @property
    def n(self) -> int:
        return self.treated.n + self.untreated.n

    def report(self) -> dict[str, Any]:
        """The command's JSON: {"n", "excluded", "groups", "logrank_p", "hazard_ratio",
        "ci"}, groups keyed "treated" and "untreated"."""
        return {
            "n": self.n,
            "excluded": {"died": self.excluded_died, "censored": self.excluded_censored},
            "groups": {
                "treated": _group_report(self.treated),
                "untreated": _group_report(self.untreated),
            },
            "logrank_p": self.logrank.p,
            "hazard_ratio": self.effect.hazard_ratio,
            "ci": [self.effect.ci_low, self.effect.ci_high],
        }

    def messages(self) -> list[str]:
        found = [f"{km.label}: {km.message}" for km in (self.treated, self.untreated) if km.message]
        if self.logrank.message:
            found.append(f"Log-rank test: {self.logrank.message}")
        if self.effect.message:
            found.append(f"Hazard ratio: {self.effect.message}")
        return found


# Public functions


def kaplan_meier(
    durations: Sequence[float] | np.ndarray | pd.Series,
    events: Sequence[int] | np.ndarray | pd.Series,
    *,
    at: Iterable[float] = (),
    label: str = ALL_LABEL,
    alpha: float = ALPHA,
    method: Method = "auto",
) -> KMResult:
    """Kaplan-Meier estimate of one group; durations in months, events 1 or 0."""
    times = _check_times(at, "at")
    t, e = _clean(durations, events, "durations", "events")
    tally = _Tally.of(t, e, np.zeros(len(t), dtype=np.int64), 1)
    return _kaplan_meier(tally, 0, label, times, alpha, _numpy_path(method, len(t)))


def logrank(
    groups: Mapping[str, tuple[Sequence[float], Sequence[int]]],
    *,
    method: Method = "auto",
) -> LogRankResult:
    """Log-rank test across two or more groups, each given as (durations, events)."""
    labels = tuple(str(label) for label in groups)
    parts = [
        _clean(t, e, f"durations of {label}", f"events of {label}")
        for label, (t, e) in groups.items()
    ]
    if len(parts) < 2:
        return LogRankResult(labels, message=_TOO_FEW_GROUPS.format(k=len(parts)))
    t = np.concatenate([p[0] for p in parts])
    e = np.concatenate([p[1] for p in parts])
    codes = np.repeat(np.arange(len(parts)), [len(p[0]) for p in parts])
    return _logrank(_Tally.of(t, e, codes, len(parts)), labels, _numpy_path(method, len(t)))


def analyse(
    frame: pd.DataFrame,
    time_col: str,
    event_col: str,
    group_col: str | None = None,
    at: Iterable[float] = (),
    *,
    alpha: float = ALPHA,
    method: Method = "auto",
) -> SurvivalAnalysis:
    """Kaplan-Meier of each group (or of everyone) and the log-rank test between groups."""
    times = _check_times(at, "at")
    _require_columns(frame, [time_col, event_col] + ([group_col] if group_col else []))
    t, e = _clean(frame[time_col], frame[event_col], time_col, event_col)
    fast = _numpy_path(method, len(t))
    if group_col is None:
        tally = _Tally.of(t, e, np.zeros(len(t), dtype=np.int64), 1)
        return SurvivalAnalysis((_kaplan_meier(tally, 0, ALL_LABEL, times, alpha, fast),))
    codes, labels = _group_codes(frame[group_col], group_col)
    tally = _Tally.of(t, e, codes, len(labels))
    curves = tuple(
        _kaplan_meier(tally, k, label, times, alpha, fast) for k, label in enumerate(labels)
    )
    return SurvivalAnalysis(curves, _logrank(tally, tuple(labels), fast))


def survival_report(
    frame: pd.DataFrame,
    time_col: str,
    event_col: str,
    group_col: str | None = None,
    at: Iterable[float] = (),
) -> dict[str, Any]:
    """{"groups": {NAME: {"n", "events", "median", "median_ci", "at"}}, "logrank_p": P}."""
    return analyse(frame, time_col, event_col, group_col, at).report()


def cox(
    frame: pd.DataFrame,
    duration_col: str,
    event_col: str,
    covariates: Sequence[str],
    *,
    reference: Mapping[str, Any] | None = None,
    alpha: float = ALPHA,
) -> CoxResult:
    """Cox proportional hazards on the chosen covariates.

    Text, category and object columns are dummy coded; `reference` names the reference
    level per column (default: the first category, or the first value in sorted order).
    """
    covariates = tuple(covariates)
    if not covariates:
        raise InvalidSurvivalData(
            "Choose at least one covariate for a Cox model.", code="no_covariates"
        )
    _require_columns(frame, [duration_col, event_col, *covariates])
    t, e = _clean(frame[duration_col], frame[event_col], duration_col, event_col)
    n, events = len(t), int(e.sum())
    encoded = {c: _encode(frame[c], c, (reference or {}).get(c)) for c in covariates}
    meaning = [(c, level, ref) for c, columns in encoded.items() for _, level, ref in columns]
    needed = max(MIN_COX_EVENTS, len(meaning))
    problem = next(filter(None, (_constant(c, columns) for c, columns in encoded.items())), None)
    if problem is None and events < needed:
        problem = (
            f"Too few events for a Cox model ({_count(events, 'event')}; at least "
            f"{needed} needed for {_count(len(meaning), 'term')})."
        )
    if problem is None:
        problem = next(
            filter(None, (_level_without_events(c, cols, e) for c, cols in encoded.items())), None
        )
    if problem:
        return CoxResult(n, events, covariates, message=problem)
    columns = (values for part in encoded.values() for values, _, _ in part)
    data = pd.DataFrame({f"x{i}": values for i, values in enumerate(columns)})
    data["_time"], data["_event"] = t, e
    try:
        fitter = CoxPHFitter(alpha=alpha).fit(data, duration_col="_time", event_col="_event")
    except (ConvergenceError, np.linalg.LinAlgError):
        return CoxResult(n, events, covariates, message=_NOT_CONVERGED)
    with np.errstate(over="ignore"):
        ratios = np.exp(np.column_stack([fitter.params_, fitter.confidence_intervals_]))
    p = fitter.summary["p"].to_numpy()
    if not np.isfinite(ratios).all():
        return CoxResult(n, events, covariates, message=_NOT_CONVERGED)
    terms = tuple(
        CoxTerm(column, level, ref, float(hr), float(low), float(high), float(p_value))
        for (column, level, ref), (hr, low, high), p_value in zip(meaning, ratios, p, strict=True)
    )
    note = None
    if events < EVENTS_PER_TERM_ADVISED * len(meaning):
        note = (
            f"Fewer than {EVENTS_PER_TERM_ADVISED} events per model term "
            f"({_count(events, 'event')}, {_count(len(meaning), 'term')}): "
            "hazard ratios are imprecise."
        )
    return CoxResult(n, events, covariates, terms, float(fitter.concordance_index_), None, note)


def treatment_times(
    values: Sequence[float | None] | np.ndarray | pd.Series,
    durations: Sequence[float] | np.ndarray | pd.Series,
    name: str = "treated_at",
) -> np.ndarray:
    """Each patient's time of treatment, in months from time zero; NaN where there is none
    (a blank, None or NaN). A time after the end of follow-up, or before time zero, raises
    InvalidSurvivalData naming the row. A time equal to the end of follow-up is kept: it
    counts as after the event (the patient is untreated throughout)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        treated = values.astype(float)
    elif isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values.dtype):
        treated = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        series = pd.Series(values, dtype=object).reset_index(drop=True)
        blank = series.isna() | series.map(lambda v: isinstance(v, str) and not v.strip())
        converted = pd.to_numeric(series.where(~blank), errors="coerce")
        bad = np.flatnonzero((converted.isna() & ~blank).to_numpy())
        if bad.size:
            raise InvalidSurvivalData(
                f"Column '{name}' must hold a time in months or be blank, not "
                f"{series.iloc[bad[0]]!r} in row {bad[0] + 1}.",
                column=name,
                code="not_a_number",
            )
        treated = converted.to_numpy(dtype=float)
    t = _numbers(durations, "durations")
    if len(t) != len(treated):
        raise InvalidSurvivalData(
            f"'{name}' has {len(treated)} values but the follow-up has {len(t)}.",
            column=name,
            code="length_mismatch",
        )
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(treated) & (~np.isfinite(treated) | (treated < 0)))
        if bad.size:
            raise InvalidSurvivalData(
                f"Column '{name}' has a treatment time ({treated[bad[0]]:g}) before time zero "
                f"or infinite in row {bad[0] + 1}.",
                column=name,
                code="bad_treatment_time",
            )
        bad = np.flatnonzero(treated > t)
    if bad.size:
        row = bad[0]
        raise InvalidSurvivalData(
            f"Row {row + 1}: the treatment time in '{name}' ({treated[row]:g}) is after the end "
            f"of follow-up ({t[row]:g}).",
            column=name,
            code="treated_after_follow_up",
        )
    return treated


def counting_process(
    durations: Sequence[float] | np.ndarray | pd.Series,
    events: Sequence[int] | np.ndarray | pd.Series,
    treated_at: Sequence[float | None] | np.ndarray | pd.Series,
) -> pd.DataFrame:
    """One row per (start, stop] interval: `patient` (its row, from 0), `start`, `stop`,
    `event` (1 only on a patient's last interval, if she had the event) and `treated` (0
    before the treatment time, 1 after it). A treatment at the event time counts as after
    it, so it adds nothing; intervals of zero length are dropped."""
    t, e = _clean(durations, events, "durations", "events")
    treated = treatment_times(treated_at, t, _name_of(treated_at))
    rows = _intervals(t, e, treated)
    return rows.sort_values(["patient", "start"], kind="stable").reset_index(drop=True)


def time_dependent_cox(
    durations: Sequence[float] | np.ndarray | pd.Series,
    events: Sequence[int] | np.ndarray | pd.Series,
    treated_at: Sequence[float | None] | np.ndarray | pd.Series,
    covariates: pd.DataFrame | None = None,
    *,
    reference: Mapping[str, Any] | None = None,
    alpha: float = ALPHA,
    method: Method = "auto",
    label: str = "treated",
) -> TreatmentEffect:
    """Cox model with treatment as a time-dependent covariate: 0 from time zero up to its
    time, 1 after it, on counting-process (start, stop] intervals, Efron ties. Further fixed
    covariates (columns of `covariates`, one row per patient) are dummy coded as in `cox`.
    From LARGE_COX intervals up, numpy fits the model."""
    t, e = _clean(durations, events, "durations", "events")
    treated = treatment_times(treated_at, t, _name_of(treated_at))
    data = _intervals(t, e, treated)
    return _treatment_effect(
        "time_dependent", data, covariates, reference, alpha, method, label, n=len(t)
    )


def naive_cox(
    durations: Sequence[float] | np.ndarray | pd.Series,
    events: Sequence[int] | np.ndarray | pd.Series,
    treated_at: Sequence[float | None] | np.ndarray | pd.Series,
    covariates: pd.DataFrame | None = None,
    *,
    reference: Mapping[str, Any] | None = None,
    alpha: float = ALPHA,
    method: Method = "auto",
    label: str = "treated",
) -> TreatmentEffect:
    """The biased comparison: "ever treated" (treated before the end of follow-up) as a
    fixed group from time zero. A patient counts as treated from the start although she
    had to survive until her treatment: that time is immortal, and it flatters treatment
    even when it does nothing. Kept for showing beside the unbiased figures."""
    t, e = _clean(durations, events, "durations", "events")
    treated = treatment_times(treated_at, t, _name_of(treated_at))
    with np.errstate(invalid="ignore"):
        ever = (treated < t).astype(float)
    keep = t > 0
    index = np.flatnonzero(keep)
    data = pd.DataFrame(
        {
            "patient": index,
            "start": np.zeros(len(index)),
            "stop": t[keep],
            "event": e[keep],
            "treated": ever[keep],
        }
    )
    return _treatment_effect("naive", data, covariates, reference, alpha, method, label, n=len(t))


def landmark_comparison(
    durations: Sequence[float] | np.ndarray | pd.Series,
    events: Sequence[int] | np.ndarray | pd.Series,
    treated_at: Sequence[float | None] | np.ndarray | pd.Series,
    landmark: float,
    *,
    at: Iterable[float] = (),
    alpha: float = ALPHA,
    method: Method = "auto",
    labels: tuple[str, str] = ("treated", "untreated"),
) -> LandmarkResult:
    """Landmark analysis (Anderson, Cain & Gelber 1983) at `landmark` months: patients
    alive and followed beyond it, grouped by treatment at or before it (a treatment after
    it counts as none), with time counted from it. Kaplan-Meier per group from the
    landmark (`at` in months after the landmark), the log-rank test and the Cox hazard
    ratio of treated against untreated, with how many died or were censored before."""
    (point,) = _check_times([landmark], "landmark")
    when = _check_times(at, "at")
    t, e = _clean(durations, events, "durations", "events")
    treated = treatment_times(treated_at, t, _name_of(treated_at))
    followed = t > point
    died = int((~followed & (e == 1)).sum())
    censored = int((~followed & (e == 0)).sum())
    with np.errstate(invalid="ignore"):
        by_then = (treated <= point) & followed
    after = t[followed] - point
    event = e[followed]
    group = by_then[followed]
    fast = _numpy_path(method, len(after))
    codes = np.where(group, 0, 1).astype(np.int64)
    tally = _Tally.of(after, event, codes, 2)
    treated_km = _kaplan_meier(tally, 0, labels[0], when, alpha, fast)
    untreated_km = _kaplan_meier(tally, 1, labels[1], when, alpha, fast)
    test = _logrank(tally, labels, fast)
    data = pd.DataFrame(
        {
            "patient": np.flatnonzero(followed),
            "start": np.zeros(len(after)),
            "stop": after,
            "event": event,
            "treated": group.astype(float),
        }
    )
    effect = _treatment_effect("landmark", data, None, None, alpha, method, labels[0], n=len(after))
    return LandmarkResult(point, treated_km, untreated_km, died, censored, test, effect)


# Internals


_TOO_FEW_GROUPS = "needs at least two groups of patients (got {k})."
_NOT_CONVERGED = (
    "The Cox model did not converge: a covariate may separate the patients with events "
    "from those without."
)

# A covariate's model columns, each with its level and reference level (None if numeric).
Encoded = list[tuple[np.ndarray, str | None, str | None]]


@dataclass(frozen=True)
class _Tally:
    """Follow-ups collapsed to one row per distinct (group, time, event), sorted by group
    then time, with the number of patients in each row; `bounds` slices each group."""

    group: np.ndarray
    time: np.ndarray
    event: np.ndarray
    count: np.ndarray
    bounds: np.ndarray

    @classmethod
    def of(cls, t: np.ndarray, e: np.ndarray, codes: np.ndarray, n_groups: int) -> _Tally:
        t_index, distinct = pd.factorize(t, sort=True)
        width = max(len(distinct), 1)
        key = (codes * width + t_index) * 2 + e
        size = n_groups * width * 2
        if size <= 8 * len(key) + 4096:
            # Counting into a dense array is linear; the sort in np.unique is not.
            dense = np.bincount(key, minlength=size)
            keys = np.flatnonzero(dense)
            count = dense[keys]
        else:
            keys, count = np.unique(key, return_counts=True)
        rest = keys // 2
        group = rest // width
        bounds = np.searchsorted(group, np.arange(n_groups + 1), side="left")
        return cls(group, np.asarray(distinct, dtype=float)[rest % width], keys % 2, count, bounds)

    def part(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = slice(self.bounds[k], self.bounds[k + 1])
        return self.time[s], self.event[s], self.count[s]


def _name_of(values: Any, default: str = "treated_at") -> str:
    """A Series' own name (the column it came from), for messages."""
    name = getattr(values, "name", None)
    return str(name) if name is not None else default


def _group_report(km: KMResult) -> dict[str, Any]:
    points = {
        _time_key(p.time): {"survival": p.survival, "ci": [p.ci_low, p.ci_high]} for p in km.at
    }
    return {
        "n": km.n,
        "events": km.events,
        "median": km.median,
        "median_ci": list(km.median_ci),
        "at": points,
    }


def _intervals(t: np.ndarray, e: np.ndarray, treated: np.ndarray) -> pd.DataFrame:
    with np.errstate(invalid="ignore"):
        switches = treated < t  # at the event time, or none: untreated throughout
    patients = np.arange(len(t))
    before_stop = np.where(switches, treated, t)
    parts = [
        # Up to the treatment (or the end): untreated; the event only if never switched.
        (patients, np.zeros(len(t)), before_stop, np.where(switches, 0, e), np.zeros(len(t))),
        # After the treatment: treated, to the end, with the event.
        (
            patients[switches],
            treated[switches],
            t[switches],
            e[switches],
            np.ones(int(switches.sum())),
        ),
    ]
    frame = pd.DataFrame(
        {
            name: np.concatenate([part[i] for part in parts])
            for i, name in enumerate(("patient", "start", "stop", "event", "treated"))
        }
    )
    frame = frame[frame["stop"] > frame["start"]]  # zero-length intervals are dropped
    return frame.astype({"patient": np.int64, "event": np.int64})


def _treatment_effect(
    kind: str,
    data: pd.DataFrame,
    covariates: pd.DataFrame | None,
    reference: Mapping[str, Any] | None,
    alpha: float,
    method: Method,
    label: str,
    *,
    n: int,
) -> TreatmentEffect:
    """Fit the treatment's Cox model on (start, stop] intervals, with fixed covariates
    given one row per patient (matched to the intervals by `patient`)."""
    encoded: dict[str, Encoded] = {}
    if covariates is not None:
        if len(covariates) != n:
            raise InvalidSurvivalData(
                f"The covariates have {len(covariates)} rows but the follow-up has {n}.",
                column=None,
                code="length_mismatch",
            )
        rows = covariates.reset_index(drop=True).iloc[data["patient"].to_numpy()]
        encoded = {
            str(c): _encode(rows[c].reset_index(drop=True), str(c), (reference or {}).get(c))
            for c in covariates.columns
        }
    patients = int(data["patient"].nunique())
    events = int(data["event"].sum())
    found = TreatmentEffect(kind, patients, events, intervals=len(data))
    x = data["treated"].to_numpy(dtype=float)
    e = data["event"].to_numpy()
    meaning = [(label, None, None)] + [
        (c, level, ref) for c, columns in encoded.items() for _, level, ref in columns
    ]
    needed = max(MIN_COX_EVENTS, len(meaning))
    if data.empty:
        return replace(found, message="No patients to compare.")
    problem = None
    if not x.any():
        problem = "Nobody was treated: there is nothing to compare."
    elif x.all():
        problem = "Every patient was treated throughout: there is nothing to compare."
    elif events < needed:
        problem = (
            f"Too few events for a Cox model ({_count(events, 'event')}; at least "
            f"{needed} needed for {_count(len(meaning), 'term')})."
        )
    elif not e[x == 1].any():
        problem = "No event while treated: the hazard ratio cannot be estimated."
    elif not e[x == 0].any():
        problem = "No event while untreated: the hazard ratio cannot be estimated."
    else:
        problem = next(filter(None, (_constant(c, cols) for c, cols in encoded.items())), None)
        if problem is None:
            problem = next(
                filter(None, (_level_without_events(c, cols, e) for c, cols in encoded.items())),
                None,
            )
    if problem:
        return replace(found, message=problem)
    columns = [x] + [values for part in encoded.values() for values, _, _ in part]
    start = data["start"].to_numpy(dtype=float)
    stop = data["stop"].to_numpy(dtype=float)
    fast = _numpy_path(method, len(data), LARGE_COX)
    try:
        if fast:
            coefficients, errors = _cox_numpy(start, stop, e, np.column_stack(columns))
        else:
            coefficients, errors = _cox_lifelines(start, stop, e, columns, data["patient"], alpha)
    except (ConvergenceError, np.linalg.LinAlgError, ArithmeticError):
        return replace(found, message=_NOT_CONVERGED)
    z = _z(alpha)
    with np.errstate(over="ignore", invalid="ignore"):
        ratios = np.exp(coefficients)
        lows, highs = np.exp(coefficients - z * errors), np.exp(coefficients + z * errors)
        ps = 2 * stats.norm.sf(np.abs(coefficients / errors))
    if not (np.isfinite(ratios).all() and np.isfinite(lows).all() and np.isfinite(highs).all()):
        return replace(found, message=_NOT_CONVERGED)
    terms = tuple(
        CoxTerm(name, level, ref, float(hr), float(lo), float(hi), float(pv))
        for (name, level, ref), hr, lo, hi, pv in zip(meaning, ratios, lows, highs, ps, strict=True)
    )
    note = None
    if events < EVENTS_PER_TERM_ADVISED * len(meaning):
        note = (
            f"Fewer than {EVENTS_PER_TERM_ADVISED} events per model term "
            f"({_count(events, 'event')}, {_count(len(meaning), 'term')}): "
            "hazard ratios are imprecise."
        )
    first = terms[0]
    return replace(
        found,
        hazard_ratio=first.hazard_ratio,
        ci_low=first.ci_low,
        ci_high=first.ci_high,
        p=first.p,
        terms=terms,
        note=note,
        method="numpy" if fast else "lifelines",
    )


def _cox_lifelines(
    start: np.ndarray,
    stop: np.ndarray,
    event: np.ndarray,
    columns: list[np.ndarray],
    patient: pd.Series,
    alpha: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients and their standard errors from lifelines' CoxTimeVaryingFitter (Efron
    ties); with every interval starting at zero it is the ordinary Cox model, fitted to a
    tighter tolerance than CoxPHFitter's default."""
    names = [f"x{i}" for i in range(len(columns))]
    data = pd.DataFrame(dict(zip(names, columns, strict=True)))
    data["_start"], data["_stop"], data["_event"] = start, stop, event
    data["_id"] = patient.to_numpy()
    fitter = CoxTimeVaryingFitter(alpha=alpha).fit(
        data, event_col="_event", start_col="_start", stop_col="_stop", id_col="_id"
    )
    return (
        fitter.params_[names].to_numpy(dtype=float),
        fitter.standard_errors_[names].to_numpy(dtype=float),
    )


def _cox_numpy(
    start: np.ndarray, stop: np.ndarray, event: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The Cox model on (start, stop] intervals by Newton-Raphson on Efron's partial
    likelihood, as lifelines fits it: coefficients and standard errors for the columns of
    `x` (intervals x covariates). For large cohorts, where lifelines takes minutes; memory
    grows with intervals x covariates, not their square. An interval is at risk at time t
    when start < t <= stop."""
    n, p = x.shape
    # Sorted by stop once, so that the sums over "stop >= t" need no reordering.
    order = np.argsort(stop, kind="stable")
    start, stop, event, x = start[order], stop[order], event[order], x[order]
    # For a 0/1 column, x * x is x: its S2 is its S1.
    binary = [bool(np.isin(x[:, j], (0.0, 1.0)).all()) for j in range(p)]
    deaths = event == 1
    death_times, death_index = np.unique(stop[deaths], return_inverse=True)
    count = len(death_times)
    d = np.bincount(death_index, minlength=count).astype(float)
    x_dead_sum = x[deaths].sum(axis=0)
    # Each death time's ties expanded: the l-th of d ties takes away l/d of the dead.
    k = np.repeat(np.arange(count), d.astype(np.int64))
    first = np.concatenate(([0], np.cumsum(d)[:-1])).astype(np.int64)
    fraction = (np.arange(len(k)) - first[k]) / d[k]
    by_start = np.argsort(start, kind="stable")
    stop_from = np.searchsorted(stop, death_times, side="left")
    start_from = np.searchsorted(start[by_start], death_times, side="left")

    def at_risk(values: np.ndarray) -> np.ndarray:
        """Sum over the intervals at risk at each death time: stop >= t, less those that
        start at or after t (they are not yet at risk)."""
        shape = (1, *values.shape[1:])
        tail_stop = np.concatenate((np.cumsum(values[::-1], axis=0)[::-1], np.zeros(shape)))
        tail_start = np.concatenate(
            (np.cumsum(values[by_start][::-1], axis=0)[::-1], np.zeros(shape))
        )
        return tail_stop[stop_from] - tail_start[start_from]

    def dead(values: np.ndarray) -> np.ndarray:
        return np.bincount(death_index, weights=values[deaths], minlength=count)

    def fit(beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        risk = np.exp(x @ beta)
        s0 = at_risk(risk)[k] - fraction * dead(risk)[k]
        weighted = risk[:, None] * x
        r1 = at_risk(weighted)
        d1 = np.column_stack([dead(weighted[:, j]) for j in range(p)])
        s1 = r1[k] - fraction[:, None] * d1[k]
        mean = s1 / s0[:, None]
        loglik = float(beta @ x_dead_sum - np.log(s0).sum())
        score = x_dead_sum - mean.sum(axis=0)
        # sum over the tied rows of S2 / S0, per death time, one covariate pair at a time
        inverse = 1 / s0
        plain = np.bincount(k, weights=inverse, minlength=count)
        taken = np.bincount(k, weights=fraction * inverse, minlength=count)
        information = -(mean.T @ mean)
        for j in range(p):
            for m in range(j, p):
                if m == j and binary[j]:
                    value = float(r1[:, j] @ plain - d1[:, j] @ taken)
                else:
                    pair = risk * x[:, j] * x[:, m]
                    value = float(at_risk(pair) @ plain - dead(pair) @ taken)
                information[j, m] += value
                if m != j:
                    information[m, j] += value
        return loglik, score, information

    beta = np.zeros(p)
    loglik, score, information = fit(beta)
    for _ in range(100):
        step = np.linalg.solve(information, score)
        while True:
            trial = beta + step
            found = fit(trial)
            if found[0] >= loglik - 1e-12 or np.abs(step).max() < 1e-12:
                break
            step = step / 2
        beta, (loglik, score, information) = trial, found
        if np.abs(step).max() < 1e-10:
            break
    else:
        raise ArithmeticError("no convergence")
    if not np.isfinite(beta).all() or np.abs(beta).max() > 50:
        raise ArithmeticError("no convergence")
    variance = np.diag(np.linalg.inv(information))
    if (variance <= 0).any():
        raise ArithmeticError("singular information")
    return beta, np.sqrt(variance)


def _numpy_path(method: Method, size: int, large: int = LARGE_COHORT) -> bool:
    if method not in ("auto", "lifelines", "numpy"):
        raise ValueError(f"method must be 'auto', 'lifelines' or 'numpy', not {method!r}.")
    return method == "numpy" or (method == "auto" and size >= large)


def _kaplan_meier(
    tally: _Tally, k: int, label: str, at: tuple[float, ...], alpha: float, fast: bool
) -> KMResult:
    t, e, w = tally.part(k)
    n, events = int(w.sum()), int(w[e == 1].sum())
    first = np.flatnonzero(np.diff(t, prepend=-1.0))
    # Patients followed at least as long as each distinct time: a reverse cumulative sum.
    risk_counts = np.cumsum(w[::-1])[::-1][first]
    found = KMResult(
        label,
        n,
        events,
        censor_times=_floats(t[e == 0]),
        risk_times=_floats(t[first]),
        risk_counts=tuple(risk_counts.tolist()),
    )
    if n < MIN_PATIENTS:
        message = "No patients." if n == 0 else f"Too few patients to estimate (n={n})."
        found = replace(found, message=message)
    else:
        curve = _km_numpy(t, e, w, alpha) if fast else _km_lifelines(t, e, w, alpha)
        times, survival, low, high = (_floats(column) for column in curve)
        found = replace(
            found,
            times=times,
            survival=survival,
            ci_low=low,
            ci_high=high,
            median=_first_at_or_below(curve[0], curve[1]),
            # The median's interval: where the upper and lower bands cross one half.
            median_ci=(
                _first_at_or_below(curve[0], curve[2]),
                _first_at_or_below(curve[0], curve[3]),
            ),
        )
    return replace(found, at=found.points(at))


def _km_lifelines(t: np.ndarray, e: np.ndarray, w: np.ndarray, alpha: float) -> list[np.ndarray]:
    """Time, survival, lower and upper band: the estimator of record."""
    fitter = KaplanMeierFitter(alpha=alpha).fit(t, e, weights=w)
    ci = fitter.confidence_interval_.to_numpy()
    return [fitter.timeline, fitter.survival_function_.to_numpy()[:, 0], ci[:, 0], ci[:, 1]]


def _km_numpy(t: np.ndarray, e: np.ndarray, w: np.ndarray, alpha: float) -> list[np.ndarray]:
    """The same as _km_lifelines, step for step (exponential Greenwood bands, a timeline
    that starts at 0, bands of 1 where survival is 1), without pandas' per-call cost."""
    starts = np.flatnonzero(np.diff(t, prepend=-1.0))
    times = t[starts]
    removed = np.add.reduceat(w, starts)
    deaths = np.add.reduceat(w * e, starts)
    at_risk = w.sum() - np.concatenate(([0], np.cumsum(removed)[:-1]))
    if times[0] > 0:
        times = np.concatenate(([0.0], times))
        deaths = np.concatenate(([0], deaths))
        at_risk = np.concatenate(([at_risk[0]], at_risk))
    left = (at_risk - deaths).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.exp(np.cumsum(np.log(left) - np.log(at_risk)))
        terms = np.where(left > 0, deaths / (at_risk * left), 0.0)
        spread = _z(alpha) * np.sqrt(np.cumsum(terms))
        log_s = np.log(survival)
        low = np.exp(-np.exp(np.log(-log_s) - spread / log_s))
        high = np.exp(-np.exp(np.log(-log_s) + spread / log_s))
    return [times, survival, np.nan_to_num(low, nan=1.0), np.nan_to_num(high, nan=1.0)]


def _logrank(tally: _Tally, labels: tuple[str, ...], fast: bool) -> LogRankResult:
    if len(labels) < 2:
        return LogRankResult(labels, message=_TOO_FEW_GROUPS.format(k=len(labels)))
    sizes = np.diff(tally.bounds)
    empty = [label for label, size in zip(labels, sizes, strict=True) if size == 0]
    if empty:
        names = ", ".join(repr(x) for x in empty)
        return LogRankResult(labels, message=f"no patients in group {names}.")
    if not tally.event.any():
        return LogRankResult(labels, message="no events in any group, so nothing to compare.")
    at_risk, deaths = _pooled_table(tally, len(labels))
    if not ((at_risk > 0).sum(axis=1) >= 2)[deaths.sum(axis=1) > 0].any():
        return LogRankResult(
            labels, message="no event happened while two groups were both under follow-up."
        )
    # A group with nobody at risk at any death carries no information; kept in, it makes
    # the covariance singular and the statistic hang on rounding. It is left out, and said.
    informative = (at_risk[deaths.sum(axis=1) > 0] > 0).any(axis=0)
    note = None
    if not informative.all():
        left_out = ", ".join(
            repr(label) for label, keep in zip(labels, informative, strict=True) if not keep
        )
        note = f"left out of the test, nobody at risk at any death: {left_out}."
        keep = np.flatnonzero(informative)
        at_risk, deaths = at_risk[:, keep], deaths[:, keep]
        rows = np.isin(tally.group, keep)
        renumber = np.full(len(labels), -1)
        renumber[keep] = np.arange(len(keep))
        tally = replace(
            tally,
            group=renumber[tally.group[rows]],
            time=tally.time[rows],
            event=tally.event[rows],
            count=tally.count[rows],
        )
    df = int(informative.sum()) - 1
    if fast:
        statistic = _logrank_statistic(at_risk, deaths)
        p = float(stats.chi2.sf(statistic, df))
    else:
        result = multivariate_logrank_test(
            tally.time, tally.group, tally.event, weights=tally.count
        )
        statistic, p = float(result.test_statistic), float(result.p_value)
    return LogRankResult(labels, statistic, df, p, note)


def _pooled_table(tally: _Tally, k: int) -> tuple[np.ndarray, np.ndarray]:
    """At each distinct time (rows), the number at risk and the deaths in each group."""
    t_index, distinct = pd.factorize(tally.time, sort=True)
    cells = t_index * k + tally.group
    size = len(distinct) * k
    removed = np.bincount(cells, weights=tally.count, minlength=size).reshape(-1, k)
    deaths = np.bincount(cells, weights=tally.count * tally.event, minlength=size).reshape(-1, k)
    at_risk = removed.sum(axis=0) - np.cumsum(removed, axis=0) + removed
    return at_risk, deaths


def _logrank_statistic(at_risk: np.ndarray, deaths: np.ndarray) -> float:
    """Observed minus expected deaths per group and their covariance, as lifelines does."""
    n = at_risk.sum(axis=1)
    d = deaths.sum(axis=1)
    observed_minus_expected = (deaths - at_risk * (d / n)[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n > 1, (n - d) / (n - 1), 1.0) * d / n**2
    covariance = np.diag((factor * n) @ at_risk) - (at_risk * factor[:, None]).T @ at_risk
    z = observed_minus_expected[:-1]
    return float(z @ np.linalg.pinv(covariance[:-1, :-1]) @ z)


def _first_at_or_below(times: np.ndarray, curve: np.ndarray, q: float = 0.5) -> float | None:
    """First time the curve is at or below q (lifelines' qth_survival_time), or None."""
    if curve[-1] > q:
        return None
    return float(times[np.searchsorted(-curve, -q, side="left")])


def _z(alpha: float) -> float:
    return NormalDist().inv_cdf(1 - alpha / 2)


def _require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    for column in columns:
        if column not in frame.columns:
            present = ", ".join(str(c) for c in frame.columns)
            raise InvalidSurvivalData(
                f"No column '{column}' in the data (columns: {present}).",
                column=column,
                code="missing_column",
            )


def _clean(
    durations: Any, events: Any, time_name: str, event_name: str
) -> tuple[np.ndarray, np.ndarray]:
    t = _numbers(durations, time_name)
    e = _numbers(events, event_name)
    if len(t) != len(e):
        raise InvalidSurvivalData(
            f"'{time_name}' has {len(t)} values but '{event_name}' has {len(e)}.",
            column=event_name,
            code="length_mismatch",
        )
    bad = np.flatnonzero(t < 0)
    if bad.size:
        raise InvalidSurvivalData(
            f"Column '{time_name}' has a negative time ({t[bad[0]]:g}) in row {bad[0] + 1}; "
            "times are months of follow-up.",
            column=time_name,
            code="negative_time",
        )
    bad = np.flatnonzero((e != 0) & (e != 1))
    if bad.size:
        raise InvalidSurvivalData(
            f"Column '{event_name}' must be 1 (event) or 0 (censored), "
            f"not {e[bad[0]]:g} in row {bad[0] + 1}.",
            column=event_name,
            code="bad_event",
        )
    return t, e.astype(np.int64)


def _numbers(values: Any, name: str) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype == bool:
        series = series.astype(np.int64)
    try:
        array = pd.to_numeric(series, errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        converted = pd.to_numeric(series, errors="coerce")
        row = int(np.flatnonzero(converted.isna() & series.notna())[0])
        raise InvalidSurvivalData(
            f"Column '{name}' must hold numbers, not {series.iloc[row]!r} in row {row + 1}.",
            column=name,
            code="not_a_number",
        ) from None
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InvalidSurvivalData(
            f"Column '{name}' has a missing or infinite value in row {bad[0] + 1}.",
            column=name,
            code="missing_value",
        )
    return array


def _group_codes(values: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(values, sort=True)
    missing = np.flatnonzero(codes < 0)  # factorize codes a missing value as -1
    if missing.size:
        raise InvalidSurvivalData(
            f"Column '{name}' has a missing group in row {missing[0] + 1}.",
            column=name,
            code="missing_value",
        )
    return codes.astype(np.int64), [str(u) for u in uniques]


def _encode(values: pd.Series, name: str, reference: Any) -> Encoded:
    """Model columns for one covariate: itself if numeric, else a dummy per other level."""
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise InvalidSurvivalData(
            f"Column '{name}' has a missing value in row {missing[0] + 1}.",
            column=name,
            code="missing_value",
        )
    if values.dtype == bool or (
        pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype)
    ):
        return [(values.to_numpy(dtype=float), None, None)]
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = [c for c in values.cat.categories if (values == c).any()]
    else:
        levels = sorted(values.unique(), key=str)
    if reference is None:
        reference = levels[0]
    elif reference not in levels:
        raise InvalidSurvivalData(
            f"Reference level {reference!r} does not occur in column '{name}' "
            f"(levels: {', '.join(map(str, levels))}).",
            column=name,
            code="bad_reference",
        )
    if len(levels) < 2:
        return [(np.zeros(len(values)), None, None)]
    return [
        ((values == level).to_numpy(dtype=float), str(level), str(reference))
        for level in levels
        if level != reference
    ]


def _constant(column: str, encoded: Encoded) -> str | None:
    if any(np.ptp(values) == 0 for values, _, _ in encoded):
        return (
            f"Covariate '{column}' has the same value for every patient: "
            "its hazard ratio cannot be estimated."
        )
    return None


def _level_without_events(column: str, encoded: Encoded, e: np.ndarray) -> str | None:
    if encoded[0][1] is None:
        return None
    in_level = [(level, values == 1) for values, level, _ in encoded]
    in_reference = ~np.any([rows for _, rows in in_level], axis=0)
    for level, rows in [*in_level, (encoded[0][2], in_reference)]:
        if not e[rows].any():
            return (
                f"No events among patients with {column} '{level}': "
                f"the hazard ratios of '{column}' cannot be estimated."
            )
    return None


def _check_times(times: Iterable[float], name: str) -> tuple[float, ...]:
    checked = []
    for value in times:
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise InvalidSurvivalData(
                f"'{name}' times must be months of zero or more, not {value!r}.",
                column=name,
                code="bad_time",
            )
        checked.append(number)
    return tuple(checked)


def _time_key(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else repr(float(t))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _floats(values: np.ndarray) -> tuple[float, ...]:
    return tuple(np.asarray(values, dtype=float).tolist())
