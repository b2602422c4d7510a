"""A URL converter for database ids: digits that fit a 64-bit signed column.

Django's `int` converter matches any run of digits, so /cases/9223372036854775808/ reached
the database and failed there. `id` matches at most 19 digits and refuses anything above
the largest BIGINT, so such a URL resolves to nothing and answers 404 like any unknown id.
Every URL with an id uses it (tests/hardening/test_ids.py checks that none uses `int`).
"""

from __future__ import annotations

from django.urls import register_converter

BIGINT_MAX = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError("id out of range")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
