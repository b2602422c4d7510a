"""Where the tests find what the project ships and what it only audits against.

The project carries the test data it needs in ``tests/data/`` (the public vignettes, the
interoperability examples). The full source documents the rules and figures are audited
against are not shipped: they are found through one setting, ``MBC_SHARED_DIR`` (default:
``shared/`` beside the project). Tests that need them call ``require_shared_dir()``, which
skips with the reason when they are absent, or fails when ``MBC_REQUIRE_SHARED=1`` (CI).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
VIGNETTES_FILE = DATA / "vignettes-public.json"
INTEROP_EXAMPLES = DATA / "interop"


def shared_dir() -> Path:
    configured = os.environ.get("MBC_SHARED_DIR")
    if not configured:
        return ROOT.parent / "shared"
    path = Path(configured)
    return path if path.is_absolute() else (ROOT / path).resolve()


def require_shared_dir() -> Path:
    """The shared documents folder, or skip (fail under MBC_REQUIRE_SHARED=1) without it."""
    folder = shared_dir()
    if (folder / "seeds").is_dir() and (folder / "evidence").is_dir():
        return folder
    reason = (
        f"source documents not found at {folder}: set MBC_SHARED_DIR to the folder that "
        "holds seeds/ and evidence/ to run this audit"
    )
    if os.environ.get("MBC_REQUIRE_SHARED") == "1":
        pytest.fail(f"MBC_REQUIRE_SHARED=1 but {reason}")
    pytest.skip(reason)
