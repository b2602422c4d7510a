"""axe-core (from the npm registry, installed by .ci/run: npm ci --prefix tools) run on a
page: the WCAG 2 A and AA rules. Without it the axe tests skip with a note; with
MBC_REQUIRE_BROWSER=1 they fail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("MBC_AXE_JS", ROOT / "tools/node_modules/axe-core/axe.min.js"))
TAGS = ["wcag2a", "wcag2aa"]


def axe_path() -> str:
    if AXE.is_file():
        return str(AXE)
    note = f"axe-core is not installed at {AXE} (npm ci --prefix tools)"
    if os.environ.get("MBC_REQUIRE_BROWSER") == "1":
        pytest.fail(note)
    pytest.skip(note)


def violations(page, path: str) -> list[str]:
    """Each violation of the page as "rule: selector (summary)"."""
    page.add_script_tag(path=path)
    found = page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
          return result.violations.map(v => v.nodes.map(
            n => v.id + ': ' + n.target.join(' ') + ' (' + (n.failureSummary || '').split('\\n').slice(1, 2).join('') + ')'
          )).flat();
        }""",
        TAGS,
    )
    return list(found)
