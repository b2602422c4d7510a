"""Which published studies fit a patient, and why. Plain data in, plain data out (no Django).

    load_library(data_dir=None) -> Library          the JSON files of evidence/data, checked
    library_from_rows(...) -> Library               the same check for rows from elsewhere
    match_evidence(facts, library) -> list[Match]   the studies that fit, best first

A study is listed only when one of its interventions applies to the patient:

- primary tumour surgery: the primary tumour is in place;
- surgery of a metastatic site (liver, lung, brain, bone, chest wall, ovary, gastrointestinal,
  adrenal): the patient has disease at that site;
- metastasis-directed therapy: the disease is oligometastatic (contract: 1-5 lesions).

An isolated local-regional recurrence gets nothing: every study in the library is about
stage IV disease. For primary tumour surgery the randomised trials share the observational
studies' condition, so they are always listed beside them.

Score (an integer; the parts are named in `matched_on` and `caveats`):

    intervention          +40 surgery of the primary or of a site the patient has;
                          +30 metastasis-directed therapy (the best applicable one counts)
    presentation          +10 the study's presentation (de novo / recurrence) is the patient's
    disease control       +10 the study requires systemic disease control and the patient has it
    site pattern          +10 every distant site of the patient is one the study operates on;
                          for metastasis-directed therapy, lesion count within the study's limit
    subgroup              +5  the study reports a subgroup that fits the patient
    general condition     +5  the study asks for good general condition and ECOG is 0-1
    figures               +10 the study reports outcome figures
    design                +15 randomised trial, +12 meta-analysis, +10 systematic review,
                          +8 registry, +5 retrospective series, +2 review
    other cancers         -10 the study is not limited to breast cancer

Where the patient differs from the study population nothing is added and a caveat says
how ("study: de novo stage IV after systemic disease control; this patient: recurrence").
Matches are ordered by score, highest first, then by study key.
"""

from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from recurrence.guideline.facts import Facts
from recurrence.guideline.schema import PRESENTATIONS, SITE_LABELS, SITES

# The contract's surrogate subtypes (recurrence.guideline.facts.surrogate_subtype).
SUBTYPES = (
    "triple_negative",
    "her2_enriched",
    "luminal_b_her2",
    "luminal_a",
    "luminal_b",
    "luminal_unspecified",
    "undetermined",
)

DATA_DIR = Path(__file__).resolve().parent / "data"

