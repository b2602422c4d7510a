"""Case records. The guideline contract's validation is the one source of truth: every
write goes through recurrence.services, which validates the contract's case with
recurrence.guideline.parse_case before anything is stored; the database constraints
below repeat only what a database can state simply, as a last line of defence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from recurrence.guideline import schema

WORKUP_FIELDS = tuple(f"workup_{item}" for item in schema.WORKUP_ITEMS)


def _choices(values, labels=None):
    return [(v, (labels or {}).get(v, v.replace("_", " "))) for v in values]


PRESENTATION_CHOICES = [("recurrence", "Recurrence"), ("de_novo_stage_iv", "De novo stage IV")]
CATEGORY_CHOICES = [
    ("isolated_locoregional", "Isolated local-regional"),
    ("metastatic", "Metastatic"),
]
SUBTYPE_CHOICES = [
    ("luminal_a", "Luminal A"),
    ("luminal_b", "Luminal B"),
    ("luminal_unspecified", "Luminal (Ki-67 unknown)"),
    ("luminal_b_her2", "Luminal B HER2-positive"),
    ("her2_enriched", "HER2-enriched"),
    ("triple_negative", "Triple negative"),
    ("undetermined", "Undetermined"),
]


class CaseQuerySet(models.QuerySet):
    def live(self):
        """The cases in use: not archived."""
        return self.filter(archived_at__isnull=True)


class Case(models.Model):
    case_number = models.CharField(max_length=40, unique=True, help_text="The board's reference")
    hospital_number = models.CharField(max_length=40, blank=True, db_index=True)
    synthetic = models.BooleanField(default=False, help_text="Demo data, not a real patient")

    presentation = models.CharField(max_length=20, choices=PRESENTATION_CHOICES)
    recurrence_date = models.DateField()
    primary_diagnosis_date = models.DateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    menopausal_status = models.CharField(
        max_length=16, choices=_choices(schema.MENOPAUSAL_STATUSES), default="unknown"
    )
    prior_breast_surgery = models.CharField(
        max_length=20,
        choices=_choices(schema.PRIOR_BREAST_SURGERIES, {"breast_conserving": "breast-conserving"}),
        default="none",
    )
    prior_breast_radiotherapy = models.BooleanField(default=False)
    prior_tamoxifen = models.BooleanField(default=False)
    tamoxifen_end_date = models.DateField(null=True, blank=True)
    prior_aromatase_inhibitor = models.BooleanField(
        default=False, help_text="Anastrozole, letrozole or exemestane before this recurrence."
    )
    aromatase_inhibitor_end_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the aromatase inhibitor was stopped. Leave empty if she is still "
        "taking it.",
    )
    primary_in_situ = models.BooleanField(default=False)

    er = models.CharField(
        max_length=10, choices=_choices(schema.RECEPTOR_RESULTS), default="unknown"
    )
    pr = models.CharField(
        max_length=10, choices=_choices(schema.RECEPTOR_RESULTS), default="unknown"
    )
    her2_ihc = models.CharField(
        max_length=8, choices=_choices(schema.HER2_IHC_SCORES), default="unknown"
    )
    her2_ish = models.CharField(
        max_length=16, choices=_choices(schema.HER2_ISH_RESULTS), default="not_done"
    )
    ki67_percent = models.FloatField(null=True, blank=True)
    receptors_tested_on = models.CharField(
        max_length=12, choices=_choices(schema.RECEPTOR_TISSUES), default="primary"
    )
    histology_confirmed = models.BooleanField(default=False)

    ecog = models.PositiveSmallIntegerField(null=True, blank=True)
    visceral_crisis = models.BooleanField(default=False)
    endocrine_resistance = models.BooleanField(default=False)
    neurological_symptoms = models.BooleanField(default=False)
    bone_pain = models.BooleanField(default=False)
    hypercalcaemia = models.BooleanField(default=False)
    systemic_disease_controlled = models.BooleanField(null=True, blank=True)
    resectable = models.BooleanField(
        null=True,
        blank=True,
        help_text="The surgeon's judgement that the disease an operation would address can be "
        "removed completely: for a local-regional recurrence, the recurrence; in metastatic "
        "disease, the metastases (not the primary tumour). Leave empty until judged.",
    )
    bulky_disease = models.BooleanField(
        null=True,
        blank=True,
        help_text="A large tumour burden at any site, as the board judges it. Leave empty until "
        "assessed.",
    )

    workup_cbc = models.BooleanField(default=False)
    workup_liver_function = models.BooleanField(default=False)
    workup_renal_function = models.BooleanField(default=False)
    workup_alkaline_phosphatase = models.BooleanField(default=False)
    workup_calcium = models.BooleanField(default=False)
    workup_chest_imaging = models.BooleanField(default=False)
    workup_abdominal_imaging = models.BooleanField(default=False)
    workup_bone_scan = models.BooleanField(default=False)
    workup_brain_imaging = models.BooleanField(default=False)

    # Derived by the engine at every save, kept for the case list's filters.
    category = models.CharField(max_length=24, choices=CATEGORY_CHOICES, db_index=True)
    subtype = models.CharField(max_length=24, choices=SUBTYPE_CHOICES, db_index=True)
    site_pattern = models.CharField(max_length=24, db_index=True, default="")

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # Cases are never deleted: an administrator archives one (recurrence.services.case_archive)
    # and it leaves the lists; the change history records who, when and why.
    # No index of its own: the case list's partial indexes (Meta.indexes) serve "not
    # archived", and a plain one leads SQLite's planner to sort the whole table.
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    archive_reason = models.TextField(blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The case list: live cases newest first, alone or by one filter (and search, in
        # migration 0007_case_list_indexes: expression indexes for PostgreSQL only).
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(archived_at__isnull=True),
                name="case_live_newest",
            ),
            *(
                models.Index(
                    fields=[name, "-created_at", "-id"],
                    condition=Q(archived_at__isnull=True),
                    name=f"case_live_{name}_newest",
                )
                for name in ("presentation", "category", "subtype")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(presentation__in=schema.PRESENTATIONS), name="case_presentation_valid"
            ),
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__gte=18, age__lte=120), name="case_age_range"
            ),
            models.CheckConstraint(
                condition=Q(ecog__isnull=True) | Q(ecog__lte=4), name="case_ecog_range"
            ),
            models.CheckConstraint(
                condition=Q(ki67_percent__isnull=True)
                | Q(ki67_percent__gte=0, ki67_percent__lte=100),
                name="case_ki67_range",
            ),
            models.CheckConstraint(
                condition=Q(primary_diagnosis_date__isnull=True)
                | Q(recurrence_date__gte=models.F("primary_diagnosis_date")),
                name="case_recurrence_after_primary",
            ),
            models.CheckConstraint(
                condition=Q(tamoxifen_end_date__isnull=True) | Q(prior_tamoxifen=True),
                name="case_tamoxifen_end_needs_tamoxifen",
            ),
            models.CheckConstraint(
                condition=Q(aromatase_inhibitor_end_date__isnull=True)
                | Q(prior_aromatase_inhibitor=True),
                name="case_ai_end_needs_ai",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="case_version_positive"),
        ]

    def __str__(self) -> str:
        return self.case_number


class CaseSite(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sites")
    site = models.CharField(max_length=24, choices=_choices(schema.SITES, schema.SITE_LABELS))
    lesions = models.PositiveSmallIntegerField(null=True, blank=True)
    symptomatic = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "site"], name="casesite_one_row_per_site"),
            models.CheckConstraint(
                condition=Q(lesions__isnull=True) | Q(lesions__gte=1),
                name="casesite_lesions_positive",
            ),
            models.CheckConstraint(condition=Q(site__in=schema.SITES), name="casesite_site_valid"),
        ]

    def __str__(self) -> str:
        return schema.SITE_LABELS.get(self.site, self.site)


class CaseChange(models.Model):
    """One saved change of a case: who, when, and each field's old and new value."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    action = models.CharField(
        max_length=10,
        choices=[("create", "created"), ("update", "updated"), ("archive", "archived")],
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")

    class Meta:
        ordering = ["-version", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="casechange_one_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version} {self.action}"


class FailedLogin(models.Model):
    """Failed sign-ins, kept in the database so throttling holds across app servers."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M}"


class FollowUp(models.Model):
    """The latest follow-up of a case; validated by recurrence.followup before it is stored."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up")
    last_contact_date = models.DateField()
    vital_status = models.CharField(max_length=8, choices=[("alive", "alive"), ("dead", "dead")])
    death_date = models.DateField(null=True, blank=True)
    progression_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(vital_status="alive", death_date__isnull=True)
                | Q(vital_status="dead", death_date__isnull=False),
                name="followup_death_date_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(death_date__isnull=True)
                | Q(last_contact_date__lte=models.F("death_date")),
                name="followup_no_contact_after_death",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up of {self.case_id}"


