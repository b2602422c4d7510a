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

Each item carries `candidate`: whether the guideline rule that offers its intervention fired
for the patient (LIVER_RESECTION for liver resection, PRIMARY_TUMOUR_SURGERY for primary
tumour surgery, SURGERY_LIMITED_METASTATIC for every other intervention; a study of several
interventions when any of them fired). A study that is not a candidate is still listed, with
a not_candidate caveat naming each condition of the rule the patient does not meet (from
recurrence.guideline.unmet_conditions), and none of its figures is marked as the patient's
group.

Fit (0-100): how closely the patient fits the study's population and intervention, the
points below as a share of the most a study can get (80). It is not a measure of the
strength of the evidence; the design says that.

    intervention          40 surgery of the primary or of a site the patient has;
                          30 metastasis-directed therapy (the best applicable one counts)
    presentation          10 the study's presentation (de novo / recurrence) is the patient's
    disease control       10 the study requires systemic disease control and the patient has it
    site pattern          10 every distant site of the patient is one the study operates on;
                          for metastasis-directed therapy, lesion count within the study's limit
    subgroup               5 the study reports a subgroup that fits the patient
    general condition      5 the study asks for good general condition and ECOG is 0-1
    other cancers        -10 the study is not limited to breast cancer

Where the patient differs from the study population nothing is added and a
population_differs caveat says how ("study: de novo stage IV after systemic disease control;
this patient: recurrence").

Order: candidates first; within each, randomised evidence (trials and pooled analyses of
trials) before the rest, then by fit, then by key. Reports of one trial are adjacent, each
with a same_trial caveat. The randomised item and the observational comparison that answer
the same question best (the patient's subgroup in both, when both report it) stand side by
side, each naming the other in `beside`: the randomised one last of the randomised items, the
observational one first after them.

Highlights: one per figure shown, with that figure's values only; a p value for the difference
between two groups goes on a separate comparison entry (`figure` None, `figures` [a, b]) that
shows both groups.
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

from recurrence.guideline.conditions import unmet_conditions
from recurrence.guideline.engine import recommend
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
# Stable codes of the caveats an evidence item carries. The first two may be written in a
# study's row (its own limits, from the source); the matching derives the others.
STUDY_CAVEAT_CODES = ("selected_patients", "immortal_time")
CAVEAT_CODES = (
    "not_candidate",
    *STUDY_CAVEAT_CODES,
    "no_comparison_group",
    "observational",
    "population_differs",
    "reported_inconsistently",
    "same_trial",
    "receptors_incomplete",
    "ki67_not_recorded",
    "size_approximate",
    "review_only",
)
SOURCES = ("soomro-2021", "severance-liver", "pockaj-2010", "literature-facts")
PRESENTATION_LABELS = {"de_novo_stage_iv": "de novo stage IV", "recurrence": "recurrence"}

W_SURGERY = 40
W_MDT = 30
W_PRESENTATION = 10
W_DISEASE_CONTROL = 10
W_SITE_PATTERN = 10
W_SUBGROUP = 5
W_CONDITION = 5
W_OTHER_CANCERS = -10
FIT_MAX = W_SURGERY + W_PRESENTATION + W_DISEASE_CONTROL + W_SITE_PATTERN + W_SUBGROUP + W_CONDITION


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
class Caveat:
    """A reason to read a study's figures with care, with a stable code (CAVEAT_CODES).

    `conditions` are the unmet conditions of a not_candidate caveat ({"code", "text"} as the
    guideline engine gives them), `figures` the figure ids a reported_inconsistently caveat
    is about, `studies` the other reports of a same_trial caveat.
    """

    code: str
    text: str
    conditions: tuple[dict[str, str], ...] = ()
    figures: tuple[str, ...] = ()
    studies: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "text": self.text}
        if self.conditions:
            out["conditions"] = [dict(c) for c in self.conditions]
        if self.figures:
            out["figures"] = list(self.figures)
        if self.studies:
            out["studies"] = list(self.studies)
        return out


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
    trial: str | None
    caveats: tuple[Caveat, ...]
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


def _study_caveats(rows: Any, where: str) -> tuple[Caveat, ...]:
    _check(isinstance(rows, list), f"{where}: caveats must be a list", "caveats")
    caveats = []
    for row in rows:
        _check(
            isinstance(row, dict) and set(row) == {"code", "text"},
            f"{where}: a caveat is {{code, text}}",
            "caveats",
        )
        _check(
            row["code"] in STUDY_CAVEAT_CODES,
            f"{where}: caveat code {row['code']!r} is not one of {', '.join(STUDY_CAVEAT_CODES)}",
            "caveats",
        )
        _check(bool(str(row["text"]).strip()), f"{where}: caveat without text", "caveats")
        caveats.append(Caveat(code=row["code"], text=str(row["text"])))
    return tuple(caveats)


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
            caveats=_study_caveats(row.get("caveats"), where),
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

# The guideline rule that offers each intervention (ruleset 2.0): a study's patient is a
# candidate for it when that rule fired.
INTERVENTION_RULES = {
    "liver_resection": "LIVER_RESECTION",
    "primary_tumour_surgery": "PRIMARY_TUMOUR_SURGERY",
}
DEFAULT_RULE = "SURGERY_LIMITED_METASTATIC"


def intervention_rule(intervention: str) -> str:
    return INTERVENTION_RULES.get(intervention, DEFAULT_RULE)


@dataclass(frozen=True, slots=True)
class Highlight:
    """One figure of a study shown for a patient, or a comparison of two of them.

    A figure's highlight has `figure` (its id) and that figure's values only. A comparison
    has `figure` None and `figures` [a, b]: it shows both groups' values and the p value
    the source gives for the difference between them, which no single figure's row shows.
    """

    figure: str | None
    figures: tuple[str, ...]
    label: str
    values: list[str]
    this_patient_group: bool = False
    possibly_this_patient_group: bool = False
    inconsistent: bool = False
    note: str | None = None

    @property
    def is_comparison(self) -> bool:
        return self.figure is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "figures": list(self.figures),
            "label": self.label,
            "values": list(self.values),
            "this_patient_group": self.this_patient_group,
            "possibly_this_patient_group": self.possibly_this_patient_group,
            "inconsistent": self.inconsistent,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class CitedWorks:
    """The works a review cites on one intervention (the library holds no figures of them)."""

    intervention: str
    label: str
    works: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"intervention": self.intervention, "label": self.label, "works": list(self.works)}


