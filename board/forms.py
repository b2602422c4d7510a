"""The tumour board's page forms.

The fields only take what the browser sends (text, a choice). The rules (a title and a date
are required, a differing decision needs its reason, a case is on an agenda once) belong to
board.services; its refusals are put back next to the field they name, all at once.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from board.models import Decision
from board.services import PLAN_MAX, BoardRefused
from mbc_site.widgets import DayMonthYearWidget, mark_required
from recurrence.presentation import dates_in_words

TEXT_MAX = PLAN_MAX


DateInput = DayMonthYearWidget


class BoardForm(forms.Form):
    # Service fields that are not fields of the form, and where their errors go.
    field_map: dict[str, str] = {}

    def add_refusal(self, refused: BoardRefused) -> None:
        """Put the service's errors next to the fields they name (the rest above the form)."""
        for error in refused.errors:
            name = self.field_map.get(str(error["field"]), error["field"])
            if name not in self.fields:
                name = None
            message = dates_in_words(str(error["message"]))
            self.add_error(name, ValidationError(message, code=str(error["code"])))

    def codes(self) -> dict[str, list[str]]:
        """{field: [error codes]}, the stable names of what was refused."""
        return {name: [e.code for e in errors.as_data()] for name, errors in self.errors.items()}


class MeetingForm(BoardForm):
    date = forms.CharField(
        label="Date",
        required=False,
        widget=DateInput,
        help_text="The day, the month and the year of the meeting.",
    )
    title = forms.CharField(
        label="Title",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 120}),
        help_text="For example “Breast MDT” or “Metastatic board”.",
    )

    def body(self) -> dict:
        return {"date": self.cleaned_data["date"] or None, "title": self.cleaned_data["title"]}


class AgendaAddForm(BoardForm):
    field_map = {"case": "case_number"}

    case_number = forms.CharField(
        label="Case number",
        required=False,
        max_length=40,
        help_text="The board's reference of the case, as on the case list.",
    )

    def clean_case_number(self) -> str:
        value = self.cleaned_data["case_number"]
        if not value:
            raise ValidationError("Enter the case number.", code="required")
        return value


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title}, {obj.date:%a} {obj.date.day} {obj.date:%b %Y}"


class AddToMeetingForm(forms.Form):
    """The case page's "Add to meeting": the upcoming meetings the case is not on yet."""

    meeting = MeetingChoice(
        queryset=None,
        label="Add to meeting",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the upcoming meetings."},
    )

    def __init__(self, *args, case, **kwargs):
        from board.models import Meeting
        from board.services import board_today

        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(date__gte=board_today())
            .exclude(items__case=case)
            .order_by("date", "id")
        )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class DecisionForm(BoardForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[(value, label[:1].upper() + label[1:]) for value, label in Decision.OUTCOMES],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose follows or differs."},
    )
    plan = forms.CharField(
        label="Plan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX}),
        help_text="The treatment plan the board agreed, as it should appear on the summary.",
    )
    reason = forms.CharField(
        label="Reason the decision differs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
        help_text="Required when the decision differs from the recommendation.",
    )
    # The case version whose recommendation the form showed; signing checks it still holds.
    case_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "The form is incomplete; open it again from the agenda.",
            "invalid": "The form is incomplete; open it again from the agenda.",
            "min_value": "The form is incomplete; open it again from the agenda.",
        },
    )

    def body(self, meeting_id: int) -> dict:
        return {
            "meeting": meeting_id,
            "outcome": self.cleaned_data["outcome"] or None,
            "plan": self.cleaned_data["plan"],
            "reason": self.cleaned_data["reason"],
            "case_version": self.cleaned_data["case_version"],
        }


class AmendmentForm(BoardForm):
    reason = forms.CharField(
        label="Reason for the amendment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX}),
        help_text="Why the signed decision needs a correction or an addition.",
    )
    text = forms.CharField(
        label="Amendment text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
        help_text="What is corrected or added. The signed decision itself stays as it was.",
    )

    def body(self) -> dict:
        return {"reason": self.cleaned_data["reason"], "text": self.cleaned_data["text"]}


mark_required(MeetingForm, "date", "title")
mark_required(AgendaAddForm, "case_number")
mark_required(DecisionForm, "outcome", "plan")
mark_required(AmendmentForm, "reason", "text")
