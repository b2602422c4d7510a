"""What the evidence pages and the API show, arranged from the library.

Plain data in, plain data out: no database, no requests. Every clinical statement comes
from the library (read from the data files); this module only selects, orders and turns
codes into labels.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from evidence.matching import (
    DESIGN_LABELS,
    ENDPOINT_LABELS,
    INTERVENTION_LABELS,
    INTERVENTION_SITES,
    PRESENTATION_LABELS,
    Figure,
    Library,
    LiverPatient,
    Reference,
    Study,
)
from recurrence.guideline import SOURCES
from recurrence.guideline.schema import SITE_LABELS, SITES

FACTS_SOURCE = "literature-facts"
MEASURE_LABELS = {
    "rate": "rate",
    "median": "median",
    "time_to_event": "time to event",
    "hazard_ratio": "hazard ratio",
    "odds_ratio": "odds ratio",
    "proportion": "proportion",
}
SUBGROUP_KIND_LABELS = {
    "subtype": "subtype",
    "hormone_receptor": "hormone receptors",
    "her2": "HER2",
    "age": "age",
    "site_pattern": "site pattern",
    "disease_free_interval": "disease-free interval",
    "grade": "grade",
    "t_stage": "T stage",
}
TAG_LABELS = {
    "background": "Metastatic disease in general",
    "liver": "Liver",
    "lung": "Lung",
    "brain": "Brain",
    "bone": "Bone",
    "chest_wall": "Chest wall",
    "ovary": "Ovary",
    "gastrointestinal": "Gastrointestinal",
    "adrenal": "Adrenal",
    "primary_tumour_surgery": "Primary tumour surgery",
}
TAG_BASIS_LABELS = {
    "title": "tagged from the cited title",
    "position": "tagged from its place in the list",
}
LIVER_GROUP_LABELS = {
    "liver_only": "Solitary liver metastasis",
    "liver_and_extrahepatic": "Liver and extrahepatic metastasis",
}


# --- filters ---------------------------------------------------------------------------


def study_sites(study: Study) -> list[str]:
    """The sites a study is about: those its population names and those it operates on."""
    found = set(study.population.sites)
    for iv in study.interventions:
        found.update(INTERVENTION_SITES.get(iv, ()))
    return [s for s in SITES if s in found]


def filter_studies(
    library: Library,
    *,
    intervention: str | None = None,
    site: str | None = None,
    design: str | None = None,
) -> list[Study]:
    """The studies that meet every filter given, in the library's order. A value the
    library does not know matches nothing."""
    return [
        s
        for s in library.studies.values()
        if (not intervention or intervention in s.interventions)
        and (not site or site in study_sites(s))
        and (not design or s.design == design)
    ]


def missing_randomised(library: Library, shown: Iterable[Study]) -> list[dict[str, Any]]:
    """For each intervention of a shown observational study, the randomised studies of it
    that the selection leaves out, so that a filter never hides them silently."""
    shown = list(shown)
    keys = {s.key for s in shown}
    out = []
    for iv in INTERVENTION_LABELS:
        if not any(iv in s.interventions and not s.randomised for s in shown):
            continue
        left_out = [
            s
            for s in library.studies.values()
            if s.randomised and iv in s.interventions and s.key not in keys
        ]
        if left_out:
            out.append({"intervention": INTERVENTION_LABELS[iv], "studies": left_out})
    return out


def counterweights(library: Library, study: Study) -> dict[str, Any] | None:
    """For a study page: the randomised studies of its interventions when it is
    observational, or the observational ones when it is randomised."""
    ivs = set(study.interventions)
    others = [
        s
        for s in library.studies.values()
        if s.key != study.key
        and s.randomised != study.randomised
        and s.design != "review"
        and ivs.intersection(s.interventions)
    ]
    if not others:
        return None
    heading = "Observational evidence on" if study.randomised else "Randomised evidence on"
    topics = [INTERVENTION_LABELS[iv] for iv in study.interventions]
    if len(topics) > 1:
        shared = {iv for s in others for iv in s.interventions}
        topics = [INTERVENTION_LABELS[iv] for iv in study.interventions if iv in shared]
    return {"heading": f"{heading} {', '.join(topics)}", "studies": others}


# --- labels ----------------------------------------------------------------------------


# Short words for each caveat code, where a page has room for a list only (the printed
# board summary); the evidence panel shows each caveat's text.
CAVEAT_LABELS = {
    "not_candidate": "not a candidate now",
    "selected_patients": "selected patients",
    "immortal_time": "time zero differs between the groups (immortal time)",
    "no_comparison_group": "no comparison group",
    "observational": "observational",
    "population_differs": "population differs",
    "reported_inconsistently": "figures reported inconsistently",
    "same_trial": "same trial as another report",
    "receptors_incomplete": "receptor status incomplete",
    "ki67_not_recorded": "Ki-67 not recorded",
    "size_approximate": "size approximate",
    "review_only": "review without figures",
}


def caveat_label(code: str) -> str:
    return CAVEAT_LABELS.get(code, code.replace("_", " "))


def design_label(design: str) -> str:
    return DESIGN_LABELS.get(design, design)


def intervention_label(code: str) -> str:
    return INTERVENTION_LABELS.get(code, code)


def site_label(code: str) -> str:
    return SITE_LABELS.get(code, code)


def size_text(study: Study) -> str:
    if study.n_total is None:
        return "not stated"
    return f"about {study.n_total}" if study.n_approximate else str(study.n_total)


def source_of(study: Study) -> dict[str, str]:
    """The document a study (and each of its figures) was read from."""
    if study.source == FACTS_SOURCE:
        return {
            "id": FACTS_SOURCE,
            "title": study.citation,
            "short": study.citation,
            "doi": study.doi or "",
            "anchor": "",
            "kind": "publication, as summarised in the library's literature facts",
        }
    document = SOURCES.get(study.source)
    if document is None:
        return {
            "id": study.source,
            "title": study.source,
            "short": study.source,
            "doi": "",
            "anchor": "",
            "kind": "",
        }
    return {
        "id": document.id,
        "title": document.title,
        "short": document.id,
        "doi": document.doi,
        "anchor": document.id,
        "kind": document.kind,
    }


def _time_words(months: int | None) -> str:
    if months is None:
        return ""
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} months"


def _number_text(figure: Figure) -> str:
    if figure.unit == "percent":
        return f"{figure.value}%"
    if figure.unit == "months":
        return f"{figure.value} months"
    return str(figure.value)


_MATH = re.compile(r"\$\s*([^$]*?)\s*\$")
_TEX = {
    "leq": "\u2264",
    "le": "\u2264",
    "geq": "\u2265",
    "ge": "\u2265",
    "pm": "\u00b1",
    "times": "\u00d7",
}
_TEX_COMMAND = re.compile(r"\\(leq|geq|le|ge|pm|times)(?![a-z])")


def quote_text(text: str) -> str:
    """A quotation as a reader sees it: the source's inline LaTeX ("( $p=0.011$ )",
    "$49.20 \\pm 12.10$") as plain text ("(p=0.011)", "49.20 \u00b1 12.10"). The words and
    figures stay as written; only the markup goes."""

    def plain(match: re.Match[str]) -> str:
        return _TEX_COMMAND.sub(lambda m: _TEX[m.group(1)], match.group(1)).replace("\\%", "%")

    text = _MATH.sub(plain, text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    return re.sub(r"\s{2,}", " ", text)


def figure_row(figure: Figure) -> dict[str, Any]:
    """One line of a study's figures table. A figure of the literature facts is placed by
    the section of that file it is listed in."""
    ci = ""
    if figure.ci_low is not None and figure.ci_high is not None:
        level = f"{figure.ci_level}% CI " if figure.ci_level else "CI "
        ci = f"{level}{figure.ci_low}\u2013{figure.ci_high}"
    endpoint = ENDPOINT_LABELS.get(figure.endpoint, figure.endpoint)
    return {
        "id": figure.id,
        "endpoint": endpoint[0].upper() + endpoint[1:],
        "measure": MEASURE_LABELS.get(figure.measure, figure.measure),
        "comparison": figure.comparison or "",
        "time": _time_words(figure.time_months),
        "arm": figure.arm or "",
        "subgroup": figure.subgroup.label if figure.subgroup else "",
        "subgroup_kind": (
            SUBGROUP_KIND_LABELS.get(figure.subgroup.kind, figure.subgroup.kind)
            if figure.subgroup
            else ""
        ),
        "n": figure.n,
        "value": _number_text(figure),
        "ci": ci,
        "p": figure.p_value or "",
        "location": (
            f"Literature facts, section \u201c{figure.location}\u201d"
            if figure.source == FACTS_SOURCE
            else figure.location
        ),
        "quote": quote_text(figure.quote),
        "p_quote": quote_text(figure.p_quote or ""),
        "inconsistent": figure.inconsistent,
        "note": figure.note or "",
    }


def population_rows(study: Study) -> list[tuple[str, str]]:
    pop = study.population
    rows = []
    if pop.presentation is not None:
        rows.append(
            ("Presentation", ", ".join(PRESENTATION_LABELS.get(p, p) for p in pop.presentation))
        )
    else:
        rows.append(("Presentation", "not stated"))
    if pop.sites:
        rows.append(("Sites named", ", ".join(site_label(s) for s in pop.sites)))
    if pop.requires_disease_control:
        rows.append(("Systemic disease control", pop.disease_control or "required"))
    if pop.treatment_naive:
        rows.append(("Systemic treatment before", "none (treatment-naive)"))
    if pop.primary_in_situ is not None:
        rows.append(("Primary tumour", "in place" if pop.primary_in_situ else "controlled"))
    if pop.max_metastases is not None:
        rows.append(("Metastases", f"at most {pop.max_metastases}"))
    if pop.age_max is not None:
        rows.append(("Age", f"{pop.age_max} or younger"))
    rows.append(("Cancers", "breast only" if pop.breast_cancer_only else "not breast only"))
    if pop.good_general_condition:
        rows.append(("General condition", "good"))
    if pop.other:
        rows.append(("Further", pop.other))
    return rows


def reference_groups(references: Iterable[Reference]) -> list[dict[str, Any]]:
    groups: dict[str, list[Reference]] = {}
    for ref in references:
        groups.setdefault(ref.tag, []).append(ref)
    order = [t for t in TAG_LABELS if t in groups] + [t for t in groups if t not in TAG_LABELS]
    return [
        {
            "tag": tag,
            "label": TAG_LABELS.get(tag, tag),
            "references": [
                {"ref": r, "basis": TAG_BASIS_LABELS.get(r.tag_basis, r.tag_basis)}
                for r in groups[tag]
            ],
        }
        for tag in order
    ]


def liver_rows(patients: Iterable[LiverPatient]) -> list[dict[str, Any]]:
    return [
        {
            "patient": p,
            "group": LIVER_GROUP_LABELS.get(p.group, p.group),
            "segments": ", ".join(str(s) for s in p.liver_segments),
        }
        for p in patients
    ]


# --- API -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Dataclass values as JSON: tuples as lists; numbers of the sources as text, exactly
    as written (a Decimal would lose "1.70" to 1.7 as a JSON number)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def study_data(study: Study, library: Library) -> dict[str, Any]:
    data = _plain(dataclasses.asdict(study))
    data["figure_count"] = len(library.figures_for(study.key))
    return data


def study_detail_data(study: Study, library: Library) -> dict[str, Any]:
    data = study_data(study, library)
    data["figures"] = [_plain(dataclasses.asdict(f)) for f in library.figures_for(study.key)]
    data["references"] = [_plain(dataclasses.asdict(r)) for r in library.references_of(study.key)]
    liver = library.liver_study == study.key
    data["liver_patients"] = (
        [_plain(dataclasses.asdict(p)) for p in library.liver_patients] if liver else []
    )
    data["liver_notes"] = list(library.liver_notes) if liver else []
    return data
