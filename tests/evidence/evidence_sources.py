"""The shared source documents the evidence data were read from, as tests compare them."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from recurrence.guideline import SOURCES
from tests.shared_docs import require_shared_dir

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "evidence" / "data"


def facts_file() -> Path:
    """literature-facts.md; skips the test (fails under MBC_REQUIRE_SHARED=1) without it."""
    return require_shared_dir() / "evidence" / "literature-facts.md"


def source_path(source: str) -> Path:
    if source == "literature-facts":
        return facts_file()
    return require_shared_dir() / "seeds" / SOURCES[source].file


def normalise(text: str) -> str:
    """Join words hyphenated across a line break, then collapse runs of whitespace."""
    text = re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def source_text(source: str) -> str:
    return normalise(source_path(source).read_text(encoding="utf-8"))


def data(name: str) -> dict:
    with (DATA / name).open(encoding="utf-8") as handle:
        return json.load(handle, parse_float=Decimal)


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)
