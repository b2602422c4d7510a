"""The guideline engine of ruleset mbc-recurrence 2.0, free of Django.

parse_case(data, today=...)      -> Case, or raises CaseRefused(errors)
derive_facts(case)               -> Facts
facts_for(data, today=...)       -> parse and derive in one call
evaluate_case(case)              -> the contract's result dict
evaluate(data, today=...)        -> parse, derive and evaluate in one call
unmet_conditions(facts, code)    -> every unmet condition of a surgical rule, in plain words
"""

from .case import Case, Site, Workup
from .conditions import RULE_CONDITIONS, unmet_conditions
from .engine import RULESET, evaluate, evaluate_case, facts_for, fired_rules, recommend
from .facts import Facts, add_months, derive_facts, whole_months_between
from .rules import PROGNOSTIC_RULES, PROGNOSTIC_SOURCE, RETIRED_RULE_IDS, RULES, Rule
from .sources import SOURCES, Source
from .validation import CaseRefused, parse_case

__all__ = [
    "PROGNOSTIC_RULES",
    "PROGNOSTIC_SOURCE",
    "RETIRED_RULE_IDS",
    "RULES",
    "RULE_CONDITIONS",
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
    "facts_for",
    "fired_rules",
    "parse_case",
    "recommend",
    "unmet_conditions",
    "whole_months_between",
]
