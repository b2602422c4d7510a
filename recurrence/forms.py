"""The case form and the case list's filters.

The form fields only parse types (dates, whole numbers, numbers, choices, ticks). Every
rule about a case (ranges, date order, duplicate sites, ...) belongs to the guideline
contract: the form builds the contract's body, recurrence.services validates it, and the
errors it reports are put back next to the field or site row they name.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mbc_site.widgets import DayMonthYearWidget, mark_required
from recurrence import services
from recurrence.guideline import CaseRefused
from recurrence.guideline.schema import (
    DISTANT_SITES,
    FIELD_LABELS,
    HER2_IHC_SCORES,
    HER2_ISH_RESULTS,
    LOCOREGIONAL_SITES,
    MENOPAUSAL_STATUSES,
    PRESENTATIONS,
    PRIOR_BREAST_SURGERIES,
    RECEPTOR_RESULTS,
    RECEPTOR_TISSUES,
    SITE_LABELS,
    WORKUP_ITEMS,
    WORKUP_LABELS,
)
from recurrence.models import CATEGORY_CHOICES, PRESENTATION_CHOICES, SUBTYPE_CHOICES
from recurrence.presentation import VALUE_LABELS, dates_in_words, field_label

MAX_VERSION = 2**31 - 1


def _choices(name: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, VALUE_LABELS[name].get(v, v)) for v in values]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


SITE_CHOICES = [
    ("", "Choose a site"),
    ("Local-regional", [(s, _cap(SITE_LABELS[s])) for s in LOCOREGIONAL_SITES]),
    ("Distant", [(s, _cap(SITE_LABELS[s])) for s in DISTANT_SITES]),
]


DateInput = DayMonthYearWidget


class TriStateSelect(forms.NullBooleanSelect):
    """Yes, no, or not stated (null) for the contract's nullable ticks."""

    def __init__(self, unknown_label: str, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", unknown_label), ("true", "Yes"), ("false", "No")]


def _radio(name: str, values: tuple[str, ...], initial: str | None, help_text: str = ""):
    return forms.ChoiceField(
        label=field_label(name),
        choices=_choices(name, values),
        required=False,
        initial=initial,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def _tick(name: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=field_label(name), required=False, help_text=help_text)


def _tristate(name: str, unknown_label: str, help_text: str = "") -> forms.NullBooleanField:
    return forms.NullBooleanField(
        label=field_label(name),
        required=False,
        widget=TriStateSelect(unknown_label),
        help_text=help_text,
    )


def _date(name: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=field_label(name),
        required=False,
        widget=DateInput,
        help_text=help_text,
        error_messages={"invalid": "Enter a date (day, month and year)."},
    )


class CaseForm(forms.Form):
    case_number = forms.CharField(
        label="Case number", required=False, help_text="The board's reference for this case."
    )
    hospital_number = forms.CharField(label="Hospital number", required=False)

    presentation = _radio("presentation", PRESENTATIONS, None)
    recurrence_date = _date(
        "recurrence_date", "When the recurrence (or the stage IV disease) was diagnosed."
    )
    primary_diagnosis_date = _date("primary_diagnosis_date")
    age = forms.IntegerField(label="Age", required=False, help_text="Years.")
    menopausal_status = _radio("menopausal_status", MENOPAUSAL_STATUSES, "unknown")

    prior_breast_surgery = _radio("prior_breast_surgery", PRIOR_BREAST_SURGERIES, "none")
    prior_breast_radiotherapy = _tick("prior_breast_radiotherapy")
    prior_tamoxifen = _tick("prior_tamoxifen")
    tamoxifen_end_date = _date(
        "tamoxifen_end_date", "Leave empty if she is still taking tamoxifen."
    )
    prior_aromatase_inhibitor = _tick(
        "prior_aromatase_inhibitor", "Anastrozole, letrozole or exemestane before this recurrence."
    )
    aromatase_inhibitor_end_date = _date(
        "aromatase_inhibitor_end_date",
        "When the aromatase inhibitor was stopped. Leave empty if she is still taking it.",
    )
    primary_in_situ = _tristate(
        "primary_in_situ",
        "Not stated",
        "The primary tumour is still in place. Not stated: yes for de novo stage IV, "
        "no for a recurrence.",
    )

    er = _radio("er", RECEPTOR_RESULTS, "unknown")
    pr = _radio("pr", RECEPTOR_RESULTS, "unknown")
    her2_ihc = _radio("her2_ihc", HER2_IHC_SCORES, "unknown", "Immunohistochemistry score.")
    her2_ish = _radio("her2_ish", HER2_ISH_RESULTS, "not_done", "FISH or CISH result.")
    ki67_percent = forms.FloatField(
        label="Ki-67 (%)", required=False, help_text="Leave empty if not measured."
    )
    receptors_tested_on = _radio(
        "receptors_tested_on",
        RECEPTOR_TISSUES,
        "primary",
        "The tissue the ER, PR and HER2 results come from.",
    )
    histology_confirmed = _tick(
        "histology_confirmed", "The recurrence is confirmed by histology or cytology."
    )

    ecog = forms.IntegerField(
        label=FIELD_LABELS["ecog"],
        required=False,
        help_text="0 to 4. Leave empty if not recorded.",
    )
    visceral_crisis = _tick(
        "visceral_crisis", "Rapidly progressive, life-threatening visceral disease."
    )
    endocrine_resistance = _tick(
        "endocrine_resistance", "Evidence of resistance to endocrine therapy."
    )
    neurological_symptoms = _tick("neurological_symptoms")
    bone_pain = _tick("bone_pain", "Symptoms suggesting bone metastases.")
    hypercalcaemia = _tick("hypercalcaemia")
    systemic_disease_controlled = _tristate(
        "systemic_disease_controlled",
        "Not assessed",
        "After systemic therapy, no residual distant disease on imaging.",
    )
    resectable = _tristate(
        "resectable",
        "Not yet judged",
        "The surgeon's judgement that the disease an operation would address can be removed "
        "completely: for a local-regional recurrence, the recurrence; in metastatic disease, "
        "the metastases (not the primary tumour).",
    )
    bulky_disease = _tristate(
        "bulky_disease",
        "Not assessed",
        "A large tumour burden at any site, as the board judges it.",
    )

    version = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_VERSION,
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form is missing the case's version; open the case again and edit.",
            "invalid": "This form's version is not valid; open the case again and edit.",
            "min_value": "This form's version is not valid; open the case again and edit.",
            "max_value": "This form's version is not valid; open the case again and edit.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in WORKUP_ITEMS:
            self.fields[f"workup_{item}"] = forms.BooleanField(
                label=_cap(WORKUP_LABELS[item]), required=False
            )


CHOICE_FIELDS = frozenset(
    name for name, f in CaseForm.base_fields.items() if isinstance(f, forms.ChoiceField)
)
CONTRACT_SCALARS = tuple(
    name
    for name in CaseForm.base_fields
    if name not in ("case_number", "hospital_number", "version")
)

SECTIONS = (
    ("case", "Case", ("case_number", "hospital_number")),
    (
        "presentation",
        "Presentation and dates",
        ("presentation", "recurrence_date", "primary_diagnosis_date", "age", "menopausal_status"),
    ),
    (
        "prior",
        "Prior treatment",
        (
            "prior_breast_surgery",
            "prior_breast_radiotherapy",
            "prior_tamoxifen",
            "tamoxifen_end_date",
            "prior_aromatase_inhibitor",
            "aromatase_inhibitor_end_date",
            "primary_in_situ",
        ),
    ),
    ("sites", "Sites of disease", ()),
    (
        "receptors",
        "Receptors",
        (
            "er",
            "pr",
            "her2_ihc",
            "her2_ish",
            "ki67_percent",
            "receptors_tested_on",
            "histology_confirmed",
        ),
    ),
    (
        "clinical",
        "Clinical state",
        (
            "ecog",
            "visceral_crisis",
            "endocrine_resistance",
            "neurological_symptoms",
            "bone_pain",
            "hypercalcaemia",
            "systemic_disease_controlled",
            "resectable",
            "bulky_disease",
        ),
    ),
    ("workup", "Workup already done", tuple(f"workup_{item}" for item in WORKUP_ITEMS)),
)


class SiteForm(forms.Form):
    site = forms.ChoiceField(label="Site", choices=SITE_CHOICES, required=False)
    lesions = forms.IntegerField(
        label="Lesions",
        required=False,
        widget=forms.NumberInput,
    )
    symptomatic = forms.BooleanField(label="Symptomatic", required=False)


def _site_formset(extra: int):
    return forms.formset_factory(SiteForm, extra=extra, can_delete=True)


NewSiteFormSet = _site_formset(3)
EditSiteFormSet = _site_formset(2)

_SITE_PATH = re.compile(r"^sites\[(\d+)\](?:\.(\w+))?$")
# The contract numbers sites as it received them; beside a row, the row says which one.
_SITE_NUMBER = re.compile(r"^Site \d+(?::\s*|\s+)")
_SYMPTOMATIC_PATH = re.compile(r"^symptomatic_sites\[(\d+)\]$")


class CaseEntry:
    """The case form and its site rows, and the contract body built from them.

    is_valid() says whether every value parsed; `body` is the contract's case built from
    what parsed; add_contract_errors() puts the contract's errors back on the form.
    """

    sections = SECTIONS

    def __init__(self, data=None, *, initial=None, sites_initial=None, editing=False):
        self.form = CaseForm(data, initial=initial)
        self.form.fields["version"].required = editing
        formset = EditSiteFormSet if editing else NewSiteFormSet
        self.sites = formset(data, initial=sites_initial, prefix="sites")
        self.site_errors: list[str] = []
        self._row_of: dict[int, int] = {}
        self._symptomatic_rows: list[int] = []

    @classmethod
    def for_body(cls, body: dict[str, Any], *, version: int) -> CaseEntry:
        """An unbound form showing a stored case (services.case_body)."""
        initial = {k: v for k, v in body.items() if k in CaseForm.base_fields}
        for item, done in body.get("workup", {}).items():
            initial[f"workup_{item}"] = done
        initial["version"] = version
        symptomatic = set(body.get("symptomatic_sites", []))
        rows = [
            {"site": s["site"], "lesions": s["lesions"], "symptomatic": s["site"] in symptomatic}
            for s in body.get("sites", [])
        ]
        return cls(initial=initial, sites_initial=rows, editing=True)

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        sites_ok = self.sites.is_valid()
        return form_ok and sites_ok

    @property
    def version(self) -> int | None:
        return self.form.cleaned_data.get("version")

    @property
    def body(self) -> dict[str, Any]:
        """The contract's case (with case and hospital number) from the values that parsed.

        A value that did not parse is left out; its field already shows why.
        """
        data = self.form.cleaned_data
        body: dict[str, Any] = {
            "case_number": data.get("case_number", ""),
            "hospital_number": data.get("hospital_number", ""),
        }
        for name in CONTRACT_SCALARS:
            if name.startswith("workup_") or name not in data:
                continue
            value = data[name]
            if name in CHOICE_FIELDS and value == "":
                continue  # not chosen: the contract's default, or its "required"
            if name == "primary_in_situ" and value is None:
                continue  # not stated: the contract's default follows the presentation
            if isinstance(value, dt.date):
                value = value.isoformat()
            body[name] = value
        body["sites"], body["symptomatic_sites"] = self._sites_body()
        body["workup"] = {item: bool(data.get(f"workup_{item}")) for item in WORKUP_ITEMS}
        return body

    def _sites_body(self) -> tuple[list[dict[str, Any]], list[str]]:
        sites: list[dict[str, Any]] = []
        symptomatic: list[str] = []
        self._row_of, self._symptomatic_rows = {}, []
        for row, form in enumerate(self.sites.forms):
            cleaned = getattr(form, "cleaned_data", {})
            if cleaned.get("DELETE"):
                continue
            site = cleaned.get("site") or None
            lesions = cleaned.get("lesions")
            ticked = bool(cleaned.get("symptomatic"))
            if not site and lesions is None and not ticked and not form.errors:
                continue  # an empty row
            self._row_of[len(sites)] = row
            sites.append({"site": site, "lesions": lesions})
            if ticked and site:
                symptomatic.append(site)
                self._symptomatic_rows.append(row)
        return sites, symptomatic

    def check_contract(self, *, case_id: int | None = None) -> None:
        """Add the contract's errors for the values that parsed (nothing is stored)."""
        try:
            services.validate_body(self.body, exclude_case_id=case_id)
        except CaseRefused as refused:
            self.add_contract_errors(refused.errors)

    def add_contract_errors(self, errors: list[dict[str, str]]) -> None:
        """Put each {"field", "code", "message"} next to the field or site row it names."""
        self._sites_body()  # the map from contract index to site row
        for error in errors:
            path, message = error["field"], dates_in_words(error["message"])
            problem = ValidationError(message, code=error.get("code"))
            if match := _SITE_PATH.match(path):
                self._site_error(int(match[1]), match[2], problem)
            elif match := _SYMPTOMATIC_PATH.match(path):
                index = int(match[1])
                if index < len(self._symptomatic_rows):
                    self._add(
                        self.sites.forms[self._symptomatic_rows[index]], "symptomatic", problem
                    )
                else:
                    self.site_errors.append(message)
            elif path in ("sites", "symptomatic_sites"):
                self.site_errors.append(message)
            elif path.startswith("workup."):
                name = "workup_" + path.removeprefix("workup.")
                self._add(self.form, name if name in self.form.fields else None, problem)
            elif path in self.form.fields and path != "version":
                self._add(self.form, path, problem)
            else:
                self._add(self.form, None, problem)

    def _site_error(self, index: int, part: str | None, problem: ValidationError) -> None:
        row = self._row_of.get(index)
        if row is None:
            self.site_errors.extend(problem.messages)
            return
        form = self.sites.forms[row]
        text = _SITE_NUMBER.sub("", problem.messages[0], count=1)
        problem = ValidationError(text[:1].upper() + text[1:], code=problem.code)
        self._add(form, part if part in ("site", "lesions") else None, problem)

    @staticmethod
    def _add(form: forms.Form, name: str | None, problem: ValidationError) -> None:
        if name is not None and form.has_error(name):
            return  # the field already says what is wrong with what was typed
        if not hasattr(form, "cleaned_data"):
            form.cleaned_data = {}
        form.add_error(name, problem)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.form.errors
            or self.site_errors
            or self.sites.non_form_errors()
            or any(f.errors for f in self.sites.forms)
        )

    def error_summary(self) -> list[dict[str, str]]:
        """Every problem in one list for the top of the page, each linked to its field."""
        items = []
        for message in self.form.non_field_errors():
            items.append({"message": message, "anchor": ""})
        for name in ("version",):
            for message in self.form.errors.get(name, []):
                items.append({"message": message, "anchor": ""})
        for key, _title, names in self.sections:
            if key == "sites":
                items.extend(self._site_summary())
                continue
            for name in names:
                labels = (self.form.fields[name].label, FIELD_LABELS.get(name, ""))
                for message in self.form.errors.get(name, []):
                    named = any(label and message.startswith(label) for label in labels)
                    text = message if named else f"{labels[0]}: {message}"
                    items.append({"message": text, "anchor": f"field-{name}"})
        return items

    def _site_summary(self) -> list[dict[str, str]]:
        items = [{"message": m, "anchor": "sites"} for m in self.sites.non_form_errors()]
        items += [{"message": m, "anchor": "sites"} for m in self.site_errors]
        for row, form in enumerate(self.sites.forms):
            for name, messages in form.errors.items():
                label = f"Site row {row + 1}"
                if name != "__all__" and not messages[0].startswith(form.fields[name].label):
                    label += f", {form.fields[name].label.lower()}"
                for message in messages:
                    items.append({"message": f"{label}: {message}", "anchor": f"site-row-{row}"})
        return items

    def bound_sections(self) -> list[dict[str, Any]]:
        return [
            {"key": key, "title": title, "fields": [self.form[name] for name in names]}
            for key, title, names in self.sections
        ]


class CaseFilterForm(forms.Form):
    """The case list's search and filters; a value that does not parse is ignored."""

    # A case number or its beginning, or a whole hospital number (recurrence.search).
    q = forms.CharField(label="Case number (or its start), or hospital number", required=False)
    presentation = forms.ChoiceField(
        label="Presentation", required=False, choices=[("", "Any")] + PRESENTATION_CHOICES
    )
    category = forms.ChoiceField(
        label="Category", required=False, choices=[("", "Any")] + CATEGORY_CHOICES
    )
    subtype = forms.ChoiceField(
        label="Subtype", required=False, choices=[("", "Any")] + SUBTYPE_CHOICES
    )

    meeting = forms.TypedChoiceField(
        label="Meeting", required=False, coerce=int, empty_value=None, choices=[("", "Any")]
    )

    def __init__(self, *args, **kwargs):
        from board.models import Meeting

        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "Any")] + [
            (m.pk, f"{m.title}, {m.date.day} {m.date:%b %Y}")
            for m in Meeting.objects.order_by("-date", "-id")[:100]
        ]

    def filters(self) -> dict[str, Any]:
        """{queryset filter: value} of what was chosen (a meeting: the cases on its agenda)."""
        self.is_valid()
        chosen = {k: v for k, v in self.cleaned_data.items() if v}
        if "meeting" in chosen:
            chosen["agenda_items__meeting_id"] = chosen.pop("meeting")
        return chosen


mark_required(CaseForm, "case_number", "presentation", "recurrence_date")
