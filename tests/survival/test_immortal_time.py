"""Treatments given after time zero: the landmark comparison, the time-dependent Cox model
and the naive "ever treated" comparison of evidence.survival, against lifelines computed
here, against partial likelihoods worked by hand, and against the bias they remove."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter, CoxTimeVaryingFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test

from evidence.survival import (
    InvalidSurvivalData,
    counting_process,
    landmark_comparison,
    naive_cox,
    time_dependent_cox,
)
from tests.survival import stanford


@pytest.fixture(scope="module")
def heart() -> pd.DataFrame:
    stanford.check()
    return stanford.per_patient()


def columns(frame: pd.DataFrame):
    return frame["months"], frame["died"], frame["transplant_months"]


class TestStanfordHeartTransplants:
    """Crowley & Hu's data: "ever transplanted" looks protective only because a patient had
    to live until a donor heart came; with transplant switching on at its date it is not."""

    def test_the_time_dependent_model_gives_lifelines_hazard_ratio_near_one(self, heart):
        long = stanford.intervals()
        fitted = CoxTimeVaryingFitter().fit(
            long[["id", "start", "stop", "event", "transplant"]],
            id_col="id",
            event_col="event",
            start_col="start",
            stop_col="stop",
        )
        expected = np.exp(fitted.confidence_intervals_.loc["transplant"].to_numpy())
        for method in ("lifelines", "numpy"):
            effect = time_dependent_cox(*columns(heart), method=method)
            assert effect.hazard_ratio == pytest.approx(np.exp(fitted.params_["transplant"]), 1e-6)
            assert [effect.ci_low, effect.ci_high] == pytest.approx(expected, rel=1e-5)
            assert effect.p == pytest.approx(fitted.summary.loc["transplant", "p"], rel=1e-4)
            assert (effect.n, effect.events, effect.intervals) == (103, 75, 172)
        assert round(effect.hazard_ratio, 2) == 1.14  # literature-facts.md, crowley-1977
        assert (round(effect.ci_low, 2), round(effect.ci_high, 2)) == (0.63, 2.05)
        assert effect.ci_low < 1 < effect.ci_high
        assert not effect.biased

    def test_the_naive_comparison_shows_the_spurious_benefit(self, heart):
        months, died, transplant = columns(heart)
        fixed = pd.DataFrame({"t": months, "e": died, "ever": transplant.notna().astype(int)})
        fitted = CoxPHFitter().fit(fixed, "t", "e", fit_options={"precision": 1e-12})
        effect = naive_cox(months, died, transplant)
        assert effect.hazard_ratio == pytest.approx(np.exp(fitted.params_["ever"]), rel=1e-6)
        assert effect.p == pytest.approx(fitted.summary.loc["ever", "p"], rel=1e-3)
        assert round(effect.hazard_ratio, 2) == 0.27 and effect.p < 1e-7
        assert effect.biased and effect.kind == "naive"

    @pytest.mark.parametrize("landmark", [1, 2, 3])
    def test_the_landmark_figures_equal_lifelines_on_the_patients_alive_then(self, heart, landmark):
        months, died, transplant = columns(heart)
        at_landmark = heart[months > landmark]
        by_then = at_landmark["transplant_months"] <= landmark
        after = at_landmark["months"] - landmark
        result = landmark_comparison(months, died, transplant, landmark, at=[6, 12])

        gone = heart[months <= landmark]
        assert (result.excluded_died, result.excluded_censored) == (
            int(gone["died"].sum()),
            int((gone["died"] == 0).sum()),
        )
        assert (result.treated.n, result.untreated.n) == (by_then.sum(), (~by_then).sum())
        for km, rows in ((result.treated, by_then), (result.untreated, ~by_then)):
            fitter = KaplanMeierFitter().fit(after[rows], at_landmark["died"][rows])
            assert km.median == pytest.approx(fitter.median_survival_time_)
            for point in km.at:
                assert point.survival == pytest.approx(
                    float(fitter.survival_function_at_times(point.time).iloc[0])
                )
        test = logrank_test(
            after[by_then],
            after[~by_then],
            at_landmark["died"][by_then],
            at_landmark["died"][~by_then],
        )
        assert result.logrank.p == pytest.approx(test.p_value, rel=1e-6)
        cox = CoxPHFitter().fit(
            pd.DataFrame({"t": after, "e": at_landmark["died"], "x": by_then.astype(int)}),
            "t",
            "e",
            fit_options={"precision": 1e-12},
        )
        assert result.effect.hazard_ratio == pytest.approx(np.exp(cox.params_["x"]), rel=1e-6)
        assert [result.effect.ci_low, result.effect.ci_high] == pytest.approx(
            np.exp(cox.confidence_intervals_.loc["x"].to_numpy()), rel=1e-5
        )

    def test_the_landmark_figures_at_one_two_and_three_months(self, heart):
        found = {landmark: landmark_comparison(*columns(heart), landmark) for landmark in (1, 2, 3)}
        # Who is left and how they split, counted from the data.
        assert [(r.n, r.treated.n, r.excluded_died) for r in found.values()] == [
            (79, 33, 23),
            (64, 45, 36),
            (51, 40, 49),
        ]
        for result in found.values():
            assert result.effect.ci_low < 1 < result.effect.ci_high
            assert result.logrank.p > 0.05


class TestByHand:
    """Four patients whose partial likelihoods can be written out.

    A: treated at 0.5, dies at 1. B: untreated, dies at 2. C: treated at 1.2, censored at 3.
    D: followed for no time at all (a zero-length interval, dropped).
    Time-dependent, u = exp(beta): at t=1 A (treated) dies among A, B, C (untreated then):
    u / (u + 2); at t=2 B dies among B and C (treated now): 1 / (1 + u). The score
    1 - u/(u+2) - u/(u+1) = 0 gives u^2 = 2, HR = sqrt(2).
    Naive, C counts as treated from the start: at t=1 u / (2u + 1), at t=2 1 / (1 + u):
    1 - 2u/(2u+1) - u/(u+1) = 0 gives 2u^2 = 1, HR = 1/sqrt(2).
    """

    months = [1.0, 2.0, 3.0, 0.0]
    died = [1, 1, 0, 0]
    treated = [0.5, None, 1.2, None]

    @pytest.mark.parametrize("method", ["lifelines", "numpy"])
    def test_the_time_dependent_hazard_ratio_and_its_error(self, method):
        effect = time_dependent_cox(self.months, self.died, self.treated, method=method)
        u = math.sqrt(2)
        assert effect.hazard_ratio == pytest.approx(u, rel=1e-6)
        # Information: u*2/(u+2)^2 + u/(u+1)^2; the CI is exp(beta +/- 1.96 / sqrt(I)).
        se = 1 / math.sqrt(2 * u / (u + 2) ** 2 + u / (u + 1) ** 2)
        assert effect.ci_high == pytest.approx(u * math.exp(1.959963984540054 * se), rel=1e-5)
        assert (effect.n, effect.events, effect.intervals) == (3, 2, 5)

    @pytest.mark.parametrize("method", ["lifelines", "numpy"])
    def test_the_naive_hazard_ratio(self, method):
        effect = naive_cox(self.months, self.died, self.treated, method=method)
        assert effect.hazard_ratio == pytest.approx(1 / math.sqrt(2), rel=1e-6)

    def test_efron_ties_by_hand(self):
        """Two deaths at t=1 among four patients, one treated (T1, dies) and three not (one
        dies); then nothing. Efron: L = u / (u + 3) * 1 / ((u + 3) - (u + 1) / 2)."""
        effect = time_dependent_cox(
            [1, 1, 2, 2], [1, 1, 0, 0], [0, None, None, None], method="numpy"
        )
        beta = math.log(effect.hazard_ratio)

        def loglik(b):
            u = math.exp(b)
            return b - math.log(u + 3) - math.log((u + 3) - (u + 1) / 2)

        grid = np.linspace(beta - 0.5, beta + 0.5, 201)
        assert loglik(beta) >= max(loglik(b) for b in grid) - 1e-12
        lifelines_effect = time_dependent_cox(
            [1, 1, 2, 2], [1, 1, 0, 0], [0, None, None, None], method="lifelines"
        )
        assert effect.hazard_ratio == pytest.approx(lifelines_effect.hazard_ratio, rel=1e-6)


class TestIntervals:
    def test_treatment_splits_follow_up_in_two(self):
        rows = counting_process([10, 8], [1, 0], [4, None])
        assert rows.to_dict("list") == {
            "patient": [0, 0, 1],
            "start": [0.0, 4.0, 0.0],
            "stop": [4.0, 10.0, 8.0],
            "event": [0, 1, 0],
            "treated": [0.0, 1.0, 0.0],
        }

    def test_a_treatment_at_the_event_time_counts_as_after_it(self):
        at_death = counting_process([10], [1], [10])
        assert at_death.to_dict("list") == counting_process([10], [1], [None]).to_dict("list")
        assert at_death["treated"].tolist() == [0.0]

    def test_zero_length_intervals_are_dropped(self):
        rows = counting_process([5, 0], [1, 1], [0, None])
        assert rows.to_dict("list") == {
            "patient": [0],
            "start": [0.0],
            "stop": [5.0],
            "event": [1],
            "treated": [1.0],
        }

    def test_a_treatment_after_the_end_of_follow_up_names_the_row(self):
        with pytest.raises(InvalidSurvivalData, match="Row 2") as raised:
            time_dependent_cox([10, 8], [1, 0], [4, 9], method="numpy")
        assert raised.value.code == "treated_after_follow_up"

    @pytest.mark.parametrize(
        ("value", "code"), [(-1, "bad_treatment_time"), ("soon", "not_a_number")]
    )
    def test_a_bad_treatment_time_is_refused(self, value, code):
        with pytest.raises(InvalidSurvivalData) as raised:
            landmark_comparison([10, 8], [1, 0], [value, None], 6)
        assert raised.value.code == code and "row 1" in str(raised.value)

    def test_blank_text_means_untreated(self):
        assert counting_process([3], [1], [" "])["treated"].tolist() == [0.0]

    def test_a_treatment_after_the_landmark_counts_as_none(self):
        result = landmark_comparison([10, 10, 12, 12], [1, 0, 1, 0], [2, 7, None, 2], 6)
        assert (result.treated.n, result.untreated.n) == (2, 2)

    def test_too_few_to_compare_gives_a_message_not_an_error(self):
        effect = time_dependent_cox([3, 4, 5], [1, 0, 1], [None, None, None])
        assert effect.hazard_ratio is None and "Nobody was treated" in effect.message
        effect = time_dependent_cox([3, 4, 5], [0, 1, 1], [1, None, None])
        assert "No event while treated" in effect.message


def no_effect_cohort(seed: int, n: int = 1000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Death at a constant hazard (median 24 months), censoring at 0-60 months, and a
    treatment that changes nothing, given at a random time (mean 6 months) to those still
    followed then, about half of them."""
    rng = np.random.default_rng(seed)
    death = rng.exponential(24 / math.log(2), n)
    censor = rng.uniform(0, 60, n)
    months = np.minimum(death, censor)
    died = (death <= censor).astype(int)
    planned = rng.exponential(6, n)
    treated = np.where((rng.random(n) < 0.6) & (planned < months), planned, np.nan)
    return months, died, treated


