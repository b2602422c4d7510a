"""What interoperability records: where an imported case's fields came from, the CDS Hooks
cards issued, and the feedback the record system sends about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from recurrence.models import Case


class CaseImport(models.Model):
    """A case saved from a FHIR Bundle: which fields were imported and which took the
    contract's default (shown "to confirm" on the case page until the case is saved again)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="fhir_import")
    case_version = models.PositiveIntegerField(help_text="the case's version when imported")
    fields = models.JSONField(default=dict, help_text="{field: imported | defaulted | entered}")
    report = models.JSONField(default=list, help_text="the mapping report at import")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"FHIR import of case {self.case_id}"

    def to_confirm(self) -> list[str]:
        return [name for name, how in self.fields.items() if how == "defaulted"]


class IssuedCard(models.Model):
    """A CDS Hooks card sent to a record system, kept so that feedback can be matched."""

    uuid = models.UUIDField(unique=True)
    hook_instance = models.CharField(max_length=100)
    recommendation_code = models.CharField(max_length=60)
    ruleset_version = models.CharField(max_length=20)
    summary = models.CharField(max_length=140)
    issuer = models.CharField(max_length=300)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="cds_cards"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"card {self.uuid} ({self.recommendation_code})"


class CardFeedback(models.Model):
    OUTCOMES = [("accepted", "accepted"), ("overridden", "overridden")]

    card = models.ForeignKey(IssuedCard, on_delete=models.CASCADE, related_name="feedback")
    outcome = models.CharField(max_length=10, choices=OUTCOMES)
    accepted_suggestions = models.JSONField(default=list)
    reason_system = models.CharField(max_length=200, blank=True)
    reason_code = models.CharField(max_length=100, blank=True)
    reason_display = models.CharField(max_length=300, blank=True)
    user_comment = models.TextField(blank=True)
    outcome_at = models.DateTimeField()
    issuer = models.CharField(max_length=300)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} {self.card_id}"
