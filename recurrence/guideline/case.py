"""A validated case: the contract's input once it has been parsed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from .schema import WORKUP_ITEMS


@dataclass(frozen=True, slots=True)
class Site:
    site: str
    lesions: int | None = None


@dataclass(frozen=True, slots=True)
class Workup:
    cbc: bool = False
    liver_function: bool = False
    renal_function: bool = False
    alkaline_phosphatase: bool = False
    calcium: bool = False
    chest_imaging: bool = False
    abdominal_imaging: bool = False
    bone_scan: bool = False
    brain_imaging: bool = False

    def missing(self) -> tuple[str, ...]:
        return tuple(item for item in WORKUP_ITEMS if not getattr(self, item))


@dataclass(frozen=True, slots=True)
class Case:
    presentation: str
    recurrence_date: dt.date
    sites: tuple[Site, ...]
    primary_diagnosis_date: dt.date | None = None
    age: int | None = None
    menopausal_status: str = "unknown"
    prior_breast_surgery: str = "none"
    prior_breast_radiotherapy: bool = False
    prior_tamoxifen: bool = False
    tamoxifen_end_date: dt.date | None = None
    prior_aromatase_inhibitor: bool = False
    aromatase_inhibitor_end_date: dt.date | None = None
    primary_in_situ: bool = False
    er: str = "unknown"
    pr: str = "unknown"
    her2_ihc: str = "unknown"
    her2_ish: str = "not_done"
    ki67_percent: float | None = None
    receptors_tested_on: str = "primary"
    histology_confirmed: bool = False
    ecog: int | None = None
    visceral_crisis: bool = False
    endocrine_resistance: bool = False
    neurological_symptoms: bool = False
    bone_pain: bool = False
    hypercalcaemia: bool = False
    symptomatic_sites: tuple[str, ...] = ()
    systemic_disease_controlled: bool | None = None
    resectable: bool | None = None
    bulky_disease: bool | None = None
    workup: Workup = field(default_factory=Workup)

    @property
    def site_names(self) -> tuple[str, ...]:
        return tuple(s.site for s in self.sites)

    def to_dict(self) -> dict:
        """The case in the contract's JSON shape, every field spelled out."""
        out: dict = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif f.name == "sites":
                value = [{"site": s.site, "lesions": s.lesions} for s in value]
            elif f.name == "symptomatic_sites":
                value = list(value)
            elif f.name == "workup":
                value = {item: getattr(value, item) for item in WORKUP_ITEMS}
            out[f.name] = value
        return out
