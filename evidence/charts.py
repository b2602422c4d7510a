"""Charts of the evidence library as SVG text, drawn on the server with matplotlib.

    study_figures_svg(figures) -> str   a study's outcome figures, one panel per kind
    liver_series_svg(patients) -> str   the liver series' survival per patient

Panels: rates at a time point (percent) as bars per arm, grouped by endpoint, time point and
subgroup, with confidence intervals as whiskers where the source gives them; medians and
times to an event (months) the same way; hazard and odds ratios as points with their
intervals on a log axis with a line at 1. Figures the source reports inconsistently are
hatched and marked with a dagger, and their label says where in the source they stand.

Each call builds its own Figure (no pyplot state). Text stays text in the SVG (searchable,
read by screen readers); matplotlib escapes it for XML, and no label is read as mathtext,
so a study's wording is shown as written. Both return "" when there is nothing to draw.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure as PlotFigure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FixedLocator, NullLocator  # noqa: E402

from evidence.matching import ENDPOINT_LABELS, Figure, LiverPatient  # noqa: E402
from evidence.svg import figure_svg  # noqa: E402

# Okabe-Ito: told apart with the common colour-vision deficiencies, and in print.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
ALL_PATIENTS = "all patients"
INCONSISTENT_MARK = "\u2020"  # dagger

WIDTH = 9.8  # inches
LEFT = 3.2  # room for the row labels
RIGHT = 2.8  # room for the values written after the bars
UNIT = 0.2  # inches per bar
GAP = 0.7  # bars' worth of space between groups
PANEL_TOP = 0.45  # the panel's title
PANEL_BOTTOM = 0.55  # the axis and its label
LEGEND = 0.3
WRAP = 44  # characters per line of a row label
FONT = 8.5

RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def study_figures_svg(figures: Sequence[Figure], *, title: str = "Outcome figures") -> str:
    """A study's rates, months and ratios, one panel each; "" when it has none of them."""
    rates = [f for f in figures if f.measure == "rate" and f.unit == "percent"]
    months = [f for f in figures if f.measure in ("median", "time_to_event") and f.unit == "months"]
    ratios = [f for f in figures if f.measure in ("hazard_ratio", "odds_ratio")]
    panels = []
    if rates:
        panels.append(_BarPanel("rates", "Rates at a time point", "Percent of patients", rates))
    if months:
        panels.append(_BarPanel("months", "Medians and times to an event", "Months", months))
    if ratios:
        panels.append(_RatioPanel(ratios))
    if not panels:
        return ""

    arms = _arms(rates + months)
    legend = LEGEND if len(arms) > 1 or any(f.inconsistent for f in figures) else 0.0
    height = legend + sum(p.height for p in panels)
    fig = _figure(height)
    top = height - legend
    for panel in panels:
        panel.draw(fig, top, height, arms)
        top -= panel.height
    handles = [Patch(facecolor=_colour(arms, arm), label=arm) for arm in arms]
    if any(f.inconsistent for f in figures):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#444444",
                hatch="////",
                label=f"{INCONSISTENT_MARK} reported inconsistently in the source (see note)",
            )
        )
    if legend:
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.01, 1.0),
            ncol=min(len(handles), 4),
            fontsize=FONT,
            frameon=False,
        )
    return figure_svg(fig, title)


def liver_series_svg(
    patients: Sequence[LiverPatient], *, title: str = "Survival per patient"
) -> str:
    """One bar per patient, solitary liver metastasis first, then liver and extrahepatic."""
    groups = [
        ("liver_only", "Solitary liver metastasis"),
        ("liver_and_extrahepatic", "Liver and extrahepatic metastasis"),
    ]
    rows = [(name, [p for p in patients if p.group == code]) for code, name in groups]
    rows = [(name, members) for name, members in rows if members]
    if not rows:
        return ""

    count = sum(len(members) for _, members in rows)
    plot_height = UNIT * 1.4 * (count + 1.5 * len(rows))
    height = LEGEND + 0.1 + plot_height + PANEL_BOTTOM
    fig = _figure(height)
    ax = fig.add_axes(_box(height, LEGEND + 0.1, plot_height), gid="liver-series")

    y = 0.0
    positions, labels, handles = [], [], []
    longest = max(float(p.survival_months) for _, members in rows for p in members)
    for i, (name, members) in enumerate(rows):
        colour = COLOURS[i]
        ax.text(
            -0.01,
            y,
            f"{name} ({len(members)})",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=FONT + 1,
            fontweight="bold",
            parse_math=False,
        )
        y += 1.1
        for patient in members:
            months = float(patient.survival_months)
            ax.barh(y, months, height=0.75, color=colour)
            ax.text(
                months + longest * 0.01,
                y,
                str(patient.survival_months),
                va="center",
                fontsize=FONT,
                parse_math=False,
            )
            positions.append(y)
            labels.append(_patient_label(patient))
            y += 1
        handles.append(Patch(facecolor=colour, label=f"{name} ({len(members)} patients)"))
        y += 0.4

    ax.set_ylim(y - 0.4, -0.8)
    ax.set_yticks(positions, labels, fontsize=FONT, parse_math=False)
    ax.set_xlim(0, longest * 1.08)
    ax.set_xlabel("Survival (months, as the tables give it)", fontsize=FONT + 1)
    ax.set_ylabel("Patient", fontsize=FONT + 1)
    ax.yaxis.set_label_coords(-(LEFT - 0.25) / _axes_width(), 0.5)
    _tidy(ax)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.01, 1.0),
        ncol=2,
        fontsize=FONT,
        frameon=False,
    )
    return figure_svg(fig, title)


