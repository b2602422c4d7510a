"""Log-rank test: two and three groups worked by hand, Freireich 1963, and too-small input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.survival import logrank
from tests.survival.freireich import MP_EVENTS, MP_TIMES, PLACEBO_EVENTS, PLACEBO_TIMES


def test_two_groups_by_hand():
    # A: deaths at 2 and 4, censored at 6. B: deaths at 3, 5 and 7.
    #   time  at risk A, B  deaths  expected in A  variance (nA nB d (n - d)) / (n^2 (n - 1))
    #      2     3, 3        1 (A)    3/6            1/4
    #      3     2, 3        1 (B)    2/5            6/25
    #      4     2, 2        1 (A)    2/4            1/4
    #      5     1, 2        1 (B)    1/3            2/9
    #      7     0, 1        1 (B)    0              0
    # O - E = 2 - 26/15 = 4/15; V = 866/900; chi-square = (4/15)^2 / (866/900) = 64/866.
    result = logrank({"A": ([2, 4, 6], [1, 1, 0]), "B": ([3, 5, 7], [1, 1, 1])})
    chi_square = 64 / 866
    assert result.statistic == pytest.approx(chi_square, rel=1e-12)
    assert result.df == 1
    # On one degree of freedom, P(X > x) = erfc(sqrt(x / 2)).
    assert result.p == pytest.approx(math.erfc(math.sqrt(chi_square / 2)), rel=1e-12)
    assert result.p == pytest.approx(0.78574, abs=1e-5)
    assert result.message is None


def test_three_groups_by_hand():
    # A: deaths at 1 and 4. B: death at 2, censored at 3. C: deaths at 3 and 5.
    # Observed (A, B, C) = (2, 1, 2); expected = (77/60, 59/60, 164/60).
    # Z = O - E for A and B = (43/60, 1/60); their covariance, times 3600:
    # [[2951, -913], [-913, 2339]]. Chi-square = Z' V^-1 Z = 4406280 / 6068820 on 2 df,
    # where P(X > x) = exp(-x / 2).
    result = logrank({"A": ([1, 4], [1, 1]), "B": ([2, 3], [1, 0]), "C": ([3, 5], [1, 1])})
    chi_square = 4406280 / 6068820
    assert result.statistic == pytest.approx(chi_square, rel=1e-12)
    assert result.df == 2
    assert result.p == pytest.approx(math.exp(-chi_square / 2), rel=1e-12)


def test_freireich_textbook_value():
    # 6-MP against placebo: chi-square 16.79 on 1 df (Kleinbaum and Klein, Survival
    # Analysis, chapter 2; R survdiff gives 16.8, p = 4e-05).
    result = logrank({"6-MP": (MP_TIMES, MP_EVENTS), "Placebo": (PLACEBO_TIMES, PLACEBO_EVENTS)})
    assert result.statistic == pytest.approx(16.793, abs=5e-4)
    assert result.p == pytest.approx(4.17e-5, rel=1e-2)
    assert result.groups == ("6-MP", "Placebo")


def test_one_group_is_too_few():
    result = logrank({"A": ([1, 2, 3], [1, 1, 0])})
    assert result.p is None
    assert result.message == "needs at least two groups of patients (got 1)."


def test_an_empty_group_is_named():
    result = logrank({"A": ([1, 2], [1, 0]), "B": ([], [])})
    assert result.p is None
    assert result.message == "no patients in group 'B'."


def test_no_events_anywhere_gives_a_message():
    result = logrank({"A": ([1, 2], [0, 0]), "B": ([3], [0])})
    assert (result.statistic, result.p) == (None, None)
    assert result.message == "no events in any group, so nothing to compare."


def test_no_shared_follow_up_gives_a_message():
    # B leaves follow-up before A's only death, so no death can be compared.
    result = logrank({"A": ([5, 6], [1, 0]), "B": ([1, 2], [0, 0])})
    assert result.p is None
    assert result.message == "no event happened while two groups were both under follow-up."


def test_one_patient_per_group_is_enough_for_the_test():
    result = logrank({"A": ([2], [1]), "B": ([3], [1])})
    # At 2: both at risk, A dies; expected in A 1/2, variance 1/4: chi-square 1.
    assert result.statistic == pytest.approx(1.0)


def test_results_are_plain_python_data():
    data = logrank({"A": ([2], [1]), "B": ([3], [1])}).as_dict()
    assert data == {
        "groups": ["A", "B"],
        "statistic": pytest.approx(1.0),
        "df": 1,
        "p": pytest.approx(math.erfc(math.sqrt(0.5))),
        "message": None,
    }
    assert type(data["p"]) is float


group = st.lists(
    st.tuples(st.integers(0, 10).map(lambda x: x / 2), st.integers(0, 1)), min_size=1, max_size=25
)


@settings(max_examples=60, deadline=None)
@given(st.lists(group, min_size=2, max_size=4))
def test_the_numpy_path_equals_lifelines(groups):
    data = {f"g{i}": ([t for t, _ in rows], [e for _, e in rows]) for i, rows in enumerate(groups)}
    slow = logrank(data, method="lifelines")
    fast = logrank(data, method="numpy")
    assert fast.message == slow.message
    assert fast.df == slow.df
    if slow.statistic is not None:
        assert fast.statistic == pytest.approx(slow.statistic, rel=1e-9, abs=1e-12)
        assert fast.p == pytest.approx(slow.p, rel=1e-9, abs=1e-12)


def test_a_group_nobody_in_which_is_at_risk_at_a_death_is_left_out_and_said():
    # C's only patient leaves follow-up before the first death: C carries no information,
    # and kept in it would make the statistic hang on rounding (lifelines gives 3.54 here,
    # against 3.67 for the two informative groups). Both paths leave it out.
    a = ([0.5], [1])
    b = ([0.5] * 11 + [1.0, 1.5], [0] * 9 + [1, 1, 1, 1])
    two = logrank({"A": a, "B": b}, method="lifelines")
    assert two.statistic == pytest.approx(3.6666666666666)
    for method in ("lifelines", "numpy"):
        three = logrank({"A": a, "B": b, "C": ([0.0], [0])}, method=method)
        assert three.statistic == pytest.approx(two.statistic, rel=1e-9)
        assert (three.df, three.p) == (1, pytest.approx(two.p))
        assert three.message == "left out of the test, nobody at risk at any death: 'C'."
