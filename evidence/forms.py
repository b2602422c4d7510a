"""The evidence library's filters."""

from __future__ import annotations

from django import forms

from evidence.matching import DESIGN_LABELS, INTERVENTION_LABELS
from recurrence.guideline.schema import DISTANT_SITES, LOCOREGIONAL_SITES, SITE_LABELS

# Distant sites first: the library is about metastatic disease.
SITE_CHOICES = [(s, SITE_LABELS[s]) for s in DISTANT_SITES + LOCOREGIONAL_SITES]


class StudyFilterForm(forms.Form):
    intervention = forms.ChoiceField(
        label="Intervention",
        required=False,
        choices=[("", "Any")] + list(INTERVENTION_LABELS.items()),
    )
    site = forms.ChoiceField(
        label="Metastatic site", required=False, choices=[("", "Any")] + SITE_CHOICES
    )
    design = forms.ChoiceField(
        label="Design", required=False, choices=[("", "Any")] + list(DESIGN_LABELS.items())
    )

    def filters(self) -> dict[str, str] | None:
        """The filters chosen, or None when a value is not one of the choices."""
        if not self.is_valid():
            return None
        return {k: v for k, v in self.cleaned_data.items() if v}
