"""Labels for the evidence templates: codes of the library turned into words."""

from __future__ import annotations

from django import template

from evidence import presentation

register = template.Library()


@register.filter
def design_label(code: str) -> str:
    return presentation.design_label(code)


@register.filter
def intervention_label(code: str) -> str:
    return presentation.intervention_label(code)


@register.filter
def site_label(code: str) -> str:
    return presentation.site_label(code)


@register.filter
def highlight_split(highlights) -> dict[str, list]:
    """The figures that describe this patient's group are shown at once, the rest behind a
    disclosure; when none does, the first two are shown."""
    fitting = [h for h in highlights if "patient's group]" in h.label]
    shown = fitting or list(highlights[:2])
    return {"shown": shown, "more": [h for h in highlights if not any(h is s for s in shown)]}