DESIGNS = (
    "randomised_trial",
    "meta_analysis",
    "systematic_review",
    "registry",
    "retrospective_series",
    "review",
)
DESIGN_LABELS = {
    "randomised_trial": "randomised trial",
    "meta_analysis": "meta-analysis",
    "systematic_review": "systematic review",
    "registry": "registry",
    "retrospective_series": "retrospective series",
    "review": "review",
}
INTERVENTION_LABELS = {
    "primary_tumour_surgery": "primary tumour surgery",
    "liver_resection": "liver resection",
    "lung_metastasectomy": "lung metastasectomy",
    "brain": "surgery of brain metastases",
    "bone": "surgery of bone metastases",
    "chest_wall": "chest wall resection",
    "ovary": "surgery of ovarian metastases",
    "gastrointestinal": "surgery of gastrointestinal metastases",
    "adrenal": "adrenalectomy",
    "metastasis_directed_therapy": "metastasis-directed therapy",
}
INTERVENTIONS = tuple(INTERVENTION_LABELS)
# The contract sites each metastasectomy operates on.
INTERVENTION_SITES: dict[str, tuple[str, ...]] = {
    "liver_resection": ("liver",),
    "lung_metastasectomy": ("lung",),
    "brain": ("brain",),
    "bone": ("bone",),
    "chest_wall": ("chest_wall", "internal_mammary_nodes"),
    "ovary": ("ovary",),
    "gastrointestinal": ("peritoneum",),
    "adrenal": ("adrenal",),
}
# Tags of the works cited by a review, and the intervention each tag stands for.
REFERENCE_TAGS = {
    "background": None,
    "liver": "liver_resection",
    "lung": "lung_metastasectomy",
    "brain": "brain",
    "bone": "bone",
    "chest_wall": "chest_wall",
    "ovary": "ovary",
    "gastrointestinal": "gastrointestinal",
    "adrenal": "adrenal",
    "primary_tumour_surgery": "primary_tumour_surgery",
}
ENDPOINT_LABELS = {
    "overall_survival": "overall survival",
    "disease_free_survival": "disease-free survival",
    "recurrence_free_survival": "recurrence-free survival",
    "local_relapse_free_survival": "local relapse-free survival",
    "locoregional_progression": "locoregional progression",
    "distant_progression": "distant progression",
    "progression_free_survival": "progression-free survival",
    "mortality": "mortality",
    "complete_resection": "complete resection",
    "morbidity": "morbidity",
    "postoperative_mortality": "postoperative mortality",
    "not_stated": "endpoint not stated",
}
MEASURES = ("rate", "median", "time_to_event", "hazard_ratio", "odds_ratio", "proportion")
UNITS = ("percent", "months", "hazard_ratio", "odds_ratio")
HIGHLIGHT_MODES = ("always", "if_subgroup_fits", "never")
SUBGROUP_KINDS = (
    "subtype",
    "hormone_receptor",
    "her2",
    "age",
    "site_pattern",
    "disease_free_interval",
    "grade",
    "t_stage",
)
SITE_PATTERNS = (
    "liver_only",
    "liver_and_extrahepatic",
    "bone_only",
    "solitary_bone",
    "visceral",
    "single_site",
    "multiple_sites",
)
# Subgroup kinds with a closed list of values; age and disease-free interval take a
# threshold such as "<55" or ">=36", grade and T stage the value the study prints.
SUBGROUP_VALUES: dict[str, tuple[str, ...]] = {
    "subtype": SUBTYPES,
    "hormone_receptor": ("positive", "negative"),
    "her2": ("positive", "negative"),
    "site_pattern": SITE_PATTERNS,
}
SOURCES = ("soomro-2021", "severance-liver", "pockaj-2010", "literature-facts")
PRESENTATION_LABELS = {"de_novo_stage_iv": "de novo stage IV", "recurrence": "recurrence"}

W_SURGERY = 40
W_MDT = 30
W_PRESENTATION = 10
W_DISEASE_CONTROL = 10
W_SITE_PATTERN = 10
W_SUBGROUP = 5
W_CONDITION = 5
W_FIGURES = 10
W_OTHER_CANCERS = -10
DESIGN_POINTS = {
    "randomised_trial": 15,
    "meta_analysis": 12,
    "systematic_review": 10,
    "registry": 8,
    "retrospective_series": 5,
    "review": 2,
}


