"""The choices of the Outcomes page and API: a form that reads them, and what they mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from outcomes.cohort import Filters
from outcomes.labels import (
    COX_COVARIATES,
    DEFAULT_LANDMARK,
    ENDPOINTS,
    GROUP_BY,
    LABELS,
    LANDMARK_CHOICES,
    SITE_PATTERN_CHOICES,
    TREATMENT_SPLITS,
)
from recurrence.models import PRESENTATION_CHOICES, SUBTYPE_CHOICES

_SPLITS = [
    (
        "Treatments given after the recurrence",
        [(key, GROUP_BY[key]) for key in TREATMENT_SPLITS],
    ),
    (
        "Known at the recurrence",
        [(key, label) for key, label in GROUP_BY.items() if key not in TREATMENT_SPLITS],
    ),
]


def _flat(choices) -> dict[str, str]:
    """Value to label, through option groups."""
    found = {}
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            found.update(dict(label))
        else:
            found[value] = label
    return found


def _choice(label: str, choices, *, any_label: str | None = "Any") -> forms.ChoiceField:
    options = ([("", any_label)] if any_label else []) + list(choices)
    return forms.ChoiceField(label=label, required=False, choices=options)


class OutcomesForm(forms.Form):
    """The Outcomes page's choices. A value that is not one of the choices is an error of
    its field, and `choices()` uses that field's default instead."""

    endpoint = _choice("Endpoint", ENDPOINTS.items(), any_label=None)
    group_by = _choice("Split by", _SPLITS, any_label=None)
    landmark = _choice(
        "Landmark", [(str(m), f"{m} months") for m in LANDMARK_CHOICES], any_label=None
    )
    show_biased = forms.BooleanField(
        label="Show the biased comparison",
        required=False,
        help_text="Adds the curves by treatment at any time from the recurrence date, which "
        "count the time before treatment as treated.",
    )
    presentation = _choice("Presentation", PRESENTATION_CHOICES)
    subtype = _choice("Subtype", SUBTYPE_CHOICES)
    site_pattern = _choice("Site pattern", SITE_PATTERN_CHOICES)
    surgery = _choice("Surgery", [("yes", "Surgery"), ("no", "No surgery")])
    cases = _choice(
        "Cases",
        [("hospital", "Hospital cases only"), ("synthetic", "Synthetic demo cases only")],
        any_label="All recorded cases",
    )
    cox = forms.MultipleChoiceField(
        label="Cox model covariates",
        required=False,
        choices=list(COX_COVARIATES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick one or more to fit a Cox proportional hazards model.",
    )

    def __init__(self, data=None, *args, **kwargs):
        # A select shows its first option when the query does not say; the landmark's
        # default is not the first, so it is filled in.
        if data is not None and "landmark" not in data:
            data = data.copy()
            data["landmark"] = str(DEFAULT_LANDMARK)
        super().__init__(data, *args, **kwargs)

    DEFAULTS: dict[str, Any] = {
        "endpoint": "os",
        "group_by": "surgery",
        "landmark": str(DEFAULT_LANDMARK),
        "show_biased": False,
        "presentation": "",
        "subtype": "",
        "site_pattern": "",
        "surgery": "",
        "cases": "",
        "cox": [],
    }

    def choices(self) -> Choices:
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) or default for name, default in self.DEFAULTS.items()
        }
        return Choices(
            filters=Filters(
                presentation=data["presentation"],
                subtype=data["subtype"],
                site_pattern=data["site_pattern"],
                surgery={"yes": True, "no": False}.get(data["surgery"]),
                synthetic={"hospital": False, "synthetic": True}.get(data["cases"]),
            ),
            endpoint=data["endpoint"],
            group_by=data["group_by"],
            landmark=int(data["landmark"]),
            naive=bool(data["show_biased"]),
            cox=tuple(c for c in COX_COVARIATES if c in data["cox"] or c in self._raw("cox")),
        )

    def _raw(self, name: str) -> list[str]:
        if hasattr(self.data, "getlist"):
            return [str(v) for v in self.data.getlist(name)]
        value = self.data.get(name)
        return (
            []
            if value is None
            else [str(v) for v in (value if isinstance(value, list) else [value])]
        )

    def ignored(self) -> list[str]:
        """What was not understood, one sentence per field, for the page to show."""
        self.is_valid()
        found = []
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            if name == "cox":
                unknown = [v for v in self._raw(name) if v not in COX_COVARIATES]
                shown = ", ".join(f"“{v[:40]}”" for v in unknown)
                found.append(f"{field.label}: {shown} not known; left out of the model.")
                continue
            default = self.DEFAULTS[name]
            instead = _flat(field.choices)[default] if default else "any"
            shown = ", ".join(self._raw(name))[:60]
            found.append(
                f"{field.label}: “{shown}” is not one of the choices; showing {instead.lower()}"
                " instead."
            )
        return found


@dataclass(frozen=True)
class Choices:
    filters: Filters
    endpoint: str = "os"
    group_by: str = "surgery"
    cox: tuple[str, ...] = ()
    landmark: int = DEFAULT_LANDMARK
    naive: bool = False

    @property
    def treatment(self) -> bool:
        """Split by a treatment given after the recurrence date."""
        return self.group_by in TREATMENT_SPLITS

    def query(self) -> dict[str, Any]:
        """The query string that asks for these choices again (for links)."""
        f = self.filters
        params: dict[str, Any] = {"endpoint": self.endpoint, "group_by": self.group_by}
        for name in ("presentation", "subtype", "site_pattern"):
            if value := getattr(f, name):
                params[name] = value
        if f.surgery is not None:
            params["surgery"] = "yes" if f.surgery else "no"
        if f.synthetic is not None:
            params["cases"] = "synthetic" if f.synthetic else "hospital"
        if self.cox:
            params["cox"] = list(self.cox)
        if self.treatment:
            params["landmark"] = self.landmark
            if self.naive:
                params["show_biased"] = "on"
        return params


def describe(chosen: Choices) -> str:
    """The choices in a sentence, so that the page says what it shows."""
    f = chosen.filters
    text = f"{ENDPOINTS[chosen.endpoint]} from the recurrence date"
    if chosen.group_by != "none":
        text += f", split by {GROUP_BY[chosen.group_by].lower()}"
    if chosen.treatment:
        text += (
            f", compared from a {chosen.landmark}-month landmark and with treatment as a "
            "time-dependent covariate"
        )
        if chosen.naive:
            text += ", with the biased comparison beside them"
    kept = [
        LABELS[name][getattr(f, name)]
        for name in ("presentation", "subtype", "site_pattern")
        if getattr(f, name)
    ]
    if f.surgery is not None:
        kept.append("with surgery" if f.surgery else "without surgery")
    if f.synthetic is not None:
        kept.append("synthetic demo cases only" if f.synthetic else "hospital cases only")
    text += ". Patients: " + (", ".join(kept) if kept else "every case with recorded follow-up")
    if chosen.cox:
        text += ". Cox model on " + ", ".join(COX_COVARIATES[c].lower() for c in chosen.cox)
    return text + "."
