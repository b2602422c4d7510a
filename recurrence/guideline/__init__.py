"""The guideline engine of ruleset mbc-recurrence 1.0, free of Django.

parse_case(data, today=...)  -> Case, or raises CaseRefused(errors)
derive_facts(case)           -> Facts
evaluate_case(case)          -> the contract's result dict
evaluate(data, today=...)    -> parse, derive and evaluate in one call
"""

from .case import Case, Site, Workup
from .engine import RULESET, evaluate, evaluate_case, fired_rules, recommend
from .facts import Facts, add_months, derive_facts, whole_months_between
from .rules import PROGNOSTIC_RULES, PROGNOSTIC_SOURCE, RULES, Rule
from .sources import SOURCES, Source
from .validation import CaseRefused, parse_case

__all__ = [
    "PROGNOSTIC_RULES",
    "PROGNOSTIC_SOURCE",
    "RULES",
    "RULESET",
    "SOURCES",
    "Case",
    "CaseRefused",
    "Facts",
    "Rule",
    "Site",
    "Source",
    "Workup",
    "add_months",
    "derive_facts",
    "evaluate",
    "evaluate_case",
    "fired_rules",
    "parse_case",
    "recommend",
    "whole_months_between",
]
