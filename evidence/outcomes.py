"""Outcomes of the hospital's own cases: the cohort with follow-up as a pandas frame read
in one query, survival times computed from its dates, and the analyses the Outcomes pages,
the case page and the API show.

Times are months from the recurrence date, a month being DAYS_PER_MONTH days, rounded as
recurrence.followup.survival_times rounds them. Overall survival ends at death, else is
censored at the last contact; progression-free survival ends at progression or death,
whichever is first. A case counts as "surgery" when it has a primary_surgery or
metastasectomy treatment, at any time.

evidence.survival (lifelines) and evidence.charts_km (matplotlib) take seconds to import,
and pandas most of one, so they are imported inside the functions that use them: the URL
configuration imports this module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.http import urlencode

from recurrence.followup import DAYS_PER_MONTH
from recurrence.models import (
    CATEGORY_CHOICES,
    PRESENTATION_CHOICES,
    SUBTYPE_CHOICES,
    Case,
    Treatment,
)

if TYPE_CHECKING:
    import pandas as pd

SURGERY_KINDS = ("primary_surgery", "metastasectomy")
AT_MONTHS = (12, 24, 36, 60)
SIMILAR_AT_MONTHS = (12, 24, 36)

ENDPOINTS = {"os": "Overall survival", "pfs": "Progression-free survival"}
EVENT_NOUNS = {"os": "deaths", "pfs": "progressions or deaths"}
GROUP_BY = {
    "surgery": "Surgery vs no surgery",
    "subtype": "Subtype",
    "site_pattern": "Site pattern",
    "presentation": "Presentation",
    "none": "No split",
}
# How a title says the split: "Overall survival by subtype".
SPLIT_TITLES = {
    "surgery": "with and without surgery",
    "subtype": "by subtype",
    "site_pattern": "by site pattern",
    "presentation": "by presentation",
    "none": "",
}
SITE_PATTERN_CHOICES = [
    ("locoregional", "Local-regional only"),
    ("bone_only", "Bone only"),
    ("liver_only", "Liver only"),
    ("lung_only", "Lung only"),
    ("brain_only", "Brain only"),
    ("brain", "Brain and other sites"),
    ("visceral", "Visceral, other"),
    ("non_visceral", "Non-visceral, other"),
]
SURGERY_LABELS = {True: "Surgery", False: "No surgery"}
COX_COVARIATES = {
    "subtype": "Subtype",
    "site_pattern": "Site pattern",
    "presentation": "Presentation",
    "surgery": "Surgery",
    "age": "Age (per 10 years)",
}
# Column names in the Cox model, which its terms repeat ("subtype: Triple negative vs ...").
_COX_COLUMNS = {
    "subtype": "subtype",
    "site_pattern": "site pattern",
    "presentation": "presentation",
    "surgery": "surgery",
    "age": "age per 10 years",
}
NOT_RECORDED = "Not recorded"
ALL_PATIENTS = "All patients"

LABELS = {
    "presentation": dict(PRESENTATION_CHOICES),
    "category": dict(CATEGORY_CHOICES),
    "subtype": dict(SUBTYPE_CHOICES),
    "site_pattern": dict(SITE_PATTERN_CHOICES),
}

_FIELDS = {
    "presentation": "presentation",
    "category": "category",
    "subtype": "subtype",
    "site_pattern": "site_pattern",
    "synthetic": "synthetic",
    "age": "age",
    "recurrence_date": "recurrence_date",
    "last_contact": "follow_up__last_contact_date",
    "death": "follow_up__death_date",
    "progression": "follow_up__progression_date",
}


@dataclass(frozen=True)
class Filters:
    """Which cases make the cohort; an empty value means any."""

    presentation: str = ""
    category: str = ""
    subtype: str = ""
    site_pattern: str = ""
    surgery: bool | None = None
    synthetic: bool | None = None
    exclude_case: int | None = None


def cohort_frame(filters: Filters | None = None) -> pd.DataFrame:
    """One row per case with recorded follow-up, read in one query.

    Columns: presentation, category, subtype, site_pattern, synthetic, surgery, age, and
    os_months, os_event, pfs_months, pfs_event (events 1 or 0). No identifiers or dates.
    """
    import pandas as pd

    filters = filters or Filters()
    surgery = Exists(Treatment.objects.filter(case=OuterRef("pk"), kind__in=SURGERY_KINDS))
    cases = Case.objects.filter(follow_up__isnull=False).annotate(surgery=surgery)
    for name in ("presentation", "category", "subtype", "site_pattern"):
        if value := getattr(filters, name):
            cases = cases.filter(**{name: value})
    if filters.surgery is not None:
        cases = cases.filter(surgery=filters.surgery)
    if filters.synthetic is not None:
        cases = cases.filter(synthetic=filters.synthetic)
    if filters.exclude_case is not None:
        cases = cases.exclude(pk=filters.exclude_case)
    rows = cases.order_by().values_list(*_FIELDS.values(), "surgery")
    # A hospital's cohort is hundreds to thousands of rows: working the times out row by
    # row and building the frame once costs less than a dozen column operations on it.
    records = [_record(dict(zip(_FIELDS, row[:-1], strict=True)), row[-1]) for row in rows]
    return pd.DataFrame.from_records(records, columns=FRAME_COLUMNS).astype(_FRAME_TYPES)


FRAME_COLUMNS = (
    "presentation",
    "category",
    "subtype",
    "site_pattern",
    "synthetic",
    "surgery",
    "age",
    "os_months",
    "os_event",
    "pfs_months",
    "pfs_event",
)
_FRAME_TYPES = {
    "synthetic": bool,
    "surgery": bool,
    "age": float,
    "os_months": float,
    "pfs_months": float,
    "os_event": int,
    "pfs_event": int,
}


def _record(row: dict[str, Any], surgery: bool) -> tuple:
    """Overall survival to death, else censored at last contact; progression-free to
    progression or death, whichever is first, else censored at last contact (as
    recurrence.followup.survival_times has it), in months rounded to two places."""
    start, last, death, progression = (
        row["recurrence_date"],
        row["last_contact"],
        row["death"],
        row["progression"],
    )
    os_end = death or last
    pfs_end = (
        min(d for d in (progression, death) if d is not None) if (progression or death) else last
    )
    return (
        str(row["presentation"]),
        str(row["category"]),
        str(row["subtype"]),
        str(row["site_pattern"]),
        bool(row["synthetic"]),
        bool(surgery),
        float("nan") if row["age"] is None else float(row["age"]),
        round((os_end - start).days / DAYS_PER_MONTH, 2),
        int(death is not None),
        round((pfs_end - start).days / DAYS_PER_MONTH, 2),
        int(progression is not None or death is not None),
    )


# The filters of the Outcomes page and API


def _choice(label: str, choices, *, any_label: str | None = "Any") -> forms.ChoiceField:
    options = ([("", any_label)] if any_label else []) + list(choices)
    return forms.ChoiceField(label=label, required=False, choices=options)


class OutcomesForm(forms.Form):
    """The Outcomes page's choices. A value that is not one of the choices is an error of
    its field, and `choices()` uses that field's default instead."""

    endpoint = _choice("Endpoint", ENDPOINTS.items(), any_label=None)
    group_by = _choice("Split by", GROUP_BY.items(), any_label=None)
    presentation = _choice("Presentation", PRESENTATION_CHOICES)
    subtype = _choice("Subtype", SUBTYPE_CHOICES)
    site_pattern = _choice("Site pattern", SITE_PATTERN_CHOICES)
    surgery = _choice("Surgery", [("yes", "Surgery"), ("no", "No surgery")])
    cases = _choice(
        "Cases",
        [("hospital", "Hospital cases only"), ("synthetic", "Synthetic demo cases only")],
        any_label="All recorded cases",
    )
    cox = forms.MultipleChoiceField(
        label="Cox model covariates",
        required=False,
        choices=list(COX_COVARIATES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick one or more to fit a Cox proportional hazards model.",
    )

    DEFAULTS: dict[str, Any] = {
        "endpoint": "os",
        "group_by": "surgery",
        "presentation": "",
        "subtype": "",
        "site_pattern": "",
        "surgery": "",
        "cases": "",
        "cox": [],
    }

    def choices(self) -> Choices:
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) or default for name, default in self.DEFAULTS.items()
        }
        return Choices(
            filters=Filters(
                presentation=data["presentation"],
                subtype=data["subtype"],
                site_pattern=data["site_pattern"],
                surgery={"yes": True, "no": False}.get(data["surgery"]),
                synthetic={"hospital": False, "synthetic": True}.get(data["cases"]),
            ),
            endpoint=data["endpoint"],
            group_by=data["group_by"],
            cox=tuple(c for c in COX_COVARIATES if c in data["cox"] or c in self._raw("cox")),
        )

    def _raw(self, name: str) -> list[str]:
        if hasattr(self.data, "getlist"):
            return [str(v) for v in self.data.getlist(name)]
        value = self.data.get(name)
        return (
            []
            if value is None
            else [str(v) for v in (value if isinstance(value, list) else [value])]
        )

    def ignored(self) -> list[str]:
        """What was not understood, one sentence per field, for the page to show."""
        self.is_valid()
        found = []
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            if name == "cox":
                unknown = [v for v in self._raw(name) if v not in COX_COVARIATES]
                shown = ", ".join(f"“{v[:40]}”" for v in unknown)
                found.append(f"{field.label}: {shown} not known; left out of the model.")
                continue
            default = self.DEFAULTS[name]
            instead = dict(field.choices)[default] if default else "any"
            shown = ", ".join(self._raw(name))[:60]
            found.append(
                f"{field.label}: “{shown}” is not one of the choices; showing {instead.lower()}"
                " instead."
            )
        return found


