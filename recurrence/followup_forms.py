"""Forms of the follow-up page. They only parse what was typed; recurrence.followup says
whether the record is possible, and its errors are put back next to the fields."""

from __future__ import annotations

from django import forms

from mbc_site.widgets import DATE_MESSAGE, DayMonthYearWidget, mark_required
from recurrence.followup import TREATMENT_KINDS, TREATMENT_LABELS
from recurrence.guideline.schema import SITE_LABELS, SITES
from recurrence.presentation import dates_in_words


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DayMonthYearWidget,
        error_messages={"invalid": DATE_MESSAGE},
    )


class FollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    last_contact_date = _date("Date of last contact", required=False)
    vital_status = forms.ChoiceField(
        label="Vital status",
        required=False,
        choices=[("alive", "Alive"), ("dead", "Dead")],
        widget=forms.RadioSelect,
    )
    death_date = _date("Date of death")
    progression_date = _date("Date of progression", required=False)

    def record(self) -> dict:
        """What was typed, as the follow-up record to check (dates as ISO text)."""
        data = self.cleaned_data
        return {
            name: (
                data[name].isoformat()
                if hasattr(data.get(name), "isoformat")
                else data.get(name) or None
            )
            for name in ("last_contact_date", "vital_status", "death_date", "progression_date")
        }


class TreatmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label="Treatment",
        required=False,
        choices=[("", "Choose…")]
        + [(k, TREATMENT_LABELS[k].capitalize()) for k in TREATMENT_KINDS],
    )
    line = forms.IntegerField(
        label="Line", required=False, help_text="Systemic therapy only: 1 for first line."
    )
    site = forms.ChoiceField(
        label="Site",
        required=False,
        choices=[("", "—")] + [(s, SITE_LABELS[s].capitalize()) for s in SITES],
        help_text="Metastasectomy (a distant site) or radiotherapy.",
    )
    start_date = _date("Start date")
    end_date = _date("End date")
    description = forms.CharField(label="Description", required=False, max_length=200)

    def record(self) -> dict:
        data = self.cleaned_data
        out = {
            "kind": data.get("kind") or None,
            "start_date": data["start_date"].isoformat() if data.get("start_date") else None,
            "end_date": data["end_date"].isoformat() if data.get("end_date") else None,
            "description": data.get("description") or "",
        }
        if data.get("line") is not None:
            out["line"] = data["line"]
        if data.get("site"):
            out["site"] = data["site"]
        return out


def add_errors(form: forms.Form, errors: list[dict]) -> None:
    """Put each error of the follow-up rules next to its field (or at the top)."""
    for error in errors:
        field = error["field"] if error["field"] in form.fields else None
        form.add_error(field, dates_in_words(error["message"]))


mark_required(FollowUpForm, "last_contact_date", "vital_status")
mark_required(TreatmentForm, "kind", "start_date")
