"""Matplotlib figures as SVG text that can sit inside a page. Every chart module uses this
one setup, so that the output does not depend on which of them is imported first."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")
# Read by matplotlib at save time from its global settings; set once here, because
# changing them per call (rc_context) would race between threads. Text stays text (it can
# be searched and read by screen readers) and ids are stable from one drawing to the next.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "mbc-board"

_NO_METADATA = dict.fromkeys(("Date", "Creator", "Format", "Type"))


def figure_svg(fig, title: str) -> str:
    """The figure as SVG without the XML prologue and the DOCTYPE (which names a remote
    DTD), marked as an image with `title` for screen readers."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    svg = buffer.getvalue()
    body = svg[svg.index("<svg") :]
    head_end = body.index(">") + 1
    head = body[:head_end].replace("<svg ", '<svg role="img" ', 1)
    return f"{head}\n <title>{escape(title)}</title>{body[head_end:]}"
