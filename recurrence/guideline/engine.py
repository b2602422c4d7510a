"""The evaluator: a validated case in, the contract's result (section 3) out.

Pure and deterministic: no database, no clock except the `today` given to validation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .case import Case
from .facts import Facts, derive_facts
from .rules import (
    BOTH,
    PROGNOSTIC_RULES,
    RULES,
    Rule,
    check_rule_table,
)
from .schema import KINDS, RULESET_ID, RULESET_VERSION
from .validation import parse_case

RULESET = {"id": RULESET_ID, "version": RULESET_VERSION}
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}

check_rule_table()

# Each scope's rules in the result's order (kind, then rule id); a rule whose kind
# depends on the facts is placed by the kind it takes, so only then is a sort needed.
_RULES_BY_SCOPE: dict[str, tuple[Rule, ...]] = {
    scope: tuple(
        sorted(
            (r for r in RULES if r.scope in (BOTH, scope)),
            key=lambda r: (_KIND_ORDER.get(r.kind, 0) if isinstance(r.kind, str) else 0, r.id),
        )
    )
    for scope in ("isolated_locoregional", "metastatic")
}


def fired_rules(facts: Facts) -> list[tuple[Rule, str]]:
    """The rules that apply to these facts with the kind each takes, in the contract's order."""
    fired = []
    dynamic = False
    for r in _RULES_BY_SCOPE[facts.category]:
        if r.when(facts):
            if type(r.kind) is str:
                fired.append((r, r.kind))
            else:
                fired.append((r, r.kind_for(facts)))
                dynamic = True
    if dynamic:
        fired.sort(key=lambda pair: (_KIND_ORDER[pair[1]], pair[0].id))
    return fired


def recommend(facts: Facts) -> dict[str, Any]:
    recommendations = [
        {
            "code": rule.code,
            "kind": kind,
            "title": rule.title,
            "detail": rule.detail if type(rule.detail) is str else rule.detail_for(facts),
            "rule": rule.id,
            "source": {"id": rule.source, "section": rule.section},
            "because": rule.because(facts),
        }
        for rule, kind in fired_rules(facts)
    ]
    favourable: list[str] = []
    unfavourable: list[str] = []
    for p in PROGNOSTIC_RULES:
        if p.applies(facts):
            if p.favourable(facts):
                favourable.append(p.favourable_code)
            elif p.unfavourable(facts):
                unfavourable.append(p.unfavourable_code)
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
        "prognosis": {"favourable": favourable, "unfavourable": unfavourable},
    }


def evaluate_case(case: Case) -> dict[str, Any]:
    return recommend(derive_facts(case))


def evaluate(data: Any, *, today: dt.date) -> dict[str, Any]:
    """Validate a case in the contract's JSON shape and return its result.

    Raises CaseRefused (with every problem) when the case breaks the contract.
    """
    return evaluate_case(parse_case(data, today=today))