class Treatment(models.Model):
    KIND_CHOICES = [
        ("systemic_line", "systemic therapy line"),
        ("primary_surgery", "surgery of the primary tumour"),
        ("metastasectomy", "metastasectomy"),
        ("radiotherapy", "radiotherapy"),
    ]
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="treatments")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    line = models.PositiveSmallIntegerField(null=True, blank=True)
    site = models.CharField(
        max_length=24, blank=True, choices=_choices(schema.SITES, schema.SITE_LABELS)
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="treatment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start_date}"


class Draft(models.Model):
    """What a user typed into a form that was not saved (the session had ended, or the save
    was refused), kept on the server so that it is restored when the form is opened again.
    One per user and form; deleted when the form is saved; kept at most DRAFT_DAYS."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    form_key = models.CharField(max_length=80, help_text='e.g. "decision:3:17"')
    path = models.CharField(max_length=200, help_text="the form's page, to return to")
    data = models.JSONField(default=dict, help_text="{field: [values]} as posted")
    reason = models.CharField(
        max_length=16, choices=[("session", "session"), ("refused", "refused")]
    )
    detail = models.TextField(blank=True, help_text="why the save was refused, in words")
    shown = models.BooleanField(default=False, help_text="restored into its form since it was kept")
    saved_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "form_key"], name="draft_one_per_user_and_form"
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.form_key} of user {self.user_id}"
