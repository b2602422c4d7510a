"""Kaplan-Meier charts as SVG text, drawn on the server with matplotlib: `km_svg` for the
Outcomes page, `small_km_svg` for the case page's side panel.

Step curves with shaded 95% confidence bands, tick marks at censoring times (one where
several would be drawn on top of each other), and the numbers at risk under the time
axis. Each call builds its own Figure (no pyplot state), so charts can be drawn from
several threads. The SVG keeps its text as text, so it is
searchable and readable by screen readers, and is the same bytes for the same input.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from evidence.survival import KMResult  # noqa: E402
from evidence.svg import figure_svg  # noqa: E402

# Okabe-Ito: told apart with the common colour-vision deficiencies, and in print.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
NICE_STEPS = (1, 2, 3, 6, 12, 24, 36, 60, 120, 240)
MAX_TICKS = 8

WIDTH = 7.0
PLOT_HEIGHT = 3.6
TITLE = 0.4
LEGEND_ROW = 0.2
AXIS_BAND = 0.6
ROW = 0.22
# Censoring marks nearer each other than this many points, across and up, look like one.
MARK_GAP = 0.5


def _draw_curve(ax, km, colour, label, per_point, *, linewidth, marker_size, marker_width) -> None:
    """One Kaplan-Meier curve: the step function, its 95% band and the censoring marks.

    `per_point` is the data units (time, survival) per point of the axes, whose limits
    must already be set: the marks are thinned to what can be seen at that scale."""
    ax.step(km.times, km.survival, where="post", color=colour, linewidth=linewidth, label=label)
    times, low, high = band_corners(km.times, km.ci_low, km.ci_high)
    ax.fill_between(times, low, high, step="post", color=colour, alpha=0.15, linewidth=0)
    if km.censor_times:
        times, survival = thin_marks(
            km.censor_times,
            km.censor_survival(),
            per_point[0] * MARK_GAP,
            per_point[1] * MARK_GAP,
        )
        ax.plot(
            times,
            survival,
            linestyle="none",
            marker="|",
            markersize=marker_size,
            markeredgewidth=marker_width,
            color=colour,
        )


def band_corners(
    times: Sequence[float], low: Sequence[float], high: Sequence[float]
) -> tuple[list[float], list[float], list[float]]:
    """The points of a step band (drawn with step="post") where it changes: a point whose
    edges both equal the previous point's only extends the step before it, so leaving it
    out draws exactly the same shape. The first and the last point are kept (the last one
    ends the band). At censoring-only times the band does not move, so a large cohort's
    band keeps a corner per event time instead of one per patient."""
    kept = [
        i
        for i in range(len(times))
        if i in (0, len(times) - 1) or low[i] != low[i - 1] or high[i] != high[i - 1]
    ]
    return [times[i] for i in kept], [low[i] for i in kept], [high[i] for i in kept]


def thin_marks(
    times: Sequence[float], survival: Sequence[float], min_gap: float, min_shift: float = 0.0
) -> tuple[list[float], list[float]]:
    """The censoring marks worth drawing: those not drawn on top of a mark already kept.

    `times` ascending, `survival` the curve's height at each. A mark is kept when it is at
    least `min_gap` right of the last kept mark, or more than `min_shift` above or below
    it (with 0: at any other height); the first and the last are always kept. The charts
    pass half a point (MARK_GAP) in data units for both, so a mark left out would have
    overlapped a kept one to within half a point, less than a pixel on screen: the chart
    looks the same, and its marks are bounded by the size of the axes instead of growing
    with the number of censored patients."""
    if not times:
        return [], []
    kept_times, kept_survival = [times[0]], [survival[0]]
    kept = True
    for t, s in zip(times[1:], survival[1:], strict=True):
        kept = t - kept_times[-1] >= min_gap or abs(s - kept_survival[-1]) > min_shift
        if kept:
            kept_times.append(t)
            kept_survival.append(s)
    if not kept:
        kept_times.append(times[-1])
        kept_survival.append(survival[-1])
    return kept_times, kept_survival


def _per_point(ax, fig) -> tuple[float, float]:
    """Data units (time, survival) per point along each axis, from its limits and size."""
    box = ax.get_position()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width, height = fig.get_size_inches()
    return (x1 - x0) / (box.width * width * 72), (y1 - y0) / (box.height * height * 72)


def km_svg(
    results: Sequence[KMResult],
    *,
    title: str,
    time_label: str = "Months",
    at_risk_times: Sequence[float] | None = None,
) -> str:
    """One chart with a curve per result; groups too small to estimate appear in the
    legend with their message and in the at-risk table, without a curve."""
    longest = max((t for r in results for t in r.risk_times), default=0.0)
    ticks = list(at_risk_times) if at_risk_times is not None else default_ticks(longest)
    x_max = max([longest, *ticks, 1.0])

    table_height = ROW * (len(results) + 1.5)
    legend_height = LEGEND_ROW * len(results) + 0.1
    height = TITLE + legend_height + PLOT_HEIGHT + AXIS_BAND + table_height
    fig = Figure(figsize=(WIDTH, height))
    FigureCanvasSVG(fig)
    left, right = 1.6 / WIDTH, 1 - 0.3 / WIDTH
    bottom = (AXIS_BAND + table_height) / height
    ax = fig.add_axes((left, bottom, right - left, PLOT_HEIGHT / height))
    ax.set_xlim(0, x_max * 1.02)
    ax.set_ylim(0, 1.03)
    per_point = _per_point(ax, fig)

    for i, result in enumerate(results):
        colour = COLOURS[i % len(COLOURS)]
        if not result.estimable:
            ax.plot([], [], color=colour, label=f"{result.label} (n={result.n}): {result.message}")
            continue
        _draw_curve(
            ax,
            result,
            colour,
            _legend(result),
            per_point,
            linewidth=1.8,
            marker_size=7,
            marker_width=1.2,
        )

    # A long title starts at the left edge rather than over the axis, so that it fits.
    fig.text(left if len(title) <= 55 else 0.02, 1 - 0.25 / height, title, fontsize=11, va="center")
    ax.set_xlabel(time_label)
    ax.set_ylabel("Survival probability")
    ax.set_xticks(ticks)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if results:
        # Above the plot, where it cannot hide a curve.
        ax.legend(
            loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, frameon=False, borderaxespad=0.2
        )

    _at_risk_table(fig, ax, results, ticks, height, table_height)

    return figure_svg(fig, title)


def default_ticks(longest: float) -> list[float]:
    """Round month steps (6, 12, 24...) covering the follow-up in at most MAX_TICKS steps."""
    step = next((s for s in NICE_STEPS if longest / s <= MAX_TICKS), NICE_STEPS[-1])
    count = int(longest // step) + 1
    return [float(step * i) for i in range(count)]


def _legend(result: KMResult) -> str:
    median = "median not reached" if result.median is None else f"median {result.median:.1f}"
    return f"{result.label} (n={result.n}, {result.events} events, {median})"


def _at_risk_table(fig, ax, results, ticks, height, table_height) -> None:
    # x in data units, so the counts sit under the ticks; y as a fraction of the figure.
    under_ticks = blended_transform_factory(ax.transData, fig.transFigure)
    heading_y = (table_height - ROW * 0.6) / height
    fig.text(
        0.02, heading_y, "Number at risk", fontsize=9, fontweight="bold", va="center", gid="at-risk"
    )
    for i, result in enumerate(results):
        y = (table_height - ROW * (i + 1.6)) / height
        colour = COLOURS[i % len(COLOURS)]
        fig.text(
            0.02, y, _short(result.label), va="center", fontsize=8, color=colour, gid=f"at-risk-{i}"
        )
        for j, count in enumerate(result.numbers_at_risk(ticks)):
            ax.text(
                ticks[j],
                y,
                str(count),
                transform=under_ticks,
                ha="center",
                va="center",
                fontsize=8,
                gid=f"at-risk-{i}-{j}",
            )


def _short(label: str, limit: int = 20) -> str:
    """Row labels share the left margin with nothing else only up to about this length."""
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def small_km_svg(
    curves: Sequence[KMResult], *, title: str, time_label: str = "Months from recurrence"
) -> str:
    """A Kaplan-Meier chart sized for a side panel (about 360 pixels wide, readable without
    scaling): the same colours, bands and censoring marks as km_svg,
    with a shorter legend and the numbers at risk under the axis."""

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
    ax.set_xlim(0, max([longest, *ticks, 1.0]) * 1.03)
    ax.set_ylim(0, 1.03)
    per_point = _per_point(ax, fig)
    for i, km in enumerate(curves):
        colour = COLOURS[i % len(COLOURS)]
        if not km.estimable:
            ax.plot([], [], color=colour, label=f"{km.label} (n={km.n}): too few to estimate")
            continue
        _draw_curve(
            ax,
            km,
            colour,
            f"{km.label} (n={km.n})",
            per_point,
            linewidth=1.6,
            marker_size=5,
            marker_width=1,
        )
    fig.text(0.02, 1 - 0.17 / height, title, fontsize=8, va="center")
    ax.set_xticks(ticks)
    ax.set_yticks([0, 0.5, 1.0])
    ax.tick_params(labelsize=7.5)
    ax.set_xlabel(time_label, fontsize=7.5, labelpad=1)
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


def message_svg(text: str, *, title: str) -> str:
    """A panel-sized image that says why there is no chart (too few patients), so that the
    chart's URL always answers with an image."""
    fig = Figure(figsize=(3.8, 1.2))
    FigureCanvasSVG(fig)
    fig.text(0.02, 0.8, title, fontsize=8, va="center")
    fig.text(0.02, 0.4, text, fontsize=7.5, va="center", wrap=True, gid="message")
    return figure_svg(fig, title)
