"""`python manage.py survival_report`: as a real process with no configuration for the
output's shape and the exit status, and in this process for the other cases (faster)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.survival.freireich import rows

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = (
    "MBC_DEVELOPMENT",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
)


def survival_report(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    return subprocess.run(
        [sys.executable, "manage.py", "survival_report", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def in_process(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("survival_report", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write_csv(tmp_path: Path, data, header=("drug", "weeks", "relapsed")) -> str:
    path = tmp_path / "follow_up.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(data)
    return str(path)


@pytest.fixture
def freireich_csv(tmp_path):
    return write_csv(tmp_path, rows())


def test_it_prints_the_report_in_its_exact_shape(freireich_csv):
    done = survival_report(
        "--csv", freireich_csv, "--time", "weeks", "--event", "relapsed", "--group", "drug",
        "--at", "12,24",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    assert set(report) == {"groups", "logrank_p"}
    assert list(report["groups"]) == ["6-MP", "Placebo"]
    for group in report["groups"].values():
        assert set(group) == {"n", "events", "median", "median_ci", "at"}
        assert list(group["at"]) == ["12", "24"]
        for point in group["at"].values():
            assert set(point) == {"survival", "ci"}
            assert len(point["ci"]) == 2
    mp, placebo = report["groups"]["6-MP"], report["groups"]["Placebo"]
    assert (mp["n"], mp["events"], mp["median"]) == (21, 9, 23.0)
    assert mp["median_ci"] == [13.0, None]
    # 6-MP at 12 weeks: last death at 10, S = 18/21 * 16/17 * 14/15.
    assert mp["at"]["12"]["survival"] == pytest.approx(18 / 21 * 16 / 17 * 14 / 15)
    assert (placebo["n"], placebo["events"], placebo["median"]) == (21, 21, 8.0)
    assert placebo["at"]["24"] == {"survival": 0.0, "ci": [0.0, 0.0]}
    assert report["logrank_p"] == pytest.approx(4.17e-5, rel=1e-2)


def test_the_median_is_null_when_not_reached(tmp_path):
    data = [("a", 5, 1), ("a", 8, 0), ("a", 12, 0), ("a", 20, 0)]
    done = survival_report(
        "--csv", write_csv(tmp_path, data), "--time", "weeks", "--event", "relapsed"
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report == {
        "groups": {
            "All": {
                "n": 4,
                "events": 1,
                "median": None,
                "median_ci": [pytest.approx(5.0), None],
                "at": {},
            }
        },
        "logrank_p": None,
    }


def test_a_group_too_small_has_null_figures_and_a_message_on_stderr(tmp_path):
    data = [("a", 5, 1), ("a", 8, 0), ("a", 12, 1), ("b", 4, 1)]
    code, out, err = in_process(
        "--csv", write_csv(tmp_path, data), "--time", "weeks", "--event", "relapsed",
        "--group", "drug", "--at", "6",
    )  # fmt: skip
    assert code == 0, err
    b = json.loads(out)["groups"]["b"]
    assert b == {
        "n": 1,
        "events": 1,
        "median": None,
        "median_ci": [None, None],
        "at": {"6": {"survival": None, "ci": [None, None]}},
    }
    assert "b: Too few patients to estimate (n=1)." in err


def test_a_missing_column_exits_2_naming_it(freireich_csv):
    done = survival_report("--csv", freireich_csv, "--time", "months", "--event", "relapsed")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "'months'" in done.stderr


def test_a_bad_value_exits_2_naming_the_column(tmp_path):
    data = [("a", 5, 1), ("a", 8, 2)]
    code, out, err = in_process(
        "--csv", write_csv(tmp_path, data), "--time", "weeks", "--event", "relapsed"
    )
    assert (code, out) == (2, "")
    assert "'relapsed'" in err
    assert "row 2" in err


def test_a_missing_group_exits_2_naming_the_column(tmp_path):
    data = [("a", 5, 1), ("", 8, 0), ("b", 3, 1)]
    code, out, err = in_process(
        "--csv", write_csv(tmp_path, data), "--time", "weeks", "--event", "relapsed",
        "--group", "drug",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert "Column 'drug' has a missing group in row 2." in err


def test_bad_report_times_exit_2(freireich_csv):
    code, _, err = in_process(
        "--csv", freireich_csv, "--time", "weeks", "--event", "relapsed", "--at", "12,soon"
    )
    assert code == 2
    assert "--at" in err


def test_an_unreadable_file_exits_2(tmp_path):
    code, _, err = in_process("--csv", str(tmp_path / "none.csv"), "--time", "t", "--event", "e")
    assert code == 2
    assert "none.csv" in err


def test_it_prints_what_the_pages_compute(freireich_csv):
    import pandas as pd

    from evidence.survival import survival_report as report_of

    _, out, _ = in_process(
        "--csv", freireich_csv, "--time", "weeks", "--event", "relapsed", "--group", "drug",
        "--at", "6,10.5",
    )  # fmt: skip
    expected = report_of(pd.read_csv(freireich_csv), "weeks", "relapsed", "drug", at=[6, 10.5])
    assert json.loads(out) == expected
    assert list(expected["groups"]["6-MP"]["at"]) == ["6", "10.5"]