class TestNoEffectTreatment:
    @pytest.mark.parametrize("seed", range(5))
    def test_the_naive_hazard_ratio_is_biased_and_the_time_dependent_one_is_not(self, seed):
        months, died, treated = no_effect_cohort(seed)
        naive = naive_cox(months, died, treated)
        unbiased = time_dependent_cox(months, died, treated)
        assert naive.hazard_ratio < 0.8
        assert unbiased.ci_low < 1 < unbiased.ci_high

    @pytest.mark.parametrize("seed", range(3))
    def test_the_numpy_fit_equals_lifelines(self, seed):
        months, died, treated = no_effect_cohort(seed, n=400)
        months, treated = np.round(months, 1), np.round(treated, 1)  # ties, for Efron
        treated = np.where(treated <= months, treated, np.nan)
        for compare in (time_dependent_cox, naive_cox):
            fast = compare(months, died, treated, method="numpy")
            slow = compare(months, died, treated, method="lifelines")
            assert fast.method == "numpy" and slow.method == "lifelines"
            assert fast.hazard_ratio == pytest.approx(slow.hazard_ratio, rel=1e-5)
            assert [fast.ci_low, fast.ci_high] == pytest.approx([slow.ci_low, slow.ci_high], 1e-5)
            assert fast.p == pytest.approx(slow.p, rel=1e-4, abs=1e-9)

    def test_large_cohorts_take_the_numpy_path(self):
        months, died, treated = no_effect_cohort(0, n=1500)
        assert time_dependent_cox(months, died, treated).method == "numpy"
        assert time_dependent_cox(months[:300], died[:300], treated[:300]).method == "lifelines"

    @pytest.mark.parametrize("seed", range(2))
    def test_the_numpy_fit_with_fixed_covariates_equals_lifelines(self, seed):
        months, died, treated = no_effect_cohort(seed, n=300)
        rng = np.random.default_rng(seed + 100)
        extra = pd.DataFrame(
            {
                "age": rng.normal(6, 1, 300),
                "site": rng.choice(["a", "b", "c"], 300),
                "flag": rng.random(300) < 0.3,
            }
        )
        fast = time_dependent_cox(months, died, treated, extra, method="numpy")
        slow = time_dependent_cox(months, died, treated, extra, method="lifelines")
        assert fast.method == "numpy" and [t.name for t in fast.terms] == [
            t.name for t in slow.terms
        ]
        for a, b in zip(fast.terms, slow.terms, strict=True):
            assert a.hazard_ratio == pytest.approx(b.hazard_ratio, rel=1e-5)
            assert (a.ci_low, a.ci_high) == pytest.approx((b.ci_low, b.ci_high), rel=1e-5)
            assert a.p == pytest.approx(b.p, rel=1e-4, abs=1e-9)

    def test_fixed_covariates_are_adjusted_for_as_lifelines_does(self):
        months, died, treated = no_effect_cohort(1, n=300)
        rng = np.random.default_rng(9)
        extra = pd.DataFrame({"age": rng.normal(60, 10, 300), "site": rng.choice(["a", "b"], 300)})
        effect = time_dependent_cox(
            months, died, treated, extra, reference={"site": "a"}, method="lifelines"
        )
        rows = counting_process(months, died, treated)
        rows["age"] = extra["age"].to_numpy()[rows["patient"]]
        rows["site_b"] = (extra["site"].to_numpy()[rows["patient"]] == "b").astype(float)
        fitted = CoxTimeVaryingFitter().fit(
            rows, id_col="patient", event_col="event", start_col="start", stop_col="stop"
        )
        assert [t.name for t in effect.terms] == ["treated", "age", "site: b vs a"]
        assert [t.hazard_ratio for t in effect.terms] == pytest.approx(
            np.exp(fitted.params_[["treated", "age", "site_b"]].to_numpy()), rel=1e-5
        )


