"""The evidence library in the database: studies, their outcome figures, the liver series'
patients and the works a review cites.

The rows are loaded by migration from evidence/data/*.json and mirror those files column for
column. Figures keep their numbers as text exactly as the source writes them ("80.0", "1.70"),
never as floats. `as_row()` gives a row back in its file's shape, so the database and the
files are checked by one loader (evidence.matching.library_from_rows); `clean()` runs an
edited row through that loader before the admin saves it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import RegexValidator
from django.db import models

from evidence import matching
from recurrence.guideline.schema import SITES

NUMBER_AS_WRITTEN = RegexValidator(
    r"^-?\d+(\.\d+)?$",
    "Write the number as the source does, with a point for decimals (80.0, 1.70, <0.001 goes "
    "in the p value).",
    code="number_as_written",
)


def _choices(labels: dict[str, str] | tuple[str, ...]) -> list[tuple[str, str]]:
    if isinstance(labels, dict):
        return list(labels.items())
    return [(value, value.replace("_", " ")) for value in labels]


def _text_or_none(value: str) -> str | None:
    return value or None


def _number(text: str | None) -> Decimal | int | None:
    """The stored text as the files' number: an int when written without a point."""
    if not text:
        return None
    try:
        return int(text) if "." not in text else Decimal(text)
    except (InvalidOperation, ValueError):
        # A malformed number is reported by NUMBER_AS_WRITTEN on the field itself.
        return None


class LibraryQuerySet(models.QuerySet):
    """Bulk writes move the library revision too (save and delete do it by signal)."""

    def update(self, **kwargs):
        count = super().update(**kwargs)
        bump_revision()
        return count

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        bump_revision()
        return created

    def bulk_update(self, *args, **kwargs):
        count = super().bulk_update(*args, **kwargs)
        bump_revision()
        return count


class Study(models.Model):
    key = models.SlugField(max_length=60, unique=True, help_text="stable key, e.g. soomro-2021")
    position = models.PositiveIntegerField(
        default=0, help_text="place in the library's listing (the data file's order)"
    )
    title = models.CharField(max_length=300)
    title_is_descriptive = models.BooleanField(
        default=False, help_text="the title is our own label; the source gives none"
    )
    citation = models.TextField()
    doi = models.CharField("DOI", max_length=120, blank=True)
    design = models.CharField(max_length=30, choices=_choices(matching.DESIGN_LABELS))
    design_detail = models.TextField(blank=True)
    randomised = models.BooleanField(
        default=False, help_text="randomised trial, or a pooled analysis of randomised trials only"
    )
    n_total = models.PositiveIntegerField("patients", null=True, blank=True)
    n_approximate = models.BooleanField(default=False)
    arms = models.JSONField(default=list, blank=True, help_text='[{"name", "n", "description"}]')
    population = models.JSONField(default=dict, help_text="as in studies.json")
    interventions = models.JSONField(default=list, help_text="intervention codes")
    source = models.CharField(
        max_length=30,
        choices=_choices(matching.SOURCES),
        help_text="the document this entry was read from",
    )
    related = models.JSONField(default=list, blank=True, help_text="keys of related studies")
    trial = models.CharField(
        max_length=80,
        blank=True,
        help_text="the trial this entry reports (e.g. MF07-01); the same name on two studies "
        "marks reports of one trial",
    )
    caveats = models.JSONField(
        default=list,
        blank=True,
        help_text='the study\'s own limits: [{"code": "selected_patients" or "immortal_time", '
        '"text"}]',
    )
    summary = models.TextField(blank=True)
    notes = models.JSONField(
        default=list, blank=True, help_text="notes on the study's patient table (liver series)"
    )

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.key

    def as_row(self) -> dict[str, Any]:
        """The study as a row of studies.json."""
        return {
            "key": self.key,
            "title": self.title,
            "title_is_descriptive": self.title_is_descriptive,
            "citation": self.citation,
            "doi": _text_or_none(self.doi),
            "design": self.design,
            "design_detail": self.design_detail,
            "randomised": self.randomised,
            "n_total": self.n_total,
            "n_approximate": self.n_approximate,
            "arms": self.arms,
            "population": self.population,
            "interventions": self.interventions,
            "source": self.source,
            "related": self.related,
            "trial": _text_or_none(self.trial),
            "caveats": self.caveats,
            "summary": self.summary,
        }

    def clean(self) -> None:
        _check_edited(self, {"id": "key"})


