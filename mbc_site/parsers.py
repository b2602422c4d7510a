"""The API's one request parser: JSON, read strictly.

Python's json module accepts what a database or a careful client would not: a lone UTF-16
surrogate ("\\ud800") that no UTF-8 column can store, duplicate keys (the last one silently
wins), NaN and Infinity, and nesting deep enough to exhaust the interpreter's stack. Each
is refused here with a 400 in the API's error shape, before any view sees the body.
"""

from __future__ import annotations

import json
import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

# A FHIR Bundle nests about ten levels; nothing the API takes comes near this.
MAX_DEPTH = 64

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def _pairs(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(
                f"The key {key!r} appears more than once in one object.", "duplicate_key"
            )
        seen[key] = value
    return seen


def _constant(name: str):
    raise _Refused(f"{name} is not a JSON number.", "invalid_number")


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest, counted without parsing (strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub('""', text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _check_text(value) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise _Refused(
                    "The body holds a lone UTF-16 surrogate (such as \\ud800), which is not a "
                    "character.",
                    "invalid_character",
                )
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def loads_strict(text: str, *, max_depth: int = MAX_DEPTH):
    """Parse JSON text, or raise ValueError (with a `code`) for anything refused above."""
    if nesting_depth(text) > max_depth:
        raise _Refused(f"The body nests deeper than {max_depth} levels.", "too_deep")
    data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    _check_text(data)
    return data


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(f"The body is not valid {encoding} text.", "parse_error") from None
        try:
            return loads_strict(text)
        except _Refused as refused:
            raise ParseError(str(refused), refused.code) from None
        except ValueError as exc:
            raise ParseError(f"The body is not valid JSON: {exc}", "parse_error") from None