def _patient_label(patient: LiverPatient) -> str:
    label = f"{patient.table}, case {patient.case}"
    if patient.extrahepatic_site_as_written:
        label += f": {patient.extrahepatic_site_as_written}"
    return label


# --- panels ----------------------------------------------------------------------------


class _BarPanel:
    """Bars per arm for figures in one unit (percent or months), grouped by endpoint,
    time point and subgroup."""

    def __init__(self, gid: str, heading: str, axis_label: str, figures: list[Figure]) -> None:
        self.gid = gid
        self.heading = heading
        self.axis_label = axis_label
        self.percent = figures[0].unit == "percent"
        self.groups: dict[tuple, list[Figure]] = {}
        for figure in figures:
            sub = figure.subgroup
            key = (
                figure.endpoint,
                figure.measure,
                figure.time_months,
                figure.comparison,
                None if sub is None else (sub.kind, sub.value),
                figure.location,
            )
            self.groups.setdefault(key, []).append(figure)
        bars = sum(len(g) for g in self.groups.values())
        self.plot_height = UNIT * (bars + GAP * (len(self.groups) + 0.5))
        self.height = PANEL_TOP + self.plot_height + PANEL_BOTTOM

    def draw(self, fig: PlotFigure, top: float, height: float, arms: list[str]) -> None:
        ax = fig.add_axes(_box(height, height - top + PANEL_TOP, self.plot_height), gid=self.gid)
        ax.set_title(self.heading, loc="left", fontsize=FONT + 2, pad=6, x=-LEFT / _axes_width())
        largest = max(
            float(max(f.value, f.ci_high or f.value)) for g in self.groups.values() for f in g
        )
        x_max = 100.0 if self.percent else largest * 1.1 or 1.0
        y = GAP / 2
        positions, labels = [], []
        for group in self.groups.values():
            start = y
            # A p value for the difference between groups is written only on a row that
            # shows more than one group; a single group's rate is drawn without it.
            both = len(group) > 1
            for figure in group:
                self._bar(ax, figure, y + 0.5, arms, x_max, with_p=both)
                y += 1
            positions.append((start + y) / 2)
            labels.append(_wrap(_group_label(group)))
            y += GAP
        ax.set_ylim(y - GAP / 2, 0)
        ax.set_yticks(positions, labels, fontsize=FONT, parse_math=False)
        ax.set_xlim(0, x_max)
        ax.set_xlabel(self.axis_label, fontsize=FONT + 1)
        _tidy(ax)

    def _bar(
        self, ax, figure: Figure, y: float, arms: list[str], x_max: float, with_p: bool
    ) -> None:
        value = float(figure.value)
        colour = _colour(arms, figure.arm or ALL_PATIENTS)
        ax.barh(
            y,
            value,
            height=0.8,
            color=colour,
            hatch="////" if figure.inconsistent else None,
            edgecolor="white" if figure.inconsistent else colour,
            linewidth=0,
        )
        right = value
        if figure.ci_low is not None and figure.ci_high is not None:
            low, high = float(figure.ci_low), float(figure.ci_high)
            ax.errorbar(
                value,
                y,
                xerr=[[value - low], [high - value]],
                fmt="none",
                ecolor="#222222",
                elinewidth=1,
                capsize=2.5,
            )
            right = max(right, high)
        ax.text(
            right + x_max * 0.012,
            y,
            _value_text(figure, with_p),
            va="center",
            fontsize=FONT,
            clip_on=False,
            parse_math=False,
        )