class Figure(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="figures")
    key = models.CharField(max_length=80, unique=True, help_text="stable id, e.g. soomro-2021-01")
    position = models.PositiveIntegerField(
        default=0, help_text="place in the library's listing (the data file's order)"
    )
    source = models.CharField(max_length=30, choices=_choices(matching.SOURCES))
    location = models.CharField(max_length=120, help_text="where in the source, e.g. Table 2")
    endpoint = models.CharField(max_length=40, choices=_choices(matching.ENDPOINT_LABELS))
    measure = models.CharField(max_length=20, choices=_choices(matching.MEASURES))
    time_months = models.PositiveIntegerField(null=True, blank=True)
    arm = models.CharField(max_length=80, blank=True, help_text="one of the study's arms")
    comparison = models.CharField(max_length=200, blank=True, help_text="the sides of a ratio")
    subgroup_kind = models.CharField(
        max_length=30, blank=True, choices=_choices(matching.SUBGROUP_KINDS)
    )
    subgroup_value = models.CharField(max_length=40, blank=True)
    subgroup_label = models.CharField(max_length=200, blank=True)
    n = models.PositiveIntegerField(null=True, blank=True)
    value = models.CharField(max_length=20, validators=[NUMBER_AS_WRITTEN])
    unit = models.CharField(max_length=20, choices=_choices(matching.UNITS))
    ci_low = models.CharField(max_length=20, blank=True, validators=[NUMBER_AS_WRITTEN])
    ci_high = models.CharField(max_length=20, blank=True, validators=[NUMBER_AS_WRITTEN])
    ci_level = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(90, "90%"), (95, "95%")]
    )
    p_value = models.CharField(max_length=20, blank=True, help_text="as reported, e.g. <0.001")
    highlight = models.CharField(max_length=20, choices=_choices(matching.HIGHLIGHT_MODES))
    inconsistent = models.BooleanField(
        default=False, help_text="the source reports this figure in conflicting ways"
    )
    note = models.TextField(blank=True)
    quote = models.TextField(help_text="the source's words holding the figure")
    p_quote = models.TextField(blank=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.key

    def as_row(self) -> dict[str, Any]:
        """The figure as a row of figures.json (numbers as the source writes them)."""
        subgroup = None
        if self.subgroup_kind or self.subgroup_value or self.subgroup_label:
            subgroup = {
                "kind": self.subgroup_kind,
                "value": self.subgroup_value,
                "label": self.subgroup_label,
            }
        return {
            "id": self.key,
            "study": self.study.key,
            "source": self.source,
            "location": self.location,
            "endpoint": self.endpoint,
            "measure": self.measure,
            "time_months": self.time_months,
            "arm": _text_or_none(self.arm),
            "comparison": _text_or_none(self.comparison),
            "subgroup": subgroup,
            "n": self.n,
            "value": _number(self.value),
            "unit": self.unit,
            "ci_low": _number(self.ci_low),
            "ci_high": _number(self.ci_high),
            "ci_level": self.ci_level,
            "p_value": _text_or_none(self.p_value),
            "highlight": self.highlight,
            "inconsistent": self.inconsistent,
            "note": _text_or_none(self.note),
            "quote": self.quote,
            "p_quote": _text_or_none(self.p_quote),
        }

    def clean(self) -> None:
        if self.study_id is None or _number(self.value) is None:
            return  # the fields' own validation says what is wrong
        _check_edited(self, {"id": "key", "subgroup": "subgroup_value"})


LIVER_GROUPS = [
    ("liver_only", "solitary liver metastasis"),
    ("liver_and_extrahepatic", "liver and extrahepatic metastasis"),
]


class LiverPatient(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="liver_patients")
    key = models.CharField(max_length=10, unique=True, help_text="S1-S7, E1-E6")
    table = models.CharField(max_length=20, help_text="the series' table, e.g. Table 1")
    case = models.PositiveSmallIntegerField(help_text="case number within its table")
    group = models.CharField(max_length=30, choices=LIVER_GROUPS)
    sex = models.CharField(max_length=1)
    age = models.PositiveSmallIntegerField()
    pathology = models.CharField(max_length=40)
    grade_as_written = models.CharField(max_length=40)
    grade = models.CharField(max_length=20)
    tnm = models.CharField("TNM", max_length=20)
    receptors_as_written = models.CharField(max_length=10)
    er = models.CharField("ER", max_length=10)
    pr = models.CharField("PR", max_length=10)
    her2 = models.CharField("HER2", max_length=10)
    extrahepatic_site_as_written = models.CharField(max_length=80, blank=True)
    extrahepatic_site = models.CharField(max_length=30, blank=True, choices=_choices(SITES))
    liver_segments = models.JSONField(default=list, help_text="Couinaud segments, e.g. [4, 8]")
    resection_as_written = models.CharField(max_length=80)
    resection = models.CharField(max_length=40)
    rfa = models.BooleanField("RFA", default=False)
    postoperative_chemotherapy = models.BooleanField(default=False)
    survival_months = models.CharField(max_length=10, validators=[NUMBER_AS_WRITTEN])

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["table", "case"]
        constraints = [
            models.UniqueConstraint(fields=["study", "table", "case"], name="liver_patient_row")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.table}, case {self.case})"

    def as_row(self) -> dict[str, Any]:
        """The patient as a row of liver_patients.json."""
        return {
            "id": self.key,
            "table": self.table,
            "case": self.case,
            "group": self.group,
            "sex": self.sex,
            "age": self.age,
            "pathology": self.pathology,
            "grade_as_written": self.grade_as_written,
            "grade": self.grade,
            "tnm": self.tnm,
            "receptors_as_written": self.receptors_as_written,
            "er": self.er,
            "pr": self.pr,
            "her2": self.her2,
            "extrahepatic_site_as_written": _text_or_none(self.extrahepatic_site_as_written),
            "extrahepatic_site": _text_or_none(self.extrahepatic_site),
            "liver_segments": self.liver_segments,
            "resection_as_written": self.resection_as_written,
            "resection": self.resection,
            "rfa": self.rfa,
            "postoperative_chemotherapy": self.postoperative_chemotherapy,
            "survival_months": _number(self.survival_months),
        }

    def clean(self) -> None:
        if self.study_id is None or _number(self.survival_months) is None:
            return
        _check_edited(self, {"id": "key"})