@dataclass(frozen=True)
class Choices:
    filters: Filters
    endpoint: str = "os"
    group_by: str = "surgery"
    cox: tuple[str, ...] = ()

    def query(self) -> dict[str, Any]:
        """The query string that asks for these choices again (for links)."""
        f = self.filters
        params: dict[str, Any] = {"endpoint": self.endpoint, "group_by": self.group_by}
        for name in ("presentation", "subtype", "site_pattern"):
            if value := getattr(f, name):
                params[name] = value
        if f.surgery is not None:
            params["surgery"] = "yes" if f.surgery else "no"
        if f.synthetic is not None:
            params["cases"] = "synthetic" if f.synthetic else "hospital"
        if self.cox:
            params["cox"] = list(self.cox)
        return params


def describe(chosen: Choices) -> str:
    """The choices in a sentence, so that the page says what it shows."""
    f = chosen.filters
    text = f"{ENDPOINTS[chosen.endpoint]} from the recurrence date"
    if chosen.group_by != "none":
        text += f", split by {GROUP_BY[chosen.group_by].lower()}"
    kept = [
        LABELS[name][getattr(f, name)]
        for name in ("presentation", "subtype", "site_pattern")
        if getattr(f, name)
    ]
    if f.surgery is not None:
        kept.append("with surgery" if f.surgery else "without surgery")
    if f.synthetic is not None:
        kept.append("synthetic demo cases only" if f.synthetic else "hospital cases only")
    text += ". Patients: " + (", ".join(kept) if kept else "every case with recorded follow-up")
    if chosen.cox:
        text += ". Cox model on " + ", ".join(COX_COVARIATES[c].lower() for c in chosen.cox)
    return text + "."


