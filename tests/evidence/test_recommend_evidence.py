"""python manage.py recommend --evidence: the matching studies joined to each result."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from evidence_sources import ROOT
from panel_order import assert_panel_order
from panel_patients import PATIENTS

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
KEYS = [
    "study",
    "title",
    "design",
    "n",
    "randomised",
    "fit",
    "candidate",
    "rules",
    "interventions",
    "matched_on",
    "caveats",
    "highlights",
    "cited",
    "beside",
    "trial",
]


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


def test_it_adds_the_matching_evidence_in_the_panels_order():
    completed = recommend(LIVER_ONLY, "--evidence")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    evidence = result["evidence"]
    assert all(list(item) == KEYS for item in evidence)
    assert_panel_order(evidence)
    assert "LIVER_RESECTION" in {r["code"] for r in result["recommendations"]}
    series = next(item for item in evidence if item["study"] == "severance-liver")
    assert series["candidate"] is True and series["rules"] == ["LIVER_RESECTION"]
    assert [i["study"] for i in evidence if not i["randomised"]][0] == "severance-liver"
    codes = {c["code"] for c in series["caveats"]}
    assert {"no_comparison_group", "selected_patients", "reported_inconsistently"} <= codes
    solitary = next(h for h in series["highlights"] if h["figure"] == "severance-liver-05")
    assert solitary == {
        "figure": "severance-liver-05",
        "figures": ["severance-liver-05"],
        "label": "1-year overall survival, no extrahepatic metastasis (7 patients) "
        "(abstract and results)",
        "values": ["83.3%"],
        "this_patient_group": True,
        "possibly_this_patient_group": False,
        "inconsistent": True,
        "note": None,
    }
    both = next(
        h
        for h in series["highlights"]
        if h["figures"] == ["severance-liver-05", "severance-liver-07"]
    )
    assert both["figure"] is None and both["values"][-1].startswith("p=0.001")


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


def test_the_five_patients_of_the_panel_from_the_command_line():
    completed = recommend(list(PATIENTS.values()), "--evidence")
    assert completed.returncode == 0, completed.stderr
    results = dict(zip(PATIENTS, json.loads(completed.stdout), strict=True))
    for result in results.values():
        assert_panel_order(result["evidence"])
        for item in result["evidence"]:
            codes = [c["code"] for c in item["caveats"]]
            assert ("not_candidate" in codes) is (not item["candidate"])
            if not item["candidate"]:
                assert not any(h["this_patient_group"] for h in item["highlights"])

    def items(name):
        return {i["study"]: i for i in results[name]["evidence"]}

    liver = items("solitary-liver")["severance-liver"]
    assert liver["candidate"] and liver["rules"] == ["LIVER_RESECTION"]

    crisis = results["visceral-crisis-four-organs"]["evidence"]
    assert crisis and not any(i["candidate"] for i in crisis)
    assert all("visceral crisis" in i["caveats"][0]["text"] for i in crisis)

    controlled = results["triple-negative-de-novo-controlled"]["evidence"]
    keys = [i["study"] for i in controlled]
    assert keys[keys.index("reinhorn-2021") + 1] == "soomro-2021"
    assert items("triple-negative-de-novo-controlled")["soomro-2021"]["beside"] == ["reinhorn-2021"]

    progressing = items("triple-negative-de-novo-progressing")
    assert not progressing["soomro-2021"]["candidate"]
    assert progressing["fan-2015"]["candidate"]

    bone = items("bone-only")
    assert set(bone) == {"pockaj-2010", "palma-2020", "chmura-2022"}
    assert all(i["candidate"] for i in bone.values())
