"""Display structures for the pages, built from the engine's result and facts.

Plain data in, plain data out: no database, no requests. Every clinical statement on a
page comes from the engine's result or from SOURCES; this module only arranges it and
turns codes into labels.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from recurrence.guideline import PROGNOSTIC_SOURCE, SOURCES
from recurrence.guideline.facts import Facts
from recurrence.guideline.schema import FIELD_LABELS, KINDS, SITE_LABELS, WORKUP_LABELS
from recurrence.models import CATEGORY_CHOICES, SUBTYPE_CHOICES

KIND_LABELS = {
    "treatment": "Treatment",
    "consider": "Consider",
    "workup": "Workup",
    "monitoring": "Monitoring",
    "supportive": "Supportive care",
    "warning": "Warnings",
    "info": "Information",
}

CATEGORY_LABELS = dict(CATEGORY_CHOICES)
SUBTYPE_LABELS = dict(SUBTYPE_CHOICES)
INTENT_LABELS = {"curative": "Curative", "palliative": "Palliative"}
STATUS_LABELS = {
    "positive": "positive",
    "negative": "negative",
    "unknown": "unknown",
    "equivocal": "equivocal",
}

VALUE_LABELS: dict[str, dict[str, str]] = {
    "presentation": {"recurrence": "Recurrence", "de_novo_stage_iv": "De novo stage IV"},
    "menopausal_status": {
        "premenopausal": "Premenopausal",
        "postmenopausal": "Postmenopausal",
        "unknown": "Unknown",
    },
    "prior_breast_surgery": {
        "none": "None",
        "breast_conserving": "Breast-conserving surgery",
        "mastectomy": "Mastectomy",
    },
    "er": {"positive": "Positive", "negative": "Negative", "unknown": "Unknown"},
    "pr": {"positive": "Positive", "negative": "Negative", "unknown": "Unknown"},
    "her2_ihc": {"0": "0", "1+": "1+", "2+": "2+", "3+": "3+", "unknown": "Unknown"},
    "her2_ish": {
        "amplified": "Amplified",
        "not_amplified": "Not amplified",
        "not_done": "Not done",
    },
    "receptors_tested_on": {"recurrence": "Recurrence", "primary": "Primary tumour"},
}

EXTRA_FIELD_LABELS = {
    "case_number": "Case number",
    "hospital_number": "Hospital number",
    "ki67_percent": "Ki-67 (%)",
}

PROGNOSIS_LABELS = {
    # Ruleset 2.0: the source's favourable factors, each present, absent or unknown.
    "PF_LONG_DFI": "Long disease-free interval (24 months or more)",
    "PF_LIMITED_SITES": "Limited metastatic sites without bulky disease",
    "PF_NO_VISCERAL": "No visceral involvement (brain counted as involvement)",
    "PF_HR_POSITIVE": "Hormone receptor positive",
    "PF_HER2_NEGATIVE": "HER2 negative",
    # Ruleset 1.0 only, kept to show decisions signed under it.
    "PF_SHORT_DFI": "Short disease-free interval (less than 12 months)",
    "PF_MULTIPLE_SITES": "Several distant sites",
    "PF_VISCERAL": "Visceral metastases",
    "PF_HR_NEGATIVE": "Hormone receptor negative",
    "PF_HER2_POSITIVE": "HER2 positive",
}

NOT_RECORDED = "not recorded"


FOLLOW_UP_LABELS = {
    "last_contact_date": "Date of last contact",
    "vital_status": "Vital status",
    "death_date": "Date of death",
    "progression_date": "Date of progression",
}


def field_label(name: str) -> str:
    if name.startswith("workup."):
        item = name.removeprefix("workup.")
        return f"Workup: {WORKUP_LABELS.get(item, item.replace('_', ' '))}"
    if name.startswith("follow_up."):
        item = name.removeprefix("follow_up.")
        return f"Follow-up: {FOLLOW_UP_LABELS.get(item, item.replace('_', ' ')).lower()}"
    if name == "treatments":
        return "Treatments"
    if name in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[name]
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def site_label(site: str | None) -> str:
    if not site:
        return NOT_RECORDED
    return SITE_LABELS.get(site, site)


def _sites_text(sites: Any) -> str:
    if not sites:
        return "none"
    parts = []
    for item in sites:
        if isinstance(item, dict):
            lesions = item.get("lesions")
            count = "not counted" if lesions is None else str(lesions)
            parts.append(f"{site_label(item.get('site'))} ({count})")
        else:
            parts.append(site_label(item))
    return ", ".join(parts)


def _workup_text(workup: Any) -> str:
    if not isinstance(workup, dict):
        return str(workup)
    done = [WORKUP_LABELS.get(k, k) for k, v in workup.items() if v]
    return "done: " + ", ".join(done) if done else "nothing done yet"


def value_text(name: str, value: Any) -> str:
    """A stored value of a case field in words, as the history and summaries show it."""
    if name == "sites":
        return _sites_text(value)
    if name == "symptomatic_sites":
        return _sites_text(value)
    if name == "workup":
        return _workup_text(value)
    if value is None or value == "":
        return NOT_RECORDED
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if name in VALUE_LABELS:
        return VALUE_LABELS[name].get(str(value), str(value))
    if name == "ki67_percent":
        return f"{value:g} %" if isinstance(value, (int, float)) else str(value)
    return dates_in_words(str(value))


# --- the recommendation ------------------------------------------------------------------


def source_ref(source: dict[str, str]) -> dict[str, str]:
    """A rule's {"id", "section", "passage"} with the document's title for display. A result
    signed under ruleset 1.0 has no passage; it is shown without one."""
    doc = SOURCES.get(source["id"])
    return {
        "id": source["id"],
        "title": doc.title if doc else source["id"],
        "section": source.get("section", ""),
        "passage": source.get("passage", ""),
    }


def recommendation_groups(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The recommendations grouped by kind, in the contract's order; empty kinds left out."""
    groups = []
    for kind in KINDS:
        items = [
            {**rec, "source": source_ref(rec["source"])}
            for rec in result["recommendations"]
            if rec["kind"] == kind
        ]
        if items:
            groups.append({"kind": kind, "label": KIND_LABELS[kind], "items": items})
    return groups