# Analyses


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
    """Kaplan-Meier per group with its statistics, the log-rank test, the Cox model when
    covariates are given, and (with `chart`) the chart as SVG, drawn for a side panel with
    `small_chart`. JSON-ready apart from the chart; groups that cannot be estimated carry
    a message instead of estimates."""
    _check_choice("endpoint", endpoint, ENDPOINTS)
    _check_choice("group_by", group_by, GROUP_BY)
    for covariate in cox_covariates:
        _check_choice("cox", covariate, COX_COVARIATES)
    frame, messages = _usable(cohort_frame(filters), endpoint)
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
        return result

    from evidence.survival import kaplan_meier, logrank

    time, event = f"{endpoint}_months", f"{endpoint}_event"
    labels, order = group_labels(frame, group_by)
    parts = {label: frame[labels == label] for label in order}
    curves = [
        kaplan_meier(part[time], part[event], at=at, label=label) for label, part in parts.items()
    ]
    result["groups"] = [_group_summary(km) for km in curves]
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
    if chart:
        from evidence.charts_km import km_svg

        title = result["title"] + _synthetic_suffix(result["synthetic"], result["n"])
        if small_chart:
            short = ENDPOINTS[endpoint] + _synthetic_suffix(result["synthetic"], result["n"])
            result["chart"] = small_km_svg(curves, title=short)
        else:
            result["chart"] = km_svg(curves, title=title, time_label="Months from recurrence")
    return result