class TestRescaling:
    @settings(max_examples=15, deadline=None)
    @given(
        scale=st.sampled_from([1 / 7, 0.5, 12.0, 30.4375, 365.25]),
        seed=st.integers(0, 10_000),
        landmark=st.sampled_from([1.0, 3.0, 6.0]),
    )
    def test_landmark_results_do_not_depend_on_the_unit_of_time(self, scale, seed, landmark):
        months, died, treated = no_effect_cohort(seed, n=200)
        plain = landmark_comparison(months, died, treated, landmark, at=[6, 12])
        scaled = landmark_comparison(
            months * scale, died, treated * scale, landmark * scale, at=[6 * scale, 12 * scale]
        )
        assert (scaled.n, scaled.excluded_died, scaled.excluded_censored) == (
            plain.n,
            plain.excluded_died,
            plain.excluded_censored,
        )
        assert (scaled.treated.n, scaled.untreated.events) == (
            plain.treated.n,
            plain.untreated.events,
        )
        assert scaled.effect.hazard_ratio == pytest.approx(plain.effect.hazard_ratio, rel=1e-6)
        assert scaled.effect.ci_high == pytest.approx(plain.effect.ci_high, rel=1e-6)
        assert scaled.logrank.p == pytest.approx(plain.logrank.p, rel=1e-6)
        for a, b in ((plain.treated, scaled.treated), (plain.untreated, scaled.untreated)):
            assert [p.survival for p in b.at] == pytest.approx([p.survival for p in a.at])
            if a.median is not None:
                assert b.median == pytest.approx(a.median * scale)
