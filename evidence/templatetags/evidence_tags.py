"""Labels for the evidence templates: codes of the library turned into words."""

from __future__ import annotations

from django import template

from evidence import presentation

register = template.Library()


@register.filter
def design_label(code: str) -> str:
    return presentation.design_label(code)


@register.filter
def caveat_labels(caveats) -> str:
    """The caveats' short words, each once, for a list with no room for their text."""
    return "; ".join(dict.fromkeys(presentation.caveat_label(c.code) for c in caveats))


@register.filter
def intervention_label(code: str) -> str:
    return presentation.intervention_label(code)


@register.filter
def site_label(code: str) -> str:
    return presentation.site_label(code)


@register.filter
def highlight_split(highlights) -> dict[str, list]:
    """The figures of this patient's group (with the comparisons that hold them) are shown at
    once, the rest behind a disclosure; when none is, up to two rows that show both groups,
    or else the first two. Each entry
    carries the figure's note only where the item has not shown that note already."""
    fitting = [h for h in highlights if h.this_patient_group or h.possibly_this_patient_group]
    # Otherwise the rows that show both groups (a comparison, a ratio) say most at a glance.
    both = [h for h in highlights if h.is_comparison or " vs " in h.label][:2]
    shown = fitting or both or list(highlights[:2])
    more = [h for h in highlights if not any(h is s for s in shown)]
    seen: set[str] = set()

    def entries(items):
        out = []
        for h in items:
            note = h.note if h.note and h.note not in seen else None
            if note:
                seen.add(note)
            out.append({"h": h, "note": note})
        return out

    return {"shown": entries(shown), "more": entries(more)}


SECTIONS = (
    (
        True,
        "candidate",
        "Candidate now",
        "The guideline rules offer these interventions to this patient now.",
    ),
    (
        False,
        "not-candidate",
        "Not a candidate now",
        "The guideline rules do not offer these interventions to this patient now (each study "
        "says why). They are listed for the board's information; none of their figures is "
        "this patient's group.",
    ),
)


@register.filter
def evidence_sections(evidence) -> list[dict]:
    """The evidence items under their headings, in the panel's order."""
    sections = []
    for candidate, key, heading, intro in SECTIONS:
        items = [m for m in evidence if m.candidate is candidate]
        if items:
            sections.append({"key": key, "heading": heading, "intro": intro, "items": items})
    return sections
