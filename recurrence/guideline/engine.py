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


# A step of a plan: a rule with what the evaluator needs worked out in advance, as a flat
# tuple so that the hot loop unpacks it once: (rule, condition, applies always, kind depends
# on the facts, usual kind, fixed detail or None, source, code, title, rule id, because).
_Step = tuple[Any, ...]


def _step(r: Rule) -> _Step:
    usual_kind = r.kind if type(r.kind) is str else r.kinds[0]
    return (
        r,
        r.when,
        r.when is ALWAYS,
        type(r.kind) is not str,
        usual_kind,
        r.detail if type(r.detail) is str else None,
        {"id": r.source, "section": r.section, "passage": r.passage},
        r.code,
        r.title,
        r.id,
        r.because,
    )


def _plan(scope: str, open_gates: frozenset[str]) -> tuple[_Step, ...]:
    """The rules to ask for one scope and set of open gates, in the result's order."""
    rules = sorted(
        (
            r
            for r in RULES
            if r.scope in (BOTH, scope)
            and (RULE_GATE.get(r.code) is None or RULE_GATE[r.code] in open_gates)
        ),
        key=lambda r: (_placement(r), r.id),
    )
    return tuple(_step(r) for r in rules)


# One plan per scope and combination of gates, worked out once at import.
_PLANS: dict[tuple[str, tuple[bool, ...]], tuple[_Step, ...]] = {
    (scope, gates): _plan(
        scope, frozenset(name for name, open_ in zip(_GATE_NAMES, gates, strict=True) if open_)
    )
    for scope in _SCOPES
    for gates in product((False, True), repeat=len(_GATE_NAMES))
}


def _steps(facts: Facts) -> tuple[_Step, ...]:
    return _PLANS[(facts.category, tuple([bool(test(facts)) for test in _GATE_TESTS]))]


def fired_rules(facts: Facts) -> list[tuple[Rule, str]]:
    """The rules that apply to these facts with the kind each takes, in the contract's order."""
    return [(r["_rule"], r["kind"]) for r in _fired(facts, keep_rule=True)]


def _fired(facts: Facts, *, keep_rule: bool = False) -> list[dict[str, Any]]:
    """The recommendations of the rules that apply, in the contract's order."""
    out = []
    resort = False
    # The hot loop of the engine: each step's parts are unpacked once, not looked up.
    for (
        r,
        when,
        always,
        dynamic,
        usual_kind,
        detail,
        source,
        code,
        title,
        rule_id,
        because,
    ) in _steps(facts):
        if always or when(facts):
            if dynamic:
                kind = r.kind(facts)
                if kind != usual_kind:
                    resort = True
            else:
                kind = usual_kind
            rec = {
                "code": code,
                "kind": kind,
                "title": title,
                "detail": detail if detail is not None else r.detail(facts),
                "rule": rule_id,
                "source": source.copy(),
                "because": because(facts),
            }
            if keep_rule:
                rec["_rule"] = r
            out.append(rec)
    if resort:
        out.sort(key=lambda rec: (_KIND_ORDER[rec["kind"]], rec["rule"]))
    return out


def recommend(facts: Facts) -> dict[str, Any]:
    recommendations = _fired(facts)
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
