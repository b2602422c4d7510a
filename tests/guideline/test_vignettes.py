"""The public worked cases beside the contract (guideline-contract.md, section 6)."""

from __future__ import annotations

import json

import pytest

from recurrence.guideline import CaseRefused, evaluate
from tests.guideline.cases import TODAY, codes
from tests.shared_docs import VIGNETTES_FILE

VIGNETTES = json.loads(VIGNETTES_FILE.read_text(encoding="utf-8"))["vignettes"]
RESULT_FIELDS = (
    "category",
    "intent",
    "subtype",
    "hr",
    "her2",
    "oligometastatic",
    "disease_free_interval_months",
)

ACCEPTED = [v for v in VIGNETTES if "errors" not in v["expect"]]
REFUSED = [v for v in VIGNETTES if "errors" in v["expect"]]


def test_it_finds_the_public_vignettes():
    assert len(VIGNETTES) >= 28
    assert ACCEPTED and REFUSED


@pytest.mark.parametrize("vignette", ACCEPTED, ids=[v["id"] for v in ACCEPTED])
def test_it_gives_the_expected_result(vignette):
    expect = vignette["expect"]
    result = evaluate(vignette["case"], today=TODAY)
    for field in RESULT_FIELDS:
        if field in expect:
            assert result[field] == expect[field], field
    got = codes(result)
    assert [c for c in expect.get("include", []) if c not in got] == []
    assert [c for c in expect.get("exclude", []) if c in got] == []
    prognosis = result["prognosis"]
    for name in ("absent", "unknown"):
        assert [c for c in expect.get(name, []) if c not in prognosis[name]] == [], name
    listed = {c for codes_ in prognosis.values() for c in codes_}
    assert [c for c in expect.get("not_listed", []) if c in listed] == []
    kinds = {r["code"]: r["kind"] for r in result["recommendations"]}
    assert {c: kinds.get(c) for c in expect.get("kinds", {})} == expect.get("kinds", {})
    assert result["ruleset"]["version"] == "2.0"


@pytest.mark.parametrize("vignette", REFUSED, ids=[v["id"] for v in REFUSED])
def test_it_refuses_the_expected_case(vignette):
    with pytest.raises(CaseRefused) as caught:
        evaluate(vignette["case"], today=TODAY)
    got = {e["code"] for e in caught.value.errors}
    assert set(vignette["expect"]["errors"]) <= got