@dataclass(slots=True)
class Match:
    study: str
    title: str
    design: str
    n: int | None
    randomised: bool
    fit: int
    candidate: bool
    rules: list[str]
    interventions: list[str]
    matched_on: list[str]
    caveats: list[Caveat]
    highlights: list[Highlight]
    cited: list[CitedWorks] = dataclasses.field(default_factory=list)
    beside: list[str] = dataclasses.field(default_factory=list)
    trial: str | None = None

    def caveat(self, code: str) -> Caveat | None:
        return next((c for c in self.caveats if c.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "study": self.study,
            "title": self.title,
            "design": self.design,
            "n": self.n,
            "randomised": self.randomised,
            "fit": self.fit,
            "candidate": self.candidate,
            "rules": list(self.rules),
            "interventions": list(self.interventions),
            "matched_on": list(self.matched_on),
            "caveats": [c.as_dict() for c in self.caveats],
            "highlights": [h.as_dict() for h in self.highlights],
            "cited": [c.as_dict() for c in self.cited],
            "beside": list(self.beside),
            "trial": self.trial,
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


def _figure_label(figure: Figure, with_subgroup: bool = True) -> str:
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
    if with_subgroup and figure.subgroup is not None:
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
    """Fit points, reasons and caveats of one study as they are added up."""

    points: int = 0
    matched_on: list[str] = dataclasses.field(default_factory=list)
    caveats: list[Caveat] = dataclasses.field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.points += points
        self.matched_on.append(reason)

    def caveat(self, code: str, text: str, **extra: Any) -> None:
        # A caveat the item already carries is not repeated.
        if not any(c.code == code and c.text == text for c in self.caveats):
            self.caveats.append(Caveat(code=code, text=text, **extra))

    @property
    def fit(self) -> int:
        return max(0, min(100, round(self.points * 100 / FIT_MAX)))


@dataclass(slots=True)
class _Shown:
    """The figures of a study shown for a patient, and how each fits the patient."""

    figures: list[Figure]
    fit_of: dict[str, str]

    def fitting_subgroups(self) -> set[tuple[str, str]]:
        return {
            (f.subgroup.kind, f.subgroup.value)
            for f in self.figures
            if f.subgroup is not None and self.fit_of[f.id] == FITS
        }


def _shown_figures(figures: Sequence[Figure], facts: Facts) -> _Shown:
    """The figures to show, those of the patient's subgroup first (then in the file's order)."""
    chosen: list[Figure] = []
    fit_of: dict[str, str] = {}
    for figure in figures:
        if figure.highlight == "never":
            continue
        fit = NO if figure.subgroup is None else subgroup_fit(figure.subgroup, facts)
        if figure.highlight == "if_subgroup_fits" and fit not in (FITS, POSSIBLE):
            continue
        chosen.append(figure)
        fit_of[figure.id] = fit
    chosen.sort(key=lambda f: fit_of[f.id] not in (FITS, POSSIBLE))
    return _Shown(chosen, fit_of)


def _comparison_sets(study: Study, figures: Sequence[Figure]) -> list[list[Figure]]:
    """Figures of one study that share a between-group p value: the same endpoint, measure,
    time point and place in the source, and one p value for them together (a ratio carries
    its own p value and is left out)."""
    groups: dict[tuple[Any, ...], list[Figure]] = {}
    for f in figures:
        if f.p_value is None or f.comparison is not None:
            continue
        key = (f.endpoint, f.measure, f.time_months, f.location, f.p_value, f.p_quote or f.quote)
        groups.setdefault(key, []).append(f)
    return [group for group in groups.values() if len(group) >= 2]


def _group_words(figure: Figure, differs_by_arm: bool) -> str:
    if differs_by_arm:
        return figure.arm or "all patients"
    return figure.subgroup.label if figure.subgroup is not None else "all patients"


def _comparison_highlight(
    group: Sequence[Figure], fit_of: dict[str, str], candidate: bool
) -> Highlight:
    first = group[0]
    differs_by_arm = len({f.arm for f in group}) > 1
    same_subgroup = len({None if f.subgroup is None else f.subgroup.value for f in group}) == 1
    label = _figure_label(first, with_subgroup=differs_by_arm and same_subgroup)
    sides = [_group_words(f, differs_by_arm) for f in group]
    label += ": " + " vs ".join(sides)
    if any(f.inconsistent for f in group):
        label += f" ({first.location.lower()})"
    values = [f"{side}: {_figure_value(f)}" for side, f in zip(sides, group, strict=True)]
    values.append(f"{_p_words(first.p_value or '')} for the difference between the groups")
    return Highlight(
        figure=None,
        figures=tuple(f.id for f in group),
        label=label,
        values=values,
        this_patient_group=candidate and all(fit_of.get(f.id) == FITS for f in group),
        inconsistent=any(f.inconsistent for f in group),
    )


def _highlights(
    study: Study, figures: Sequence[Figure], facts: Facts, candidate: bool, tally: _Tally
) -> tuple[list[Highlight], _Shown]:
    """One highlight per figure shown, each comparison after the last of its figures.

    Notes of figures the source reports inconsistently become one caveat per note.
    """
    shown = _shown_figures(figures, facts)
    several_arms = len(study.arms) > 1
    comparisons = [
        group
        for group in _comparison_sets(study, figures)
        if any(f.id in shown.fit_of for f in group) and all(f.highlight != "never" for f in group)
    ]
    fit_of = dict(shown.fit_of)
    for group in comparisons:
        for f in group:
            fit_of.setdefault(f.id, NO if f.subgroup is None else subgroup_fit(f.subgroup, facts))

    highlights: list[Highlight] = []
    placed: set[str] = set()
    pending = list(comparisons)
    inconsistent_notes: dict[str, list[str]] = {}
    for f in shown.figures:
        fit = shown.fit_of[f.id]
        label = _figure_label(f)
        if f.inconsistent:
            label += f" ({f.location.lower()})"
            inconsistent_notes.setdefault(f.note or "", []).append(f.id)
        value = _figure_value(f)
        values = [f"{f.arm}: {value}" if several_arms and f.arm else value]
        if f.comparison is not None and f.p_value:
            values.append(_p_words(f.p_value))  # a ratio's row shows both groups
        highlights.append(
            Highlight(
                figure=f.id,
                figures=(f.id,),
                label=label,
                values=values,
                this_patient_group=candidate and fit == FITS,
                possibly_this_patient_group=candidate and fit == POSSIBLE,
                inconsistent=f.inconsistent,
                note=None if f.inconsistent else f.note,
            )
        )
        placed.add(f.id)
        for group in list(pending):
            if all(g.id in placed or g.id not in shown.fit_of for g in group):
                highlights.append(_comparison_highlight(group, fit_of, candidate))
                pending.remove(group)
                for g in group:
                    if g.inconsistent and g.id not in shown.fit_of:
                        inconsistent_notes.setdefault(g.note or "", []).append(g.id)
    for note, ids in inconsistent_notes.items():
        tally.caveat(
            "reported_inconsistently",
            f"Reported inconsistently in the source: {note}",
            figures=tuple(ids),
        )
    return highlights, shown


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


def _differs(tally: _Tally, text: str) -> None:
    tally.caveat("population_differs", text)


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
            _differs(tally, f"study: {there}; this patient: {here}")

    controlled = case.systemic_disease_controlled
    if pop.requires_disease_control:
        if controlled:
            tally.add(
                W_DISEASE_CONTROL, f"systemic disease controlled (study: {pop.disease_control})"
            )
        else:
            state = "not controlled" if controlled is False else "control not recorded"
            _differs(tally, f"study: {pop.disease_control}; this patient: systemic disease {state}")
    if pop.treatment_naive and controlled:
        _differs(
            tally,
            "study: surgery before any systemic therapy; this patient: systemic disease "
            "already controlled by systemic therapy",
        )
    if pop.primary_in_situ is False and case.primary_in_situ:
        _differs(tally, "study: primary tumour controlled; this patient: primary tumour in place")
    if pop.age_max is not None and case.age is not None and case.age > pop.age_max:
        _differs(tally, f"study: age {pop.age_max} or younger; this patient: {case.age}")
    if pop.good_general_condition:
        if case.ecog is not None and case.ecog <= 1:
            tally.add(W_CONDITION, f"good general condition (ECOG {case.ecog})")
        else:
            state = (
                f"ECOG {case.ecog}" if case.ecog is not None else "performance status not recorded"
            )
            _differs(tally, f"study: good general condition; this patient: {state}")
    if not pop.breast_cancer_only:
        tally.points += W_OTHER_CANCERS
        _differs(tally, f"study: not limited to breast cancer ({pop.other.rstrip('.')})")


def _weigh_site_pattern(tally: _Tally, ivs: set[str], pop: Population, facts: Facts) -> None:
    surgery = sorted(iv for iv in ivs if iv in INTERVENTION_SITES)
    targets = {site for iv in surgery for site in INTERVENTION_SITES[iv]}
    operated = [s for s in facts.distant_sites if s in targets]
    others = [s for s in facts.distant_sites if s not in targets]
    if surgery and others:
        done = ", ".join(INTERVENTION_LABELS[iv] for iv in surgery)
        _differs(tally, f"study: {done}; this patient also has {_site_words(others)} disease")
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
            _differs(
                tally, f"study: up to {pop.max_metastases} metastases; this patient: {lesions}"
            )


def _not_candidate(tally: _Tally, ivs: Sequence[str], rules: Sequence[str], facts: Facts) -> None:
    """One caveat naming, rule by rule, every condition the patient does not meet."""
    conditions: list[dict[str, str]] = []
    parts = []
    for rule in rules:
        unmet = _unmet(facts, rule)
        for condition in unmet:
            if all(c["code"] != condition["code"] for c in conditions):
                conditions.append(condition)
        what = ", ".join(INTERVENTION_LABELS[iv] for iv in ivs if intervention_rule(iv) == rule)
        why = "; ".join(c["text"] for c in unmet) or "the rule did not fire"
        parts.append(f"for {what} ({rule}): {why}")
    tally.caveat(
        "not_candidate",
        "Not a candidate now " + ". Nor ".join(parts) + ".",
        conditions=tuple(conditions),
    )


def _unmet(facts: Facts, rule: str) -> list[dict[str, str]]:
    return [{"code": c["code"], "text": c["text"]} for c in unmet_conditions(facts, rule)]


def _match_study(
    study: Study,
    facts: Facts,
    library: Library,
    fired: frozenset[str],
    randomised_primary: Sequence[str],
) -> tuple[Match, _Shown] | None:
    applicable = _applicable_interventions(study, facts)
    if not applicable:
        return None
    ivs = [iv for iv, _, _ in applicable]
    rules = list(dict.fromkeys(intervention_rule(iv) for iv in ivs))
    candidate = any(rule in fired for rule in rules)
    tally = _Tally(
        points=max(points for _, points, _ in applicable),
        matched_on=[why for _, _, why in applicable],
    )
    if not candidate:
        _not_candidate(tally, ivs, rules, facts)
    for own in study.caveats:
        tally.caveat(own.code, own.text)
    if not study.randomised and study.design != "review":
        if len(study.arms) <= 1:
            tally.caveat(
                "no_comparison_group",
                "No comparison group: only patients who had the treatment are reported, so "
                "the figures cannot show that the treatment lengthened survival.",
            )
        text = "Observational: who was treated was not decided at random."
        if "primary_tumour_surgery" in ivs:
            trials = ", ".join(k for k in randomised_primary if k != study.key)
            text += (
                f" The randomised evidence on primary tumour surgery is listed with it: {trials}"
            )
        tally.caveat("observational", text)

    _weigh_population(tally, study.population, facts)
    _weigh_site_pattern(tally, set(ivs), study.population, facts)

    figures = library.figures_for(study.key)
    highlights, shown = _highlights(study, figures, facts, candidate, tally)
    fitting = list(
        dict.fromkeys(
            f.subgroup.label
            for f in shown.figures
            if f.subgroup is not None and shown.fit_of[f.id] in (FITS, POSSIBLE)
        )
    )
    if fitting:
        tally.add(W_SUBGROUP, f"figures for the patient's subgroup: {'; '.join(fitting)}")
    unknown = _unknown_receptor_kinds(figures, facts)
    if unknown:
        tally.caveat(
            "receptors_incomplete",
            f"Receptor status incomplete ({unknown}): the study's figures by subtype or "
            "receptor status are not applied to this patient",
        )
    if facts.subtype == "luminal_unspecified" and any(
        f.subgroup is not None and f.subgroup.value in ("luminal_a", "luminal_b") for f in figures
    ):
        tally.caveat(
            "ki67_not_recorded",
            "Ki-67 not recorded: luminal A and luminal B cannot be told apart, so the rows "
            "for both are shown",
        )
    if study.randomised:
        tally.matched_on.append(DESIGN_LABELS[study.design] + " (randomised evidence)")
    if study.n_approximate:
        tally.caveat("size_approximate", f"study size approximate: about {study.n_total} patients")
    if study.design == "review":
        tally.caveat(
            "review_only", "review: the library holds its abstract and references, no figures"
        )

    match = Match(
        study=study.key,
        title=study.title,
        design=study.design,
        n=study.n_total,
        randomised=study.randomised,
        fit=tally.fit,
        candidate=candidate,
        rules=rules,
        interventions=ivs,
        matched_on=tally.matched_on,
        caveats=tally.caveats,
        highlights=highlights,
        cited=_cited_works(study, set(ivs), library),
        trial=study.trial,
    )
    return match, shown


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


def _cited_works(study: Study, ivs: set[str], library: Library) -> list[CitedWorks]:
    references = library.references_of(study.key)
    cited = []
    for iv in INTERVENTIONS:
        if iv not in ivs:
            continue
        works = [r for r in references if REFERENCE_TAGS[r.tag] == iv]
        if works:
            cited.append(
                CitedWorks(
                    intervention=iv,
                    label=f"Works the review cites on {INTERVENTION_LABELS[iv]}",
                    works=[f"{r.first_author} {r.year} (ref {r.number})" for r in works],
                )
            )
    return cited


# --- order --------------------------------------------------------------------------------


def _same_trial(matches: list[Match]) -> None:
    """Each report of a trial with another report listed names the others."""
    by_trial: dict[str, list[Match]] = {}
    for m in matches:
        if m.trial:
            by_trial.setdefault(m.trial, []).append(m)
    for trial, reports in by_trial.items():
        if len(reports) < 2:
            continue
        for m in reports:
            others = [o.study for o in reports if o is not m]
            m.caveats.append(
                Caveat(
                    code="same_trial",
                    text=f"Same trial as {', '.join(others)} ({trial}): the reports share their "
                    "patients, so they are one trial's evidence, not independent results.",
                    studies=tuple(others),
                )
            )


def _pair_score(r: Match, o: Match, shown: dict[str, _Shown]) -> tuple[int, int, int, int]:
    ours, theirs = shown[o.study].fitting_subgroups(), shown[r.study].fitting_subgroups()
    subgroup = 2 if ours & theirs else 1 if ours and theirs else 0
    return (subgroup, int(r.design == "meta_analysis"), o.fit, r.fit)


def _beside(block: list[Match], shown: dict[str, _Shown], studies: dict[str, Study]) -> None:
    """Pair the randomised item and the observational comparison that answer the same
    question best (the patient's subgroup in both, when both report it)."""
    trials = [m for m in block if m.randomised]
    series = [
        m
        for m in block
        if not m.randomised and m.design != "review" and len(studies[m.study].arms) >= 2
    ]
    pairs = [
        (_pair_score(r, o, shown), r.study, o.study, r, o)
        for r in trials
        for o in series
        if set(r.interventions) & set(o.interventions)
    ]
    if not pairs:
        return
    best = min(pairs, key=lambda p: (tuple(-x for x in p[0]), p[1], p[2]))
    r, o = best[3], best[4]
    r.beside, o.beside = [o.study], [r.study]


def _trial_runs(items: list[Match]) -> list[list[Match]]:
    """The items in order, reports of one trial together where the first of them stands."""
    runs: list[list[Match]] = []
    for m in items:
        run = next((run for run in runs if m.trial and run[0].trial == m.trial), None)
        if run is not None:
            run.append(m)
        else:
            runs.append([m])
    return runs


def _order_block(block: list[Match]) -> list[Match]:
    """Randomised first, then by fit; reports of a trial together; an item and the one it
    is beside adjacent (the randomised one last of the randomised, the other first after)."""
    trials = _trial_runs([m for m in block if m.randomised])
    others = _trial_runs([m for m in block if not m.randomised])
    for run in list(trials):
        if any(m.beside for m in run):
            trials.remove(run)
            trials.append(run)
    for run in list(others):
        if any(m.beside for m in run):
            others.remove(run)
            others.insert(0, run)
    return [m for run in (*trials, *others) for m in run]


def match_evidence(
    facts: Facts, library: Library, result: dict[str, Any] | None = None
) -> list[Match]:
    """The studies that fit the patient, in the panel's order.

    `result` is the guideline result for these facts (computed when not given); a study is a
    candidate when the rule of one of its interventions is among its recommendations.
    """
    if facts.category != "metastatic":
        return []
    if result is None:
        result = recommend(facts)
    fired = frozenset(r["code"] for r in result.get("recommendations", ()))
    randomised_primary = sorted(
        s.key
        for s in library.studies.values()
        if s.randomised and "primary_tumour_surgery" in s.interventions
    )
    found = [
        pair
        for study in library.studies.values()
        if (pair := _match_study(study, facts, library, fired, randomised_primary)) is not None
    ]
    shown = {m.study: s for m, s in found}
    ranked = sorted((m for m, _ in found), key=lambda m: (not m.randomised, -m.fit, m.study))
    _same_trial(ranked)
    ordered: list[Match] = []
    for candidate in (True, False):
        block = [m for m in ranked if m.candidate is candidate]
        _beside(block, shown, library.studies)
        ordered.extend(_order_block(block))
    return ordered


__all__ = [
    "CAVEAT_CODES",
    "Arm",
    "Caveat",
    "CitedWorks",
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
    "intervention_rule",
    "library_from_rows",
    "load_library",
    "match_evidence",
    "subgroup_fit",
]
