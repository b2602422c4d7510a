"""The order the evidence panel promises, checked on a list of items (dicts or Matches)."""

from __future__ import annotations

from typing import Any


def _get(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, dict) else getattr(item, name)


def assert_panel_order(items: list[Any]) -> None:
    """Candidates first; in each, randomised items before the rest; then by fit, except
    where reports of one trial stand together or an item stands beside its counterpart."""
    keys = [_get(m, "study") for m in items]
    candidate = [_get(m, "candidate") for m in items]
    assert candidate == sorted(candidate, reverse=True), keys
    for block in (True, False):
        part = [m for m in items if _get(m, "candidate") is block]
        randomised = [_get(m, "randomised") for m in part]
        assert randomised == sorted(randomised, reverse=True), keys
        for kind in (True, False):
            section = [m for m in part if _get(m, "randomised") is kind]
            seen_trials: set[str] = set()
            free = []
            for m in section:
                trial = _get(m, "trial")
                if trial and trial in seen_trials:
                    continue
                if trial:
                    seen_trials.add(trial)
                if not _get(m, "beside"):
                    free.append(_get(m, "fit"))
            assert free == sorted(free, reverse=True), keys
    # Beside means adjacent; reports of one trial are adjacent.
    for i, m in enumerate(items):
        for other in _get(m, "beside"):
            assert other in keys[max(0, i - 1) : i] + keys[i + 1 : i + 2], (m, keys)
    trials: dict[str, list[int]] = {}
    for i, m in enumerate(items):
        if _get(m, "trial"):
            trials.setdefault(_get(m, "trial"), []).append(i)
    for positions in trials.values():
        assert positions == list(range(positions[0], positions[0] + len(positions))), keys