class LibraryError(ValueError):
    """The evidence data are malformed or inconsistent.

    `field` names the key of the row at fault, as the data files spell it, where one key is
    to blame (an editor can then point at it); None otherwise.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- the library ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arm:
    name: str
    n: int | None
    description: str


@dataclass(frozen=True, slots=True)
class Population:
    presentation: tuple[str, ...] | None
    sites: tuple[str, ...]
    requires_disease_control: bool
    disease_control: str | None
    treatment_naive: bool
    primary_in_situ: bool | None
    max_metastases: int | None
    age_max: int | None
    breast_cancer_only: bool
    good_general_condition: bool
    other: str


@dataclass(frozen=True, slots=True)
class Study:
    key: str
    title: str
    title_is_descriptive: bool
    citation: str
    doi: str | None
    design: str
    design_detail: str
    randomised: bool
    n_total: int | None
    n_approximate: bool
    arms: tuple[Arm, ...]
    population: Population
    interventions: tuple[str, ...]
    source: str
    related: tuple[str, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class Subgroup:
    kind: str
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    study: str
    source: str
    location: str
    endpoint: str
    measure: str
    time_months: int | None
    arm: str | None
    comparison: str | None
    subgroup: Subgroup | None
    n: int | None
    value: Decimal
    unit: str
    ci_low: Decimal | None
    ci_high: Decimal | None
    ci_level: int | None
    p_value: str | None
    highlight: str
    inconsistent: bool
    note: str | None
    quote: str
    p_quote: str | None


@dataclass(frozen=True, slots=True)
class LiverPatient:
    id: str
    table: str
    case: int
    group: str
    sex: str
    age: int
    pathology: str
    grade_as_written: str
    grade: str
    tnm: str
    receptors_as_written: str
    er: str
    pr: str
    her2: str
    extrahepatic_site_as_written: str | None
    extrahepatic_site: str | None
    liver_segments: tuple[int, ...]
    resection_as_written: str
    resection: str
    rfa: bool
    postoperative_chemotherapy: bool
    survival_months: Decimal


@dataclass(frozen=True, slots=True)
class Reference:
    cited_by: str
    number: int
    citation: str
    first_author: str
    year: int | None
    tag: str
    tag_basis: str
    study: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Library:
    studies: dict[str, Study]
    figures: tuple[Figure, ...]
    liver_patients: tuple[LiverPatient, ...]
    liver_notes: tuple[str, ...]
    references: tuple[Reference, ...]
    liver_study: str | None = None  # the study the liver patients belong to

    def figures_for(self, key: str) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.study == key)

    def references_of(self, key: str) -> tuple[Reference, ...]:
        return tuple(r for r in self.references if r.cited_by == key)


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            # Decimal keeps each figure as written: 1.70 stays 1.70, 80.0 stays 80.0.
            return json.load(handle, parse_float=Decimal)
    except (OSError, json.JSONDecodeError) as exc:
        raise LibraryError(f"{path.name}: {exc}") from exc


def _build(cls: type, row: dict[str, Any], where: str, **converted: Any) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    given = set(row) | set(converted)
    missing = names - given
    unknown = given - names
    if missing or unknown:
        raise LibraryError(
            f"{where}: missing {sorted(missing) or 'nothing'}, unknown {sorted(unknown) or 'nothing'}"
        )
    return cls(**{**row, **converted})


def _decimal(row: dict[str, Any], name: str, where: str) -> Decimal | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise LibraryError(f"{where}: {name} is not a number: {value!r}", name)
    return Decimal(value)


def _check(condition: bool, message: str, field: str | None = None) -> None:
    if not condition:
        raise LibraryError(message, field)


def _load_studies(rows: list[dict[str, Any]]) -> dict[str, Study]:
    studies: dict[str, Study] = {}
    for row in rows:
        key = row.get("key", "?")
        where = f"studies.json {key}"
        pop = row.get("population") or {}
        presentation = pop.get("presentation")
        population = _build(
            Population,
            pop,
            where + " population",
            presentation=None if presentation is None else tuple(presentation),
            sites=tuple(pop.get("sites", ())),
        )
        study: Study = _build(
            Study,
            row,
            where,
            arms=tuple(_build(Arm, a, where + " arm") for a in row.get("arms", ())),
            population=population,
            interventions=tuple(row.get("interventions", ())),
            related=tuple(row.get("related", ())),
        )
        _check(key not in studies, f"{where}: duplicate key", "key")
        _check(study.design in DESIGNS, f"{where}: unknown design {study.design!r}", "design")
        _check(study.source in SOURCES, f"{where}: unknown source {study.source!r}", "source")
        _check(bool(study.interventions), f"{where}: no intervention", "interventions")
        for iv in study.interventions:
            _check(iv in INTERVENTIONS, f"{where}: unknown intervention {iv!r}", "interventions")
        for site in population.sites:
            _check(site in SITES, f"{where}: unknown site {site!r}", "population")
        for p in population.presentation or ():
            _check(p in PRESENTATIONS, f"{where}: unknown presentation {p!r}", "population")
        studies[key] = study
    for study in studies.values():
        for other in study.related:
            _check(
                other in studies,
                f"studies.json {study.key}: related {other!r} is unknown",
                "related",
            )
    return studies


def _load_figures(rows: list[dict[str, Any]], studies: dict[str, Study]) -> tuple[Figure, ...]:
    figures: list[Figure] = []
    seen: set[str] = set()
    for row in rows:
        where = f"figures.json {row.get('id', '?')}"
        sub = row.get("subgroup")
        figure: Figure = _build(
            Figure,
            row,
            where,
            subgroup=None if sub is None else _build(Subgroup, sub, where + " subgroup"),
            value=_decimal(row, "value", where),
            ci_low=_decimal(row, "ci_low", where),
            ci_high=_decimal(row, "ci_high", where),
        )
        _check(figure.id not in seen, f"{where}: duplicate id", "id")
        seen.add(figure.id)
        study = studies.get(figure.study)
        if study is None:
            raise LibraryError(f"{where}: unknown study {figure.study!r}", "study")
        _check(figure.source == study.source, f"{where}: source differs from the study's", "source")
        _check(figure.endpoint in ENDPOINT_LABELS, f"{where}: unknown endpoint", "endpoint")
        _check(figure.measure in MEASURES, f"{where}: unknown measure", "measure")
        _check(figure.unit in UNITS, f"{where}: unknown unit", "unit")
        _check(figure.highlight in HIGHLIGHT_MODES, f"{where}: unknown highlight mode", "highlight")
        _check(figure.ci_level in (None, 90, 95), f"{where}: ci_level must be 90 or 95", "ci_level")
        _check(bool(figure.quote), f"{where}: no quote", "quote")
        _check(
            figure.arm is None or figure.arm in {a.name for a in study.arms},
            f"{where}: arm {figure.arm!r} is not an arm of {study.key}",
            "arm",
        )
        if figure.subgroup is not None:
            kind, value = figure.subgroup.kind, figure.subgroup.value
            _check(kind in SUBGROUP_KINDS, f"{where}: unknown subgroup kind {kind!r}", "subgroup")
            _check(
                value in SUBGROUP_VALUES.get(kind, (value,)),
                f"{where}: unknown {kind} subgroup {value!r}",
                "subgroup",
            )
        _check(
            figure.highlight != "if_subgroup_fits" or figure.subgroup is not None,
            f"{where}: highlighted by subgroup but has none",
            "highlight",
        )
        _check(
            not figure.inconsistent or bool(figure.note),
            f"{where}: inconsistent needs a note",
            "note",
        )
        figures.append(figure)
    return tuple(figures)


def load_library(data_dir: Path | str | None = None) -> Library:
    """Read and check the evidence data files; raises LibraryError on a malformed file."""
    base = Path(data_dir) if data_dir is not None else DATA_DIR
    return library_from_rows(
        _read(base / "studies.json")["studies"],
        _read(base / "figures.json")["figures"],
        _read(base / "liver_patients.json"),
        _read(base / "pockaj_references.json"),
    )


def library_from_rows(
    studies: list[dict[str, Any]],
    figures: list[dict[str, Any]],
    liver: dict[str, Any],
    references: dict[str, Any],
) -> Library:
    """Build and check the library from rows shaped as the data files hold them.

    `studies` and `figures` are the files' lists; `liver` and `references` are the whole
    documents ({"study", "notes", "patients"} and {"study", "references"}). Numbers are int
    or Decimal. Raises LibraryError naming the row, and the key where one is at fault.
    """
    by_key = _load_studies(studies)
    checked_figures = _load_figures(figures, by_key)

    patient_rows = liver.get("patients", [])
    _check(
        not patient_rows or liver.get("study") in by_key,
        "liver_patients.json: unknown study",
        "study",
    )
    patients = []
    for row in patient_rows:
        where = f"liver_patients.json {row.get('id', '?')}"
        patients.append(
            _build(
                LiverPatient,
                row,
                where,
                liver_segments=tuple(row.get("liver_segments", ())),
                survival_months=_decimal(row, "survival_months", where),
            )
        )

    reference_rows = references.get("references", [])
    cited_by = references.get("study")
    _check(
        not reference_rows or cited_by in by_key,
        "pockaj_references.json: unknown study",
        "cited_by",
    )
    cited = tuple(
        _build(Reference, row, f"pockaj_references.json {row.get('number')}", cited_by=cited_by)
        for row in reference_rows
    )
    for ref in cited:
        where = f"pockaj_references.json {ref.number}"
        _check(ref.tag in REFERENCE_TAGS, f"{where}: unknown tag", "tag")
        _check(ref.study is None or ref.study in by_key, f"{where}: unknown study", "study")
    return Library(
        studies=by_key,
        figures=checked_figures,
        liver_patients=tuple(patients),
        liver_notes=tuple(liver.get("notes", ())),
        references=cited,
        liver_study=liver.get("study") if patients else None,
    )


# --- matching ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Highlight:
    label: str
    values: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "values": list(self.values)}


@dataclass(frozen=True, slots=True)
class Match:
    study: str
    title: str
    design: str
    n: int | None
    score: int
    matched_on: list[str]
    caveats: list[str]
    highlights: list[Highlight]

    def as_dict(self) -> dict[str, Any]:
        return {
            "study": self.study,
            "title": self.title,
            "design": self.design,
            "n": self.n,
            "score": self.score,
            "matched_on": list(self.matched_on),
            "caveats": list(self.caveats),
            "highlights": [h.as_dict() for h in self.highlights],
        }


FITS, POSSIBLE, NO, UNKNOWN = "fits", "possible", "no", "unknown"


_COMPARISONS = (("<=", operator.le), (">=", operator.ge), ("<", operator.lt), (">", operator.gt))


def _threshold(value: str, number: int) -> bool:
    """'<55', '>=36' and the like against a number."""
    for sign, compare in _COMPARISONS:
        if value.startswith(sign):
            return bool(compare(number, int(value[len(sign) :])))
    return number == int(value)


def subgroup_fit(subgroup: Subgroup, facts: Facts) -> str:
    """Whether a study's subgroup describes this patient: fits, possible, no or unknown."""
    kind, value = subgroup.kind, subgroup.value
    if kind == "subtype":
        if facts.subtype == "undetermined":
            return UNKNOWN
        if facts.subtype == value:
            return FITS
        if facts.subtype == "luminal_unspecified" and value in ("luminal_a", "luminal_b"):
            return POSSIBLE
        return NO
    if kind in ("hormone_receptor", "her2"):
        status = facts.hr if kind == "hormone_receptor" else facts.her2
        if status not in ("positive", "negative"):
            return UNKNOWN
        return FITS if status == value else NO
    if kind == "age":
        age = facts.case.age
        if age is None:
            return UNKNOWN
        return FITS if _threshold(value, age) else NO
    if kind == "disease_free_interval":
        dfi = facts.disease_free_interval_months
        if dfi is None:
            return UNKNOWN
        return FITS if _threshold(value, dfi) else NO
    if kind == "site_pattern":
        return FITS if _site_pattern(value, facts) else NO
    return UNKNOWN  # grade and T stage are not part of the case


