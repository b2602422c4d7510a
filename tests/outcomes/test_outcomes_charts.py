"""Censoring marks on the Kaplan-Meier charts: one per place they can be seen, so that a
large cohort's chart has a bounded number of them, while a small cohort's keeps every mark."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest

from evidence.survival import kaplan_meier
from outcomes.charts import COLOURS, band_corners, km_svg, small_km_svg, thin_marks

SVG = "{http://www.w3.org/2000/svg}"


def marks(svg: str, colour: str = COLOURS[0]) -> int:
    """Censoring marks of the curve in `colour`: markers filled and stroked in it (the
    axis ticks are black and the band is filled only)."""
    style = f"fill: {colour.lower()}; stroke: {colour.lower()}"
    uses = ET.fromstring(svg).iter(f"{SVG}use")
    return sum(use.get("style", "").startswith(style) for use in uses)


@pytest.fixture(scope="module")
def large():
    """20,000 patients followed up to five years, in months to two places as the cohort
    has them, about seven in ten censored: thousands of distinct censoring times."""
    rng = np.random.default_rng(20_000)
    times = rng.uniform(0, 60, 20_000).round(2)
    events = (rng.uniform(size=20_000) < 0.3).astype(int)
    return kaplan_meier(times, events, label="All")


def step_at(times, values, t):
    """The value of a step="post" function drawn through (times, values) at time t."""
    return values[int(np.searchsorted(times, t, side="right")) - 1]


class TestBandCorners:
    def test_only_points_where_an_edge_moves_stay(self):
        kept = band_corners([0, 1, 2, 3, 4], [1, 1, 0.8, 0.8, 0.8], [1, 1, 0.9, 0.9, 0.95])
        assert kept == ([0, 2, 4], [1, 0.8, 0.8], [1, 0.9, 0.95])

    def test_the_last_point_ends_the_band(self):
        assert band_corners([0, 1, 2], [1, 1, 1], [1, 1, 1]) == ([0, 2], [1, 1], [1, 1])

    def test_a_large_cohorts_band_is_the_same_shape_with_fewer_corners(self, large):
        times, low, high = band_corners(large.times, large.ci_low, large.ci_high)
        assert len(times) < len(large.times) * 0.7
        for t, lo, hi in zip(large.times, large.ci_low, large.ci_high, strict=True):
            assert step_at(times, low, t) == lo and step_at(times, high, t) == hi
        assert times[-1] == large.times[-1]


class TestThinMarks:
    def test_marks_closer_than_the_gap_at_one_height_are_one(self):
        assert thin_marks([1.0, 1.1, 1.2, 1.3], [0.8] * 4, 0.5) == ([1.0, 1.3], [0.8, 0.8])

    def test_marks_a_gap_apart_all_stay(self):
        times = [1.0, 1.5, 2.0, 2.5]
        assert thin_marks(times, [0.8] * 4, 0.5) == (times, [0.8] * 4)

    def test_the_gap_is_counted_from_the_last_mark_kept(self):
        times = [0.0, 0.3, 0.6, 0.9, 1.2]
        assert thin_marks(times, [0.8] * 5, 0.5)[0] == [0.0, 0.6, 1.2]

    def test_marks_at_different_heights_all_stay(self):
        times, survival = [1.0, 1.01, 1.02, 1.03], [0.9, 0.8, 0.7, 0.6]
        assert thin_marks(times, survival, 0.5) == (times, survival)
        assert thin_marks(times, survival, 0.5, 0.05) == (times, survival)

    def test_marks_within_the_shift_in_height_are_one(self):
        times, survival = [1.0, 1.01, 1.02, 1.03], [0.9, 0.899, 0.898, 0.897]
        assert thin_marks(times, survival, 0.5) == (times, survival)
        assert thin_marks(times, survival, 0.5, 0.005) == ([1.0, 1.03], [0.9, 0.897])

    def test_the_first_and_the_last_are_kept(self):
        times = [0.0, 0.1, 0.2, 0.3, 0.4]
        assert thin_marks(times, [0.5] * 5, 10.0) == ([0.0, 0.4], [0.5, 0.5])
        assert thin_marks([2.0], [0.5], 10.0) == ([2.0], [0.5])

    def test_no_marks(self):
        assert thin_marks([], [], 0.5) == ([], [])
        assert thin_marks((), (), 0.5, 0.01) == ([], [])

    def test_every_mark_left_out_is_within_the_gaps_of_one_kept(self, large):
        gap, shift = 0.1, 0.003
        survival = large.censor_survival()
        kept_t, kept_s = (np.array(v) for v in thin_marks(large.censor_times, survival, gap, shift))
        assert len(kept_t) < len(large.censor_times) / 4
        for t, s in zip(large.censor_times, survival, strict=True):
            near = (np.abs(kept_t - t) < gap) & (np.abs(kept_s - s) <= shift)
            assert near.any(), (t, s)


class TestChartSize:
    def test_a_large_cohort_draws_a_bounded_number_of_marks(self, large):
        assert len(large.censor_times) > 5_000
        assert marks(small_km_svg([large], title="OS")) <= 500
        assert marks(km_svg([large], title="OS")) <= 800

    def test_each_curve_has_its_own_marks(self, large):
        other = replace(large, label="Other")
        svg = small_km_svg([large, other], title="OS")
        assert marks(svg, COLOURS[0]) == marks(svg, COLOURS[1]) <= 500

    @pytest.mark.parametrize(("draw", "limit"), [(small_km_svg, 60_000), (km_svg, 100_000)])
    def test_the_marks_add_a_bounded_number_of_bytes(self, large, draw, limit):
        """Measured against the same chart without marks, because the curve and its band
        keep a point at every distinct time, as before; drawn with every mark, the marks
        came to over 570,000 bytes."""
        with_marks = draw([large], title="OS")
        without = draw([replace(large, censor_times=())], title="OS")
        assert len(with_marks) - len(without) < limit

    def test_a_small_cohort_keeps_every_mark(self):
        times = list(range(1, 31))
        events = [i % 2 for i in range(30)]
        km = kaplan_meier(times, events, label="All")
        assert len(km.censor_times) == 15
        assert marks(small_km_svg([km], title="OS")) == 15
        assert marks(km_svg([km], title="OS")) == 15
