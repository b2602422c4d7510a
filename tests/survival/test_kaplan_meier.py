"""Kaplan-Meier against the 6-MP arm of Freireich 1963, worked by hand, and the edge cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.survival import LARGE_COHORT, InvalidSurvivalData, analyse, kaplan_meier
from tests.survival.freireich import MP_EVENTS, MP_TIMES, PLACEBO_EVENTS, PLACEBO_TIMES

# The product-limit estimate by hand: at each death time, (at risk - deaths) / at risk.
# Censored at 6 and at 10 counts as at risk at 6 and at 10.
#   time  at risk  deaths
#      6       21       3
#      7       17       1
#     10       15       1
#     13       12       1
#     16       11       1
#     22        7       1
#     23        6       1
S6 = 18 / 21
S7 = S6 * 16 / 17
S10 = S7 * 14 / 15
S13 = S10 * 11 / 12
S16 = S13 * 10 / 11
S22 = S16 * 6 / 7
S23 = S22 * 5 / 6


def mp(**kwargs):
    return kaplan_meier(MP_TIMES, MP_EVENTS, label="6-MP", **kwargs)


def test_it_gives_the_product_limit_estimate_at_each_death():
    result = mp(at=[6, 7, 10, 13, 16, 22, 23])
    assert [p.survival for p in result.at] == pytest.approx([S6, S7, S10, S13, S16, S22, S23])
    assert result.at[-1].survival == pytest.approx(0.448179, abs=1e-6)


def test_the_curve_steps_only_at_deaths_and_holds_between():
    result = mp()
    assert result.survival_at(0) == 1.0
    assert result.survival_at(5.99) == 1.0
    assert result.survival_at(9) == pytest.approx(S7)
    assert result.survival_at(21.5) == pytest.approx(S16)
    assert result.survival_at(35) == pytest.approx(S23)
    assert result.n == 21
    assert result.events == 9


def test_the_median_is_the_first_time_survival_is_at_or_below_one_half():
    # S(22) = 0.538 > 0.5, S(23) = 0.448.
    assert mp().median == 23.0
    placebo = kaplan_meier(PLACEBO_TIMES, PLACEBO_EVENTS)
    # No censoring: S(5) = 12/21 = 0.571, S(8) = 8/21 = 0.381.
    assert placebo.median == 8.0


def test_the_confidence_interval_is_greenwood_on_the_log_log_scale():
    # At 6: Greenwood's sum d / (n (n - d)) = 3 / (21 * 18) = 0.0079365; log S = -0.154151;
    # se of log(-log S) = sqrt(0.0079365) / 0.154151 = 0.577922; bounds S ** exp(-+1.96 * se)
    # = S ** 3.10414 and S ** 0.322151.
    (point,) = mp(at=[6]).at
    assert point.ci_low == pytest.approx(0.61972, abs=5e-5)
    assert point.ci_high == pytest.approx(0.95155, abs=5e-5)


def test_the_median_interval_is_where_the_bands_cross_one_half():
    # Lower band at 10-12.99: sum 0.0163749, log S = -0.283750, S ** 2.42028 = 0.50320 > 0.5;
    # at 13: sum 0.0239507, log S = -0.370780, S ** 2.26620 = 0.43161. The upper band
    # never falls to 0.5 (0.680 at the end), so the upper limit is not reached.
    result = mp(at=[12, 13])
    assert [p.ci_low for p in result.at] == pytest.approx([0.50320, 0.43161], abs=5e-5)
    assert result.median_ci == (13.0, None)


def test_numbers_at_risk_count_everyone_followed_that_long():
    result = mp(at=[0, 6, 7, 10, 20, 30, 35, 40])
    assert [p.at_risk for p in result.at] == [21, 21, 17, 15, 8, 4, 1, 0]
    assert result.numbers_at_risk([0, 10, 20, 30]) == [21, 15, 8, 4]


def test_survival_past_the_last_follow_up_is_unknown_unless_already_zero():
    (beyond,) = mp(at=[40]).at
    assert (beyond.survival, beyond.ci_low, beyond.ci_high) == (None, None, None)
    (after_last_death,) = kaplan_meier(PLACEBO_TIMES, PLACEBO_EVENTS, at=[30]).at
    assert after_last_death.survival == 0.0


def test_censoring_times_are_kept_for_the_chart():
    assert mp().censor_times == (6.0, 9.0, 10.0, 11.0, 17.0, 19.0, 20.0, 25.0, 32.0, 34.0, 35.0)
    assert mp().censor_survival()[:3] == pytest.approx([S6, S7, S10])


def test_ties_of_deaths_and_censorings_count_the_censored_as_at_risk():
    # Four patients: two die at 2, one is censored at 2, one dies at 4.
    # S(2) = (4 - 2) / 4 = 0.5; at 4 one patient is left and dies: S(4) = 0.
    result = kaplan_meier([2, 2, 2, 4], [1, 1, 0, 1], at=[2, 4])
    assert [p.survival for p in result.at] == [0.5, 0.0]
    assert result.median == 2.0
    assert [p.at_risk for p in result.at] == [4, 1]


def test_all_censored_stays_at_one_with_no_median():
    result = kaplan_meier([3, 5, 8], [0, 0, 0], at=[4, 8])
    assert result.events == 0
    assert result.message is None
    assert set(result.survival) == {1.0}
    assert result.median is None
    assert result.median_ci == (None, None)
    assert [(p.survival, p.ci_low, p.ci_high) for p in result.at] == [(1.0, 1.0, 1.0)] * 2


def test_one_patient_gets_a_message_not_an_estimate():
    result = kaplan_meier([7], [1], at=[3])
    assert result.message == "Too few patients to estimate (n=1)."
    assert not result.estimable
    assert (result.n, result.events, result.median, result.survival) == (1, 1, None, ())
    assert result.at[0].survival is None
    assert result.at[0].at_risk == 1


def test_no_patients_gets_a_message():
    result = kaplan_meier([], [], at=[12])
    assert result.message == "No patients."
    assert (result.n, result.events) == (0, 0)
    assert result.at[0].at_risk == 0


def test_results_are_plain_python_data():
    data = mp(at=[12]).as_dict()
    for value in _leaves(data):
        assert value is None or type(value) in (str, int, float, bool), type(value)
    assert data["median_ci"] == [13.0, None]
    assert data["at"][0] == {
        "time": 12.0,
        "survival": pytest.approx(S10),
        "ci": [pytest.approx(0.50320, abs=5e-5), pytest.approx(0.88936, abs=5e-5)],
        "at_risk": 12,
    }


@pytest.mark.parametrize(
    ("durations", "events", "column", "code"),
    [
        ([1, -2, 3], [1, 0, 1], "durations", "negative_time"),
        ([1, 2, 3], [1, 2, 1], "events", "bad_event"),
        ([1, float("nan"), 3], [1, 0, 1], "durations", "missing_value"),
        ([1, 2, 3], [1, None, 1], "events", "missing_value"),
        ([1, "soon", 3], [1, 0, 1], "durations", "not_a_number"),
        ([1, 2], [1, 0, 1], "events", "length_mismatch"),
    ],
)
def test_malformed_input_is_refused_naming_the_column(durations, events, column, code):
    with pytest.raises(InvalidSurvivalData) as caught:
        kaplan_meier(durations, events)
    assert caught.value.column == column
    assert caught.value.code == code
    assert column in str(caught.value)


def test_a_bad_report_time_is_refused():
    with pytest.raises(InvalidSurvivalData) as caught:
        mp(at=[-1])
    assert caught.value.code == "bad_time"


def test_booleans_are_events():
    assert kaplan_meier([1, 2, 3], [True, False, True]).events == 2


def test_counting_tied_rows_gives_lifelines_own_estimate_on_the_raw_rows():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(5)
    t = rng.integers(0, 30, 400) / 2
    e = rng.integers(0, 2, 400)
    raw = KaplanMeierFitter().fit(t, e)
    ours = kaplan_meier(t, e, method="lifelines")
    assert ours.times == tuple(raw.timeline)
    assert ours.survival == pytest.approx(raw.survival_function_.iloc[:, 0].tolist(), abs=1e-12)
    assert ours.ci_low == pytest.approx(raw.confidence_interval_.iloc[:, 0].tolist(), abs=1e-12)
    assert ours.ci_high == pytest.approx(raw.confidence_interval_.iloc[:, 1].tolist(), abs=1e-12)
    assert ours.median == raw.median_survival_time_
    table = raw.event_table
    assert ours.numbers_at_risk(table.index) == table["at_risk"].astype(int).tolist()


follow_ups = st.lists(
    st.tuples(st.integers(0, 12).map(lambda x: x / 2), st.integers(0, 1)), min_size=2, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(follow_ups, st.sampled_from([0.05, 0.1]))
def test_the_numpy_path_equals_lifelines(rows, alpha):
    t, e = [r[0] for r in rows], [r[1] for r in rows]
    at = [0, 1.5, 3, 6, 10]
    slow = kaplan_meier(t, e, at=at, alpha=alpha, method="lifelines")
    fast = kaplan_meier(t, e, at=at, alpha=alpha, method="numpy")
    assert fast.times == slow.times
    for field in ("survival", "ci_low", "ci_high"):
        assert getattr(fast, field) == pytest.approx(getattr(slow, field), abs=1e-12)
    assert (fast.median, fast.median_ci) == (slow.median, slow.median_ci)
    assert _close([p.as_dict() for p in fast.at], [p.as_dict() for p in slow.at])


def test_a_large_cohort_takes_the_numpy_path_with_the_same_figures():
    rng = np.random.default_rng(9)
    size = LARGE_COHORT + 1000
    frame = pd.DataFrame(
        {
            "months": np.ceil(rng.exponential(900, size)) / 30.4375,
            "died": rng.integers(0, 2, size),
            "arm": rng.choice(["a", "b"], size),
        }
    )
    auto = analyse(frame, "months", "died", "arm", at=[12, 24])
    slow = analyse(frame, "months", "died", "arm", at=[12, 24], method="lifelines")
    assert _close(auto.report(), slow.report())
    for a, b in zip(auto.groups, slow.groups, strict=True):
        assert a.survival == pytest.approx(b.survival, abs=1e-12)
    assert auto.logrank.statistic == pytest.approx(slow.logrank.statistic, rel=1e-9)


def _close(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value