def _site_pattern(value: str, facts: Facts) -> bool:
    distant = facts.distant_sites
    only = facts.only_distant_site
    patterns: dict[str, bool] = {
        "liver_only": only == "liver",
        "liver_and_extrahepatic": "liver" in distant and len(distant) > 1,
        "bone_only": only == "bone",
        "solitary_bone": only == "bone" and facts.distant_lesions == 1,
        "visceral": bool(facts.visceral_sites),
        "single_site": len(distant) == 1,
        "multiple_sites": len(distant) > 1,
    }
    return patterns[value]


def _site_words(sites: Iterable[str]) -> str:
    return ", ".join(SITE_LABELS[s] for s in sites)


def _presentation_words(presentations: Sequence[str]) -> str:
    return " or ".join(PRESENTATION_LABELS[p] for p in presentations)


def _count(n: int | None, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _time_words(months: int) -> str:
    return f"{months // 12}-year" if months % 12 == 0 else f"{months}-month"


def _figure_label(figure: Figure) -> str:
    endpoint = ENDPOINT_LABELS[figure.endpoint]
    if figure.measure == "rate" and figure.time_months is not None:
        label = f"{_time_words(figure.time_months)} {endpoint}"
    elif figure.measure == "median":
        label = f"median {endpoint}"
    elif figure.measure == "time_to_event":
        label = f"time to {endpoint}"
    elif figure.measure in ("hazard_ratio", "odds_ratio"):
        ratio = "hazard ratio" if figure.measure == "hazard_ratio" else "odds ratio"
        label = ratio if figure.endpoint == "not_stated" else f"{endpoint}, {ratio}"
    else:
        label = endpoint
    if figure.comparison:
        label += f" ({figure.comparison})"
    label = label[0].upper() + label[1:]
    if figure.subgroup is not None:
        label += f", {figure.subgroup.label}"
        if figure.n is not None:
            label += f" ({figure.n} patients)"
    return label


def _figure_value(figure: Figure) -> str:
    number = str(figure.value)
    if figure.unit == "percent":
        text = f"{number}%"
    elif figure.unit == "months":
        text = f"{number} months"
    else:
        text = number
    if figure.ci_low is not None and figure.ci_high is not None:
        level = f"{figure.ci_level}% CI" if figure.ci_level else "CI"
        text += f" ({level} {figure.ci_low}-{figure.ci_high})"
    return text


def _p_words(p_value: str) -> str:
    return f"p{p_value}" if p_value[0] in "<>=" else f"p={p_value}"


@dataclass(slots=True)
class _Tally:
    """Score, reasons and caveats of one study as they are added up."""

    score: int = 0
    matched_on: list[str] = dataclasses.field(default_factory=list)
    caveats: list[str] = dataclasses.field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.matched_on.append(reason)

    def caveat(self, text: str) -> None:
        if text not in self.caveats:
            self.caveats.append(text)


def _highlights(
    study: Study, figures: Sequence[Figure], facts: Facts, tally: _Tally
) -> tuple[list[Highlight], list[str]]:
    """The study's figures for this patient, grouped per endpoint and time point.

    Returns the highlights and the labels of the subgroups that fit; notes of figures that
    the source reports inconsistently become caveats of the tally.
    """
    groups: dict[tuple[Any, ...], list[Figure]] = {}
    fit_of: dict[tuple[Any, ...], str] = {}
    for figure in figures:
        if figure.highlight == "never":
            continue
        fit = NO if figure.subgroup is None else subgroup_fit(figure.subgroup, facts)
        if figure.highlight == "if_subgroup_fits" and fit not in (FITS, POSSIBLE):
            continue
        sub = figure.subgroup
        key = (
            figure.endpoint,
            figure.measure,
            figure.time_months,
            figure.comparison,
            None if sub is None else (sub.kind, sub.value),
            figure.location,
        )
        groups.setdefault(key, []).append(figure)
        fit_of[key] = fit

    several_arms = len(study.arms) > 1
    patient_first = sorted(groups, key=lambda k: fit_of[k] not in (FITS, POSSIBLE))
    highlights: list[Highlight] = []
    fitting: list[str] = []
    for key in patient_first:
        group = groups[key]
        first = group[0]
        label = _figure_label(first)
        if any(f.inconsistent for f in group):
            label += f" ({first.location.lower()})"
        if fit_of[key] == FITS:
            label += " [this patient's group]"
        elif fit_of[key] == POSSIBLE:
            label += " [may be this patient's group]"
        sub = first.subgroup
        if fit_of[key] in (FITS, POSSIBLE) and sub is not None and sub.label not in fitting:
            fitting.append(sub.label)
        values = [
            f"{f.arm}: {_figure_value(f)}" if several_arms and f.arm else _figure_value(f)
            for f in group
        ]
        p_values = dict.fromkeys(f.p_value for f in group if f.p_value)
        values.extend(_p_words(p) for p in p_values)
        for note in dict.fromkeys(f.note for f in group if f.note):
            if any(f.inconsistent and f.note == note for f in group):
                values.append(f"reported inconsistently: {note}")
                tally.caveat(f"Reported inconsistently in the source: {note}")
            else:
                values.append(f"note: {note}")
        highlights.append(Highlight(label=label, values=values))
    return highlights, fitting


def _applicable_interventions(study: Study, facts: Facts) -> list[tuple[str, int, str]]:
    """(intervention, points, why) for each of the study's interventions that fits the patient."""
    case = facts.case
    present = set(facts.distant_sites) | set(facts.locoregional_sites)
    found: list[tuple[str, int, str]] = []
    for iv in study.interventions:
        label = INTERVENTION_LABELS[iv]
        if iv == "primary_tumour_surgery":
            if case.primary_in_situ:
                found.append((iv, W_SURGERY, f"{label}: primary tumour in place"))
        elif iv == "metastasis_directed_therapy":
            if facts.oligometastatic:
                why = f"{label}: oligometastatic ({_count(facts.distant_lesions, 'lesion')})"
                found.append((iv, W_MDT, why))
        else:
            sites = [s for s in INTERVENTION_SITES[iv] if s in present]
            if sites:
                found.append((iv, W_SURGERY, f"{label}: {_site_words(sites)} disease"))
    return found


def _weigh_population(tally: _Tally, pop: Population, facts: Facts) -> None:
    case = facts.case
    here = PRESENTATION_LABELS[case.presentation]
    if pop.presentation is not None:
        if case.presentation in pop.presentation:
            tally.add(W_PRESENTATION, f"{here}, as in the study")
        else:
            there = _presentation_words(pop.presentation)
            if pop.requires_disease_control:
                there += " after systemic disease control"
            tally.caveat(f"study: {there}; this patient: {here}")

    controlled = case.systemic_disease_controlled
    if pop.requires_disease_control:
        if controlled:
            tally.add(
                W_DISEASE_CONTROL, f"systemic disease controlled (study: {pop.disease_control})"
            )
        else:
            state = "not controlled" if controlled is False else "control not recorded"
            tally.caveat(f"study: {pop.disease_control}; this patient: systemic disease {state}")
    if pop.treatment_naive and controlled:
        tally.caveat(
            "study: surgery before any systemic therapy; this patient: systemic disease "
            "already controlled by systemic therapy"
        )
    if pop.primary_in_situ is False and case.primary_in_situ:
        tally.caveat("study: primary tumour controlled; this patient: primary tumour in place")
    if pop.age_max is not None and case.age is not None and case.age > pop.age_max:
        tally.caveat(f"study: age {pop.age_max} or younger; this patient: {case.age}")
    if pop.good_general_condition:
        if case.ecog is not None and case.ecog <= 1:
            tally.add(W_CONDITION, f"good general condition (ECOG {case.ecog})")
        else:
            state = (
                f"ECOG {case.ecog}" if case.ecog is not None else "performance status not recorded"
            )
            tally.caveat(f"study: good general condition; this patient: {state}")
    if not pop.breast_cancer_only:
        tally.score += W_OTHER_CANCERS
        tally.caveat(f"study: not limited to breast cancer ({pop.other.rstrip('.')})")


def _weigh_site_pattern(tally: _Tally, ivs: set[str], pop: Population, facts: Facts) -> None:
    surgery = sorted(iv for iv in ivs if iv in INTERVENTION_SITES)
    targets = {site for iv in surgery for site in INTERVENTION_SITES[iv]}
    operated = [s for s in facts.distant_sites if s in targets]
    others = [s for s in facts.distant_sites if s not in targets]
    if surgery and others:
        done = ", ".join(INTERVENTION_LABELS[iv] for iv in surgery)
        tally.caveat(f"study: {done}; this patient also has {_site_words(others)} disease")
    elif len(operated) == 1:
        tally.add(W_SITE_PATTERN, f"{_site_words(operated)} the only site of distant disease")
    elif operated:
        where = _site_words(operated)
        tally.add(W_SITE_PATTERN, f"distant disease only where the study operates ({where})")

    if "metastasis_directed_therapy" in ivs and pop.max_metastases is not None:
        lesions = facts.distant_lesions
        if lesions is not None and lesions <= pop.max_metastases:
            count = _count(lesions, "metastasis", "metastases")
            tally.add(W_SITE_PATTERN, f"{count}, within the study's limit of {pop.max_metastases}")
        else:
            tally.caveat(f"study: up to {pop.max_metastases} metastases; this patient: {lesions}")


def _match_study(
    study: Study, facts: Facts, library: Library, randomised_primary: Sequence[str]
) -> Match | None:
    applicable = _applicable_interventions(study, facts)
    if not applicable:
        return None
    ivs = {iv for iv, _, _ in applicable}
    tally = _Tally(
        score=max(points for _, points, _ in applicable),
        matched_on=[why for _, _, why in applicable],
    )
    _weigh_population(tally, study.population, facts)
    _weigh_site_pattern(tally, ivs, study.population, facts)

    figures = library.figures_for(study.key)
    if figures:
        tally.score += W_FIGURES
    highlights, fitting = _highlights(study, figures, facts, tally)
    if fitting:
        tally.add(W_SUBGROUP, f"figures for this patient's group: {'; '.join(fitting)}")
    unknown = _unknown_receptor_kinds(figures, facts)
    if unknown:
        tally.caveat(
            f"Receptor status incomplete ({unknown}): the study's figures by subtype or "
            "receptor status are not applied to this patient"
        )
    if facts.subtype == "luminal_unspecified" and any(
        f.subgroup is not None and f.subgroup.value in ("luminal_a", "luminal_b") for f in figures
    ):
        tally.caveat(
            "Ki-67 not recorded: luminal A and luminal B cannot be told apart, so the rows "
            "for both are shown"
        )

    tally.score += DESIGN_POINTS[study.design]
    if study.randomised:
        tally.matched_on.append(DESIGN_LABELS[study.design] + " (randomised evidence)")
    if "primary_tumour_surgery" in ivs and not study.randomised and study.design != "review":
        trials = ", ".join(k for k in randomised_primary if k != study.key)
        tally.caveat(
            "Observational: who had surgery was not decided at random. The randomised "
            f"evidence on primary tumour surgery is listed with it: {trials}"
        )
    if study.n_approximate:
        tally.caveat(f"study size approximate: about {study.n_total} patients")
    highlights.extend(_reference_highlights(study, ivs, library))
    if study.design == "review":
        tally.caveat("review: the library holds its abstract and references, no figures")

    return Match(
        study=study.key,
        title=study.title,
        design=study.design,
        n=study.n_total,
        score=tally.score,
        matched_on=tally.matched_on,
        caveats=tally.caveats,
        highlights=highlights,
    )


def _unknown_receptor_kinds(figures: Sequence[Figure], facts: Facts) -> str:
    kinds = {
        f.subgroup.kind
        for f in figures
        if f.subgroup is not None
        and f.highlight != "never"
        and f.subgroup.kind in ("subtype", "hormone_receptor", "her2")
    }
    missing = []
    if "subtype" in kinds and facts.subtype == "undetermined":
        missing.append("subtype undetermined")
    if "hormone_receptor" in kinds and facts.hr not in ("positive", "negative"):
        missing.append(f"hormone receptors {facts.hr}")
    if "her2" in kinds and facts.her2 not in ("positive", "negative"):
        missing.append(f"HER2 {facts.her2}")
    return ", ".join(missing)


def _reference_highlights(study: Study, ivs: set[str], library: Library) -> list[Highlight]:
    references = library.references_of(study.key)
    highlights = []
    for iv in INTERVENTIONS:
        if iv not in ivs:
            continue
        cited = [r for r in references if REFERENCE_TAGS[r.tag] == iv]
        if cited:
            highlights.append(
                Highlight(
                    label=f"Works the review cites on {INTERVENTION_LABELS[iv]}",
                    values=[f"{r.first_author} {r.year} (ref {r.number})" for r in cited],
                )
            )
    return highlights


def match_evidence(facts: Facts, library: Library) -> list[Match]:
    """The studies that fit the patient, best first (score, then study key)."""
    if facts.category != "metastatic":
        return []
    randomised_primary = sorted(
        s.key
        for s in library.studies.values()
        if s.randomised and "primary_tumour_surgery" in s.interventions
    )
    matches = [
        m
        for study in library.studies.values()
        if (m := _match_study(study, facts, library, randomised_primary)) is not None
    ]
    return sorted(matches, key=lambda m: (-m.score, m.study))


__all__ = [
    "Arm",
    "Figure",
    "Highlight",
    "Library",
    "LibraryError",
    "LiverPatient",
    "Match",
    "Population",
    "Reference",
    "Study",
    "Subgroup",
    "library_from_rows",
    "load_library",
    "match_evidence",
    "subgroup_fit",
]