class _RatioPanel:
    """Hazard and odds ratios as points with their intervals, log scale, a line at 1."""

    def __init__(self, figures: list[Figure]) -> None:
        self.figures = figures
        self.plot_height = UNIT * 1.6 * (len(figures) + 0.8)
        self.height = PANEL_TOP + self.plot_height + PANEL_BOTTOM

    def draw(self, fig: PlotFigure, top: float, height: float, arms: list[str]) -> None:
        ax = fig.add_axes(_box(height, height - top + PANEL_TOP, self.plot_height), gid="ratios")
        kinds = {f.measure for f in self.figures}
        noun = "Hazard or odds ratios" if len(kinds) > 1 else _ratio_name(self.figures[0]) + "s"
        ax.set_title(noun, loc="left", fontsize=FONT + 2, pad=6, x=-LEFT / _axes_width())
        numbers = [float(n) for f in self.figures for n in (f.value, f.ci_low, f.ci_high) if n]
        low = min([*numbers, 1.0]) / 2
        high = max([*numbers, 1.0]) * 2
        labels = []
        for i, figure in enumerate(self.figures):
            y = i + 0.9
            value = float(figure.value)
            marker = "D" if figure.measure == "odds_ratio" else "s"
            if figure.ci_low is not None and figure.ci_high is not None:
                ax.errorbar(
                    value,
                    y,
                    xerr=[[value - float(figure.ci_low)], [float(figure.ci_high) - value]],
                    fmt="none",
                    ecolor="#222222",
                    elinewidth=1,
                    capsize=2.5,
                )
            ax.plot(
                [value],
                [y],
                marker=marker,
                markersize=5.5,
                color=COLOURS[0],
                markerfacecolor="white" if figure.inconsistent else COLOURS[0],
                linestyle="none",
            )
            ax.text(
                1.02,
                y,
                _value_text(figure),
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=FONT,
                clip_on=False,
                parse_math=False,
            )
            labels.append(_wrap(_ratio_label(figure)))
        ax.axvline(1.0, color="#555555", linewidth=1, linestyle="--")
        ax.set_xscale("log")
        ax.set_xlim(low, high)
        ticks = [t for t in RATIO_TICKS if low <= t <= high]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.set_ylim(len(self.figures) + 0.3, 0.2)
        ax.set_yticks(
            [i + 0.9 for i in range(len(self.figures))], labels, fontsize=FONT, parse_math=False
        )
        word = "Hazard or odds ratio" if len(kinds) > 1 else _ratio_name(self.figures[0])
        ax.set_xlabel(f"{word} (log scale; 1 = no difference)", fontsize=FONT + 1)
        _tidy(ax)


# --- labels ----------------------------------------------------------------------------


def _time_words(months: int) -> str:
    return f"{months // 12}-year" if months % 12 == 0 else f"{months}-month"


def _group_label(group: list[Figure]) -> str:
    first = group[0]
    endpoint = ENDPOINT_LABELS[first.endpoint]
    if first.measure == "rate" and first.time_months is not None:
        label = f"{_time_words(first.time_months)} {endpoint}"
    elif first.measure == "median":
        label = f"median {endpoint}"
    elif first.measure == "time_to_event":
        label = f"time to {endpoint}"
    else:
        label = endpoint
    label = label[0].upper() + label[1:]
    if first.subgroup is not None:
        label += f", {first.subgroup.label}"
    if any(f.inconsistent for f in group):
        label += f" ({first.location}) {INCONSISTENT_MARK}"
    return label


def _ratio_name(figure: Figure) -> str:
    return "Hazard ratio" if figure.measure == "hazard_ratio" else "Odds ratio"


def _ratio_label(figure: Figure) -> str:
    parts = []
    if figure.endpoint != "not_stated":
        parts.append(ENDPOINT_LABELS[figure.endpoint])
    if figure.comparison:
        parts.append(figure.comparison)
    if figure.subgroup is not None and figure.subgroup.label not in (figure.comparison or ""):
        parts.append(figure.subgroup.label)
    label = ", ".join(parts) or _ratio_name(figure)
    label = label[0].upper() + label[1:]
    if figure.inconsistent:
        label += f" ({figure.location}) {INCONSISTENT_MARK}"
    return label


def _value_text(figure: Figure, with_p: bool = True) -> str:
    text = f"{figure.value}%" if figure.unit == "percent" else str(figure.value)
    if figure.ci_low is not None and figure.ci_high is not None:
        level = f"{figure.ci_level}% CI " if figure.ci_level else "CI "
        text += f" ({level}{figure.ci_low}\u2013{figure.ci_high})"
    if figure.p_value and with_p:
        p = figure.p_value
        text += f", p{p}" if p[0] in "<>=" else f", p={p}"
    return text


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, WRAP)) or text


# --- drawing ---------------------------------------------------------------------------


def _arms(figures: Sequence[Figure]) -> list[str]:
    return list(dict.fromkeys(f.arm or ALL_PATIENTS for f in figures))


def _colour(arms: list[str], arm: str) -> str:
    return COLOURS[arms.index(arm) % len(COLOURS)] if arm in arms else COLOURS[0]


def _axes_width() -> float:
    return WIDTH - LEFT - RIGHT


def _box(height: float, from_top: float, plot_height: float) -> tuple[float, float, float, float]:
    """An axes rectangle in figure fractions, `from_top` inches below the top edge."""
    bottom = height - from_top - plot_height
    return (LEFT / WIDTH, bottom / height, _axes_width() / WIDTH, plot_height / height)


def _figure(height: float) -> PlotFigure:
    fig = PlotFigure(figsize=(WIDTH, height))
    FigureCanvasSVG(fig)
    return fig


def _tidy(ax) -> None:
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=FONT)
    ax.tick_params(axis="y", length=0)


__all__ = ["liver_series_svg", "study_figures_svg"]