def small_km_svg(curves: Sequence[Any], *, title: str) -> str:
    """A Kaplan-Meier chart sized for a side panel (about 360 pixels wide, readable without
    scaling): the same colours, bands and censoring marks as evidence.charts_km.km_svg,
    with a shorter legend and the numbers at risk under the axis."""

    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.transforms import blended_transform_factory

    from evidence.charts_km import COLOURS, default_ticks
    from evidence.svg import figure_svg

    longest = max((t for km in curves for t in km.risk_times), default=0.0)
    ticks = [t for t in default_ticks(longest) if t <= longest] or [0.0]
    if len(ticks) > 5:
        ticks = ticks[::2]
    width, plot, legend, table = 3.8, 2.2, 0.2 * len(curves) + 0.45, 0.18 * (len(curves) + 1) + 0.5
    height = legend + plot + table
    fig = Figure(figsize=(width, height))
    FigureCanvasSVG(fig)
    left = 0.85 / width
    ax = fig.add_axes((left, table / height, 1 - left - 0.15 / width, plot / height))
    for i, km in enumerate(curves):
        colour = COLOURS[i % len(COLOURS)]
        if not km.estimable:
            ax.plot([], [], color=colour, label=f"{km.label} (n={km.n}): too few to estimate")
            continue
        ax.step(
            km.times,
            km.survival,
            where="post",
            color=colour,
            linewidth=1.6,
            label=f"{km.label} (n={km.n})",
        )
        ax.fill_between(
            km.times, km.ci_low, km.ci_high, step="post", color=colour, alpha=0.15, linewidth=0
        )
        if km.censor_times:
            ax.plot(
                km.censor_times,
                km.censor_survival(),
                linestyle="none",
                marker="|",
                markersize=5,
                markeredgewidth=1,
                color=colour,
            )
    fig.text(0.02, 1 - 0.17 / height, title, fontsize=8, va="center")
    ax.set_xlim(0, max([longest, *ticks, 1.0]) * 1.03)
    ax.set_ylim(0, 1.03)
    ax.set_xticks(ticks)
    ax.set_yticks([0, 0.5, 1.0])
    ax.tick_params(labelsize=7.5)
    ax.set_xlabel("Months from recurrence", fontsize=7.5, labelpad=1)
    ax.set_ylabel("Survival", fontsize=7.5)
    ax.grid(True, color="#dddddd", linewidth=0.5)
    ax.spines[["top", "right"]].set_visible(False)
    if curves:
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            fontsize=7.5,
            frameon=False,
            borderaxespad=0.2,
        )
    under_ticks = blended_transform_factory(ax.transData, fig.transFigure)
    fig.text(
        0.02,
        (table - 0.62) / height,
        "At risk",
        fontsize=7.5,
        fontweight="bold",
        va="center",
        gid="at-risk",
    )
    for i, km in enumerate(curves):
        y = (table - 0.62 - 0.18 * (i + 1)) / height
        fig.text(
            0.02,
            y,
            km.label,
            fontsize=7,
            color=COLOURS[i % len(COLOURS)],
            va="center",
            gid=f"at-risk-{i}",
        )
        for j, count in enumerate(km.numbers_at_risk(ticks)):
            ax.text(
                ticks[j],
                y,
                str(count),
                transform=under_ticks,
                ha="center",
                va="center",
                fontsize=7,
                gid=f"at-risk-{i}-{j}",
            )
    return figure_svg(fig, title)


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


def _usable(frame: pd.DataFrame, endpoint: str) -> tuple[pd.DataFrame, list[str]]:
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


def _group_summary(km) -> dict[str, Any]:
    return {
        "label": km.label,
        "n": km.n,
        "events": km.events,
        "median": km.median,
        "median_ci": list(km.median_ci),
        "at": {
            _key(p.time): {
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
        column = _COX_COLUMNS[covariate]
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
        missing = int(data[_COX_COLUMNS["age"]].isna().sum())
        if missing:
            data = data.dropna()
            notes.append(
                f"{missing} patient{'s' if missing != 1 else ''} without a recorded age "
                "left out of the model."
            )
    columns = [_COX_COLUMNS[c] for c in covariates]
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


def _synthetic_suffix(synthetic: int, n: int) -> str:
    if not synthetic:
        return ""
    if synthetic == n:
        return " (synthetic demo data)"
    return f" ({synthetic} of {n} patients synthetic)"


def _check_choice(name: str, value: str, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")


def _key(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else str(t)


# The data behind the chart, de-identified


def csv_rows(
    filters: Filters | None = None,
    group_by: str = "surgery",
    endpoint: str = "os",
    cox_covariates: Sequence[str] = (),
) -> list[list[Any]]:
    """A header and one row per patient: a row number (not linked to any record), the
    group, the time in months, the event (1 or 0) and the covariates. Ages are given in
    10-year bands, and in whole years only when age is a covariate of the Cox model."""
    _check_choice("endpoint", endpoint, ENDPOINTS)
    _check_choice("group_by", group_by, GROUP_BY)
    frame, _ = _usable(cohort_frame(filters), endpoint)
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


# Similar patients on the case page


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


# Figures for the pages


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
        point = group["at"].get(_key(t), {})
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
