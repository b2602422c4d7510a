"""The evaluator: a validated case in, the contract's result (section 3) out.

Pure and deterministic: no database, no clock except the `today` given to validation.
"""

from __future__ import annotations

import datetime as dt
from itertools import product
from typing import Any

from .case import Case
from .facts import Facts, derive_facts
from .rules import (
    ALWAYS,
    BOTH,
    GATES,
    PROGNOSTIC_RULES,
    RULE_GATE,
    RULES,
    Rule,
    check_rule_table,
)
from .schema import KINDS, RULESET_ID, RULESET_NOTE, RULESET_VERSION
from .validation import parse_case

RULESET = {"id": RULESET_ID, "version": RULESET_VERSION, "note": RULESET_NOTE}
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}

check_rule_table()

_SCOPES = ("isolated_locoregional", "metastatic")
_GATE_NAMES = tuple(GATES)
_GATE_TESTS = tuple(GATES.values())


def _placement(r: Rule) -> int:
    """Where a rule stands in the result: by its kind (a kind that depends on the facts by
    its usual kind), then by rule id."""
    return _KIND_ORDER[r.kind if type(r.kind) is str else r.kinds[0]]


def _plan(scope: str, open_gates: frozenset[str]) -> tuple[tuple[Rule, bool, bool], ...]:
    """The rules to ask for one scope and set of open gates, in the result's order, each
    with (always applies, kind depends on the facts)."""
    rules = sorted(
        (
            r
            for r in RULES
            if r.scope in (BOTH, scope)
            and (RULE_GATE.get(r.code) is None or RULE_GATE[r.code] in open_gates)
        ),
        key=lambda r: (_placement(r), r.id),
    )
    return tuple((r, r.when is ALWAYS, type(r.kind) is not str) for r in rules)


# One plan per scope and combination of gates, worked out once at import.
_PLANS: dict[tuple[str, tuple[bool, ...]], tuple[tuple[Rule, bool, bool], ...]] = {
    (scope, gates): _plan(
        scope, frozenset(name for name, open_ in zip(_GATE_NAMES, gates, strict=True) if open_)
    )
    for scope in _SCOPES
    for gates in product((False, True), repeat=len(_GATE_NAMES))
}


def fired_rules(facts: Facts) -> list[tuple[Rule, str]]:
    """The rules that apply to these facts with the kind each takes, in the contract's order."""
    plan = _PLANS[(facts.category, tuple([bool(test(facts)) for test in _GATE_TESTS]))]
    fired = []
    resort = False
    for r, always, dynamic in plan:
        if always or r.when(facts):
            if dynamic:
                kind = r.kind(facts)  # type: ignore[operator]
                resort = resort or kind != r.kinds[0]
                fired.append((r, kind))
            else:
                fired.append((r, r.kind))
    if resort:
        fired.sort(key=lambda pair: (_KIND_ORDER[pair[1]], pair[0].id))
    return fired


def recommend(facts: Facts) -> dict[str, Any]:
    recommendations = [
        {
            "code": rule.code,
            "kind": kind,
            "title": rule.title,
            "detail": rule.detail if type(rule.detail) is str else rule.detail(facts),  # type: ignore[operator]
            "rule": rule.id,
            "source": {"id": rule.source, "section": rule.section, "passage": rule.passage},
            "because": rule.because(facts),
        }
        for rule, kind in fired_rules(facts)
    ]
    favourable: list[str] = []
    absent: list[str] = []
    unknown: list[str] = []
    for p in PROGNOSTIC_RULES:
        if p.applies(facts):
            if p.favourable(facts):
                favourable.append(p.code)
            elif p.absent(facts):
                absent.append(p.code)
            else:
                unknown.append(p.code)
    return {
        "ruleset": dict(RULESET),
        "category": facts.category,
        "intent": facts.intent,
        "hr": facts.hr,
        "her2": facts.her2,
        "subtype": facts.subtype,
        "oligometastatic": facts.oligometastatic,
        "disease_free_interval_months": facts.disease_free_interval_months,
        "recommendations": recommendations,
        "prognosis": {"favourable": favourable, "absent": absent, "unknown": unknown},
    }


def evaluate_case(case: Case) -> dict[str, Any]:
    return recommend(derive_facts(case))


def facts_for(data: Any, *, today: dt.date) -> Facts:
    """Validate a case in the contract's JSON shape and return what the engine derives from it.

    Raises CaseRefused (with every problem) when the case breaks the contract.
    """
    return derive_facts(parse_case(data, today=today))


def evaluate(data: Any, *, today: dt.date) -> dict[str, Any]:
    """Validate a case in the contract's JSON shape and return its result.

    Raises CaseRefused (with every problem) when the case breaks the contract.
    """
    return evaluate_case(parse_case(data, today=today))
