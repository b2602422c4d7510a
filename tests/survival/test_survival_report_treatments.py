"""`survival_report --treated-at`: landmark, time-dependent and naive comparisons of a
treatment given after time zero, on the Stanford heart transplant data (tests.survival.
stanford), checked against lifelines computed here."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, CoxTimeVaryingFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test

from tests.survival import stanford
from tests.survival.test_survival_report_command import in_process, survival_report, write_csv

GROUP_FIELDS = {"n", "events", "median", "median_ci", "at"}
EFFECT_FIELDS = {"hazard_ratio", "ci", "p", "n", "events"}


@pytest.fixture(scope="module")
def heart_csv(tmp_path_factory):
    stanford.check()
    return stanford.write_csv(tmp_path_factory.mktemp("stanford") / "heart.csv")


def arguments(path: str, *more: str) -> list[str]:
    return ["--csv", path, "--time", "months", "--event", "died", "--treated-at",
            "transplant_months", *more]  # fmt: skip


def test_the_stanford_data_give_lifelines_figures_in_the_exact_shape(heart_csv):
    done = survival_report(
        *arguments(heart_csv, "--landmark", "1", "--landmark", "2", "--landmark", "3",
                   "--time-dependent", "--naive", "--at", "6,12"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == {"groups", "logrank_p", "landmarks", "time_dependent", "naive"}
    assert list(report["landmarks"]) == ["1", "2", "3"]

    long = stanford.intervals()
    fitted = CoxTimeVaryingFitter().fit(
        long[["id", "start", "stop", "event", "transplant"]], id_col="id", event_col="event"
    )
    td = report["time_dependent"]
    assert set(td) == EFFECT_FIELDS
    assert td["hazard_ratio"] == pytest.approx(np.exp(fitted.params_["transplant"]), rel=1e-6)
    assert td["ci"] == pytest.approx(
        np.exp(fitted.confidence_intervals_.loc["transplant"].to_numpy()), rel=1e-5
    )
    assert td["p"] == pytest.approx(fitted.summary.loc["transplant", "p"], rel=1e-4)
    assert (td["n"], td["events"]) == (103, 75)
    assert td["ci"][0] < 1 < td["ci"][1] and round(td["hazard_ratio"], 1) == 1.1

    naive = report["naive"]
    assert set(naive) == EFFECT_FIELDS
    assert round(naive["hazard_ratio"], 2) == 0.27 and naive["p"] < 1e-7

    patients = stanford.per_patient()
    for key, landmark in (("1", 1), ("2", 2), ("3", 3)):
        found = report["landmarks"][key]
        assert set(found) == {"n", "excluded", "groups", "logrank_p", "hazard_ratio", "ci"}
        alive = patients[patients["months"] > landmark]
        gone = patients[patients["months"] <= landmark]
        assert found["n"] == len(alive)
        assert found["excluded"] == {
            "died": int(gone["died"].sum()),
            "censored": int((gone["died"] == 0).sum()),
        }
        treated = alive["transplant_months"] <= landmark
        after, died = alive["months"] - landmark, alive["died"]
        assert list(found["groups"]) == ["treated", "untreated"]
        for name, rows in (("treated", treated), ("untreated", ~treated)):
            group = found["groups"][name]
            assert set(group) == GROUP_FIELDS
            km = KaplanMeierFitter().fit(after[rows], died[rows])
            assert (group["n"], group["events"]) == (int(rows.sum()), int(died[rows].sum()))
            assert group["median"] == pytest.approx(km.median_survival_time_)
            for months in ("6", "12"):
                assert group["at"][months]["survival"] == pytest.approx(
                    float(km.survival_function_at_times(float(months)).iloc[0])
                )
        test = logrank_test(after[treated], after[~treated], died[treated], died[~treated])
        assert found["logrank_p"] == pytest.approx(test.p_value, rel=1e-6)
        cox = CoxPHFitter().fit(
            pd.DataFrame({"t": after, "e": died, "x": treated.astype(int)}),
            "t",
            "e",
            fit_options={"precision": 1e-12},
        )
        assert found["hazard_ratio"] == pytest.approx(np.exp(cox.params_["x"]), rel=1e-6)
        assert found["ci"] == pytest.approx(
            np.exp(cox.confidence_intervals_.loc["x"].to_numpy()), rel=1e-5
        )


def test_landmark_keys_are_as_written(heart_csv):
    code, out, err = in_process(*arguments(heart_csv, "--landmark", "1.50", "--landmark", "2"))
    assert code == 0, err
    report = json.loads(out)
    assert list(report["landmarks"]) == ["1.50", "2"]
    assert set(report) == {"groups", "logrank_p", "landmarks"}


def test_naive_is_only_there_when_asked(heart_csv):
    code, out, err = in_process(*arguments(heart_csv, "--time-dependent"))
    assert code == 0, err
    assert set(json.loads(out)) == {"groups", "logrank_p", "time_dependent"}


def test_a_treatment_after_the_end_of_follow_up_exits_2_naming_the_row(tmp_path):
    data = [(10, 1, 4), (8, 0, ""), (5, 1, 7)]
    path = write_csv(tmp_path, data, header=("months", "died", "surgery_months"))
    code, out, err = in_process(
        "--csv", path, "--time", "months", "--event", "died", "--treated-at", "surgery_months",
        "--time-dependent",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert "Row 3" in err and "'surgery_months'" in err and "after the end of follow-up" in err


def test_a_bad_treatment_time_is_refused_even_without_a_comparison(tmp_path):
    data = [(10, 1, "soon"), (8, 0, "")]
    path = write_csv(tmp_path, data, header=("months", "died", "surgery_months"))
    code, out, err = in_process(
        "--csv", path, "--time", "months", "--event", "died", "--treated-at", "surgery_months"
    )
    assert (code, out) == (2, "")
    assert "'surgery_months'" in err and "row 1" in err


def test_treated_at_with_group_is_refused(heart_csv):
    code, out, err = in_process(*arguments(heart_csv, "--group", "died", "--time-dependent"))
    assert (code, out) == (2, "")
    assert "--treated-at cannot be combined with --group" in err


@pytest.mark.parametrize("flag", [["--landmark", "3"], ["--time-dependent"], ["--naive"]])
def test_the_comparisons_need_treated_at(heart_csv, flag):
    code, out, err = in_process("--csv", heart_csv, "--time", "months", "--event", "died", *flag)
    assert (code, out) == (2, "")
    assert "need --treated-at" in err


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_landmark_is_refused(heart_csv, value):
    code, _, err = in_process(*arguments(heart_csv, "--landmark", value))
    assert code == 2 and "--landmark" in err


def test_a_missing_treatment_column_is_named(heart_csv):
    code, _, err = in_process(
        "--csv", heart_csv, "--time", "months", "--event", "died", "--treated-at", "surgery",
        "--time-dependent",
    )  # fmt: skip
    assert code == 2 and "'surgery'" in err


def test_too_few_patients_give_nulls_and_a_message(tmp_path):
    data = [(10, 1, ""), (8, 0, ""), (5, 1, "")]
    path = write_csv(tmp_path, data, header=("months", "died", "surgery_months"))
    code, out, err = in_process(
        "--csv", path, "--time", "months", "--event", "died", "--treated-at", "surgery_months",
        "--time-dependent", "--landmark", "6",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["time_dependent"]["hazard_ratio"] is None
    assert report["time_dependent"]["ci"] == [None, None]
    assert report["landmarks"]["6"]["excluded"] == {"died": 1, "censored": 0}
    assert "Nobody was treated" in err