def prognosis(result: dict[str, Any]) -> dict[str, Any]:
    """The prognostic factors in words, with the source they come from."""

    def words(codes: list[str]) -> list[dict[str, str]]:
        return [{"code": c, "label": PROGNOSIS_LABELS.get(c, c)} for c in codes]

    listed = result["prognosis"]
    return {
        "favourable": words(listed.get("favourable", [])),
        "absent": words(listed.get("absent", [])),
        "unknown": words(listed.get("unknown", [])),
        # only in a result signed under ruleset 1.0
        "unfavourable": words(listed.get("unfavourable", [])),
        "source": source_ref(PROGNOSTIC_SOURCE),
    }


def _day(day: dt.date | None) -> str:
    return NOT_RECORDED if day is None else f"{day.day} {day:%b %Y}"


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in_words(text: str) -> str:
    """A message with its ISO dates written as the pages write dates: "7 Feb 2025"."""

    def words(match: re.Match) -> str:
        try:
            return _day(dt.date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return _ISO_DATE.sub(words, text)


def summary(facts: Facts, result: dict[str, Any]) -> list[tuple[str, str]]:
    """The patient summary: what was entered and what the engine derived from it."""
    case = facts.case
    dfi = result["disease_free_interval_months"]
    her2 = f"{STATUS_LABELS[facts.her2]} (IHC {case.her2_ihc}, ISH {value_text('her2_ish', case.her2_ish).lower()})"
    ki67 = value_text("ki67_percent", case.ki67_percent)
    rows = [
        ("Presentation", value_text("presentation", case.presentation)),
        ("Recurrence date", _day(case.recurrence_date)),
        ("Primary diagnosis date", _day(case.primary_diagnosis_date)),
        (
            "Category",
            f"{CATEGORY_LABELS[result['category']]}, "
            f"{INTENT_LABELS[result['intent']].lower()} intent",
        ),
        ("Subtype", SUBTYPE_LABELS.get(result["subtype"], result["subtype"])),
        (
            "Hormone receptor",
            f"{STATUS_LABELS[facts.hr]} (ER {case.er}, PR {case.pr})",
        ),
        ("HER2", her2),
        ("Ki-67", ki67),
        ("Menopausal status", value_text("menopausal_status", case.menopausal_status)),
        ("Age", NOT_RECORDED if case.age is None else str(case.age)),
        ("ECOG", NOT_RECORDED if case.ecog is None else str(case.ecog)),
        (
            "Disease-free interval",
            "not applicable" if dfi is None else f"{dfi} months",
        ),
    ]
    if result["category"] == "metastatic":
        rows.append(("Oligometastatic", "yes" if result["oligometastatic"] else "no"))
    return rows


def site_rows(facts: Facts) -> list[dict[str, Any]]:
    case = facts.case
    return [
        {
            "label": site_label(s.site),
            "lesions": s.lesions,
            "distant": s.site in facts.distant_sites,
            "symptomatic": s.site in case.symptomatic_sites,
        }
        for s in case.sites
    ]


def clinical_flags(facts: Facts) -> list[str]:
    """The clinical-state ticks that are set, by their field labels."""
    case = facts.case
    names = (
        "visceral_crisis",
        "endocrine_resistance",
        "neurological_symptoms",
        "bone_pain",
        "hypercalcaemia",
        "prior_breast_radiotherapy",
        "prior_tamoxifen",
        "prior_aromatase_inhibitor",
        "primary_in_situ",
        "histology_confirmed",
    )
    flags = []
    if case.prior_breast_surgery != "none":
        surgery = value_text("prior_breast_surgery", case.prior_breast_surgery)
        flags.append(f"{field_label('prior_breast_surgery')}: {surgery.lower()}")
    flags += [field_label(n) for n in names if getattr(case, n)]
    if case.tamoxifen_end_date is not None:
        flags.append(f"{field_label('tamoxifen_end_date')}: {_day(case.tamoxifen_end_date)}")
    if case.aromatase_inhibitor_end_date is not None:
        end = _day(case.aromatase_inhibitor_end_date)
        flags.append(f"{field_label('aromatase_inhibitor_end_date')}: {end}")
    for name in ("systemic_disease_controlled", "resectable", "bulky_disease"):
        value = getattr(case, name)
        if value is not None:
            flags.append(f"{field_label(name)}: {value_text(name, value)}")
    return flags


# --- the path through the algorithm --------------------------------------------------------


@dataclass
class Option:
    label: str
    taken: bool
    leads_to: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Step:
    question: str
    options: list[Option]
    applies: bool = True
    detail: str = ""


@dataclass
class Branch:
    label: str
    taken: bool
    steps: list[Step]
    because: list[str] = field(default_factory=list)
    leads_to: list[dict[str, str]] = field(default_factory=list)


def _codes(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rec["code"]: rec for rec in result["recommendations"]}


def _leads(fired: dict[str, dict[str, Any]], *codes: str) -> list[dict[str, str]]:
    return [{"code": c, "title": fired[c]["title"]} for c in codes if c in fired]


def _option(fired: dict[str, dict[str, Any]], label: str, taken: bool, *codes: str) -> Option:
    return Option(label, taken, _leads(fired, *codes) if taken else [])


def algorithm_path(facts: Facts, result: dict[str, Any]) -> dict[str, Any]:
    """The guideline's decision tree with the branches this case takes.

    Local-regional or metastatic first; on the metastatic side the hormone receptor
    branch, the first systemic treatment, the menopausal branch and the HER2 branch.
    Which options are taken follows from the facts; what each leads to is the list of
    recommendations the engine actually gave.
    """
    fired = _codes(result)
    case = facts.case
    lrr = facts.category == "isolated_locoregional"
    met = not lrr

    def opt(label: str, taken: bool, *codes: str) -> Option:
        return _option(fired, label, taken, *codes)

    resectable = case.resectable is not False
    lrr_branch = Branch(
        label="Isolated local-regional recurrence",
        taken=lrr,
        because=fired["LRR_CURATIVE_INTENT"]["because"] if "LRR_CURATIVE_INTENT" in fired else [],
        leads_to=_leads(fired, "LRR_CURATIVE_INTENT", "LRR_ADJUVANT_SYSTEMIC"),
        steps=[
            Step(
                "Resectable",
                [
                    opt(
                        "Yes, or not yet judged",
                        lrr and resectable,
                        "LRR_RADICAL_RESECTION",
                        "LRR_MASTECTOMY_AFTER_BCT",
                    ),
                    opt(
                        "No",
                        lrr and not resectable,
                        "NEOADJUVANT_SYSTEMIC_THERAPY",
                        "NEOADJUVANT_RESPONSE_MONITORING",
                    ),
                ],
                applies=lrr,
            ),
            Step(
                "Breast or chest wall irradiated before",
                [
                    opt("No", lrr and not case.prior_breast_radiotherapy, "LRR_RADIOTHERAPY"),
                    opt("Yes", lrr and case.prior_breast_radiotherapy, "WARN_PRIOR_RADIOTHERAPY"),
                ],
                applies=lrr,
            ),
        ],
    )

    endocrine = "ENDOCRINE_FIRST_LINE" in fired
    chemo = "CHEMOTHERAPY" in fired
    status = case.menopausal_status
    her2_open = facts.her2 in ("equivocal", "unknown")
    met_branch = Branch(
        label="De novo stage IV"
        if case.presentation == "de_novo_stage_iv"
        else "Metastatic disease",
        taken=met,
        because=fired["MET_PALLIATIVE_INTENT"]["because"]
        if "MET_PALLIATIVE_INTENT" in fired
        else [],
        leads_to=_leads(fired, "MET_PALLIATIVE_INTENT"),
        steps=[
            Step(
                "Hormone receptor",
                [
                    opt("Positive", met and facts.hr == "positive"),
                    opt("Negative", met and facts.hr == "negative"),
                    opt("Unknown", met and facts.hr == "unknown", "RECEPTOR_REASSESSMENT"),
                ],
                applies=met,
                detail=f"ER {case.er}, PR {case.pr}" if met else "",
            ),
            Step(
                "First systemic treatment",
                [
                    opt("Endocrine therapy", met and endocrine, "ENDOCRINE_FIRST_LINE"),
                    opt("Chemotherapy", met and chemo, "CHEMOTHERAPY"),
                    opt("Waits for receptor status", met and not endocrine and not chemo),
                ],
                applies=met,
                detail="; ".join(fired["CHEMOTHERAPY"]["because"] if chemo else []),
            ),
            Step(
                "Menopausal status",
                [
                    opt(
                        "Premenopausal",
                        met and endocrine and status == "premenopausal",
                        "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION",
                        "ENDO_AI_OVARIAN_SUPPRESSION",
                    ),
                    opt(
                        "Postmenopausal",
                        met and endocrine and status == "postmenopausal",
                        "ENDO_AROMATASE_INHIBITOR",
                        "ENDO_TAMOXIFEN_ALTERNATIVE",
                    ),
                    opt(
                        "Unknown",
                        met and endocrine and status == "unknown",
                        "MENOPAUSAL_STATUS_ASSESSMENT",
                    ),
                ],
                applies=met and endocrine,
            ),
            Step(
                "HER2",
                [
                    opt(
                        "Positive",
                        met and facts.her2 == "positive",
                        "HER2_TRASTUZUMAB",
                        "HER2_LAPATINIB_OPTION",
                    ),
                    opt("Negative", met and facts.her2 == "negative"),
                    opt(
                        "Equivocal or unknown",
                        met and her2_open,
                        "HER2_ISH_CONFIRMATION",
                        "RECEPTOR_REASSESSMENT",
                    ),
                ],
                applies=met,
                detail=f"IHC {case.her2_ihc}, ISH {value_text('her2_ish', case.her2_ish).lower()}"
                if met
                else "",
            ),
        ],
    )
    return {
        "root": value_text("presentation", case.presentation),
        "branches": [lrr_branch, met_branch],
    }


# --- the change history --------------------------------------------------------------------


def _sort_key(name: str) -> int:
    order = list(EXTRA_FIELD_LABELS) + list(FIELD_LABELS)
    return order.index(name) if name in order else len(order)


def change_rows(changes: dict[str, list[Any]]) -> list[dict[str, str]]:
    """One saved change's fields, old and new value in words, in the form's order."""
    rows = []
    for name in sorted(changes, key=_sort_key):
        pair = changes[name]
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append(
            {"field": field_label(name), "old": value_text(name, old), "new": value_text(name, new)}
        )
    return rows


def differences(mine: dict[str, Any], saved: dict[str, Any]) -> list[dict[str, str]]:
    """Fields where an unsaved body differs from the saved one (for a refused stale save)."""
    names = [k for k in mine if k in saved and mine[k] != saved[k]]
    return [
        {
            "field": field_label(name),
            "saved": value_text(name, saved[name]),
            "mine": value_text(name, mine[name]),
        }
        for name in sorted(names, key=_sort_key)
    ]