class Reference(models.Model):
    cited_by = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="references")
    number = models.PositiveSmallIntegerField(help_text="number in the review's reference list")
    citation = models.TextField()
    first_author = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    tag = models.CharField(max_length=30, choices=_choices(tuple(matching.REFERENCE_TAGS)))
    tag_basis = models.CharField(
        max_length=20,
        choices=[("title", "the cited title"), ("position", "its place in the list")],
    )
    study = models.ForeignKey(
        Study,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cited_in",
        help_text="the library's study this reference is, if any",
    )
    note = models.TextField(blank=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["cited_by_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cited_by", "number"], name="reference_number")
        ]

    def __str__(self) -> str:
        return f"{self.cited_by.key} ref {self.number}"

    def as_row(self) -> dict[str, Any]:
        """The reference as a row of pockaj_references.json (without the citing study)."""
        return {
            "number": self.number,
            "citation": self.citation,
            "first_author": self.first_author,
            "year": self.year,
            "tag": self.tag,
            "tag_basis": self.tag_basis,
            "study": self.study.key if self.study_id is not None else None,
            "note": _text_or_none(self.note),
        }

    def clean(self) -> None:
        if self.cited_by_id is None:
            return
        _check_edited(self, {})


def _check_edited(instance: models.Model, fields: dict[str, str]) -> None:
    """Run the whole library, with `instance` as edited, through the loader.

    `fields` maps the loader's name of a key to the model field where they differ.
    """
    from evidence.library import library_with

    try:
        library_with(instance)
    except matching.LibraryError as exc:
        name = fields.get(exc.field or "", exc.field)
        known = {f.name for f in instance._meta.get_fields()}
        error = ValidationError(str(exc), code="library")
        raise ValidationError({name if name in known else NON_FIELD_ERRORS: error}) from exc
    except (TypeError, AttributeError, KeyError) as exc:
        # A JSON column in a shape the loader cannot read at all (a list for a mapping...).
        raise ValidationError(
            f"Not in the shape the evidence library reads: {exc}", code="library_shape"
        ) from exc


class LibraryRevision(models.Model):
    """A counter moved on every write to the library's tables, so that each application
    server can keep the checked library it built and rebuild it when, and only when, the
    stored library has changed (one small query per use instead of four and a rebuild)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return f"evidence library revision {self.number}"


def bump_revision(**kwargs) -> None:
    updated = LibraryRevision.objects.filter(pk=1).update(number=models.F("number") + 1)
    if not updated:
        LibraryRevision.objects.get_or_create(pk=1)
    # The pages that show the library are cached under this token (mbc_site.revisions).
    from mbc_site import revisions

    revisions.changed([revisions.LIBRARY])


for _model in (Study, Figure, LiverPatient, Reference):
    models.signals.post_save.connect(
        bump_revision, sender=_model, dispatch_uid=f"rev-save-{_model.__name__}"
    )
    models.signals.post_delete.connect(
        bump_revision, sender=_model, dispatch_uid=f"rev-del-{_model.__name__}"
    )
