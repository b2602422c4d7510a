"""The evidence panel of a guideline result: matching studies added to the result dict."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from recurrence.guideline import derive_facts, parse_case

from .matching import Library, load_library, match_evidence


@cache
def evidence_library() -> Library:
    """The evidence data files, read once per process (they change only with a release)."""
    return load_library()


def attach_evidence(case_data: Any, result: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Add `result["evidence"]`: the matching studies for the case, in the panel's order.

    `case_data` is the contract's case as given (already accepted by the engine).
    """
    facts = derive_facts(parse_case(case_data, today=today))
    matches = match_evidence(facts, evidence_library(), result)
    result["evidence"] = [m.as_dict() for m in matches]
    return result
