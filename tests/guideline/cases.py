"""Small cases for the guideline tests: a minimal base and the overrides of each row."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from recurrence.guideline import evaluate
from tests.guideline.contract import WORKUP_ITEMS, kind_allowed

TODAY = dt.date(2026, 11, 22)


class _Drop:
    """An override that removes the key."""

    def __deepcopy__(self, memo):
        return self


DROP = _Drop()

WORKUP_DONE = {item: True for item in WORKUP_ITEMS}

# Everything known and done, so that a row only shows what its overrides change.
_QUIET = {
    "presentation": "recurrence",
    "recurrence_date": "2024-04-10",
    "primary_diagnosis_date": "2018-04-02",
    "menopausal_status": "postmenopausal",
    "prior_breast_surgery": "mastectomy",
    "er": "positive",
    "pr": "positive",
    "her2_ihc": "1+",
    "her2_ish": "not_done",
    "ki67_percent": 12,
    "receptors_tested_on": "recurrence",
    "histology_confirmed": True,
    "ecog": 1,
    "workup": WORKUP_DONE,
}

METASTATIC = {**_QUIET, "sites": [{"site": "lung", "lesions": None}]}
LOCOREGIONAL = {**_QUIET, "sites": [{"site": "chest_wall", "lesions": None}]}
DE_NOVO = {
    **{k: v for k, v in _QUIET.items() if k != "primary_diagnosis_date"},
    "presentation": "de_novo_stage_iv",
    "prior_breast_surgery": "none",
    "receptors_tested_on": "primary",
    "sites": [{"site": "breast", "lesions": 1}, {"site": "lung", "lesions": None}],
}
MINIMAL = {
    "presentation": "recurrence",
    "recurrence_date": "2024-04-10",
    "sites": [{"site": "lung", "lesions": None}],
}


def sites(*names: str, lesions: int | None = None) -> list[dict[str, Any]]:
    return [{"site": name, "lesions": lesions} for name in names]


def build(base: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A copy of `base` with `overrides` applied; `workup` overrides merge into the base's."""
    data = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is DROP:
            data.pop(key, None)
        elif key == "workup" and isinstance(value, dict) and isinstance(data.get("workup"), dict):
            data["workup"] = {**data["workup"], **value}
        else:
            data[key] = copy.deepcopy(value)
    return {k: v for k, v in data.items() if v is not DROP}


def run(data: dict[str, Any], today: dt.date = TODAY) -> dict[str, Any]:
    return evaluate(data, today=today)


def codes(result: dict[str, Any]) -> set[str]:
    """Every code a result gives: its recommendations and its favourable prognostic factors
    (a factor that is absent or unknown is not given)."""
    return {r["code"] for r in result["recommendations"]} | set(result["prognosis"]["favourable"])


def prognosis_list(result: dict[str, Any], code: str) -> str | None:
    """The prognosis list (favourable, absent, unknown) that holds `code`, or None."""
    found = [name for name, listed in result["prognosis"].items() if code in listed]
    assert len(found) <= 1, f"{code} is in {found}"
    return found[0] if found else None


def recommendation(result: dict[str, Any], code: str) -> dict[str, Any]:
    matches = [r for r in result["recommendations"] if r["code"] == code]
    assert len(matches) == 1, f"{code} appears {len(matches)} times"
    return matches[0]


def row(section: str, data: dict[str, Any], include=(), exclude=(), kinds=None):
    """One table row: the guideline section it encodes, the case, and the codes expected."""
    return pytest.param(data, tuple(include), tuple(exclude), dict(kinds or {}), id=section)


def check(data, include, exclude, kinds) -> dict[str, Any]:
    result = run(data)
    got = codes(result)
    assert [c for c in include if c not in got] == [], "missing"
    assert [c for c in exclude if c in got] == [], "present but should not be"
    for rec in result["recommendations"]:
        assert kind_allowed(rec["code"], rec["kind"]), (rec["code"], rec["kind"])
    for code, kind in kinds.items():
        assert recommendation(result, code)["kind"] == kind, code
    return result
