"""`python manage.py recommend` (contract section 5), run as a real process with no
configuration in the environment."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recurrence.guideline import CaseRefused, evaluate
from tests.guideline.cases import LOCOREGIONAL, METASTATIC, TODAY, build

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION = (
    "MBC_DEVELOPMENT",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
)
REFUSED = build(METASTATIC, ecog=9, favourite_colour="blue")


def recommend(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    return subprocess.run(
        [sys.executable, "manage.py", "recommend", *args],
        cwd=REPO_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(tmp_path: Path, data, name="case.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def refusal_of(data) -> dict:
    with pytest.raises(CaseRefused) as caught:
        evaluate(data, today=TODAY)
    return caught.value.as_dict()


def test_it_prints_the_result_of_one_case(tmp_path):
    done = recommend(write(tmp_path, METASTATIC), "--today", TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == evaluate(METASTATIC, today=TODAY)
    assert done.stderr == ""


def test_it_puts_a_refusal_on_standard_error(tmp_path):
    done = recommend(write(tmp_path, REFUSED), "--today", TODAY.isoformat())
    assert done.returncode == 2
    assert done.stdout == ""
    errors = json.loads(done.stderr)
    assert errors == refusal_of(REFUSED)
    assert {e["code"] for e in errors["errors"]} == {"max_value", "unknown_field"}


def test_it_answers_a_list_with_a_list_of_the_same_length(tmp_path):
    cases = [METASTATIC, REFUSED, LOCOREGIONAL, 42]
    done = recommend(write(tmp_path, cases), "--today", TODAY.isoformat())
    assert done.returncode == 2
    results = json.loads(done.stdout)
    assert results == [
        evaluate(METASTATIC, today=TODAY),
        refusal_of(REFUSED),
        evaluate(LOCOREGIONAL, today=TODAY),
        refusal_of(42),
    ]
    assert results[3]["errors"][0]["field"] == "case"


def test_it_exits_0_when_no_case_of_a_list_is_refused(tmp_path):
    done = recommend(write(tmp_path, [METASTATIC, LOCOREGIONAL]), "--today", TODAY.isoformat())
    assert done.returncode == 0, done.stderr
    assert [r["category"] for r in json.loads(done.stdout)] == [
        "metastatic",
        "isolated_locoregional",
    ]


def test_it_reads_standard_input_for_a_dash():
    done = recommend("-", "--today", TODAY.isoformat(), stdin=json.dumps(LOCOREGIONAL))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == evaluate(LOCOREGIONAL, today=TODAY)


def test_it_reads_a_list_from_standard_input():
    done = recommend("-", "--today", TODAY.isoformat(), stdin=json.dumps([REFUSED]))
    assert done.returncode == 2
    assert json.loads(done.stdout) == [refusal_of(REFUSED)]


def test_it_takes_today_from_the_option(tmp_path):
    case = write(tmp_path, build(METASTATIC, recurrence_date="2026-12-01"))
    before = recommend(case, "--today", "2026-11-30")
    assert before.returncode == 2
    assert [e["code"] for e in json.loads(before.stderr)["errors"]] == ["future_date"]
    on_the_day = recommend(case, "--today", "2026-12-01")
    assert on_the_day.returncode == 0, on_the_day.stderr


def test_it_takes_the_real_date_without_the_option(tmp_path):
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    cases = [
        build(METASTATIC, recurrence_date=today.isoformat()),
        build(METASTATIC, recurrence_date=tomorrow.isoformat()),
    ]
    done = recommend(write(tmp_path, cases))
    results = json.loads(done.stdout)
    assert "errors" not in results[0]
    assert [e["code"] for e in results[1]["errors"]] == ["future_date"]
    assert done.returncode == 2


def test_it_refuses_input_that_is_not_json(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"presentation": "recurrence",', encoding="utf-8")
    done = recommend(str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip()


def test_it_refuses_standard_input_that_is_not_json():
    done = recommend("-", stdin="not json at all")
    assert done.returncode == 2
    assert done.stdout == ""


def test_it_answers_the_public_vignettes_as_the_engine_does():
    from tests.shared_docs import VIGNETTES_FILE as vignettes_file

    cases = [v["case"] for v in json.loads(vignettes_file.read_text(encoding="utf-8"))["vignettes"]]
    done = recommend("-", "--today", TODAY.isoformat(), stdin=json.dumps(cases))
    expected = []
    for case in cases:
        try:
            expected.append(evaluate(case, today=TODAY))
        except CaseRefused as refused:
            expected.append(refused.as_dict())
    assert json.loads(done.stdout) == expected
    assert done.returncode == 2  # the public set holds refused cases
