"""python manage.py recommend --evidence: the matching studies joined to each result."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from evidence_sources import ROOT

LIVER_ONLY = {
    "presentation": "recurrence",
    "recurrence_date": "2024-06-10",
    "primary_diagnosis_date": "2018-02-01",
    "ecog": 0,
    "sites": [{"site": "liver", "lesions": 1}],
    # ruleset 2.0: liver resection needs staging imaging (fit for local treatment)
    "workup": {"chest_imaging": True, "abdominal_imaging": True},
}
LOCAL_REGIONAL = {
    "presentation": "recurrence",
    "recurrence_date": "2024-06-10",
    "sites": [{"site": "chest_wall", "lesions": 1}],
}
KEYS = ["study", "title", "design", "n", "score", "matched_on", "caveats", "highlights"]


def recommend(body, *options):
    completed = subprocess.run(
        [sys.executable, "manage.py", "recommend", "-", "--today", "2025-01-15", *options],
        input=json.dumps(body),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MBC_DEVELOPMENT": "1"},
        timeout=120,
    )
    return completed


def test_it_adds_the_matching_evidence_best_first():
    completed = recommend(LIVER_ONLY, "--evidence")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    evidence = result["evidence"]
    assert evidence[0]["study"] == "severance-liver"
    assert all(list(item) == KEYS for item in evidence)
    scores = [item["score"] for item in evidence]
    assert scores == sorted(scores, reverse=True)
    assert "LIVER_RESECTION" in {r["code"] for r in result["recommendations"]}


def test_it_adds_evidence_to_each_case_of_a_list():
    completed = recommend([LIVER_ONLY, LOCAL_REGIONAL], "--evidence")
    assert completed.returncode == 0, completed.stderr
    liver, local = json.loads(completed.stdout)
    assert liver["evidence"]
    assert local["evidence"] == []


def test_without_the_option_the_result_has_no_evidence():
    completed = recommend(LIVER_ONLY)
    assert completed.returncode == 0, completed.stderr
    assert "evidence" not in json.loads(completed.stdout)


def test_a_refused_case_gets_errors_and_no_evidence():
    completed = recommend({**LIVER_ONLY, "sites": []}, "--evidence")
    assert completed.returncode == 2
    assert "evidence" not in json.loads(completed.stderr)
