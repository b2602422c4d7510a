"""Tumour board meetings, their agendas, and the board's signed decisions.

A signed decision is never changed or deleted; corrections are amendments appended to it.
The model refuses it at save() and delete(), and so does its queryset's update()/delete(),
so neither the pages, the API nor the admin can change one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from recurrence.models import Case


class SignedDecisionIsFinal(Exception):
    """A signed decision cannot change; add an amendment instead."""


class Meeting(models.Model):
    date = models.DateField()
    title = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"], name="agenda_case_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.position}: {self.case_id}"


class FinalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SignedDecisionIsFinal("Signed decisions cannot be changed; add an amendment.")

    def delete(self):
        raise SignedDecisionIsFinal("Signed decisions cannot be deleted; add an amendment.")


class Decision(models.Model):
    OUTCOMES = [
        ("follows", "follows the recommendation"),
        ("differs", "differs from the recommendation"),
    ]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=8, choices=OUTCOMES)
    plan = models.TextField()
    reason = models.TextField(blank=True)
    ruleset_id = models.CharField(max_length=40)
    ruleset_version = models.CharField(max_length=20)
    recommendation_codes = models.JSONField(default=list)
    recommendation_snapshot = models.JSONField(
        default=dict, help_text="the engine's result as signed"
    )
    case_version = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    # The signer as signed: renaming the account later does not change a signature.
    signer_name = models.CharField(max_length=300, default="")
    signer_role = models.CharField(max_length=40, default="")

    objects = FinalQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "meeting"], name="decision_once_per_case_and_meeting"
            ),
            models.CheckConstraint(
                condition=Q(outcome="follows") | ~Q(reason=""), name="decision_differs_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"decision {self.pk} on {self.case_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedDecisionIsFinal("Signed decisions cannot be changed; add an amendment.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedDecisionIsFinal("Signed decisions cannot be deleted; add an amendment.")


class Amendment(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="amendments")
    reason = models.TextField()
    text = models.TextField()
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(auto_now_add=True)
    signer_name = models.CharField(max_length=300, default="")
    signer_role = models.CharField(max_length=40, default="")

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"amendment {self.pk} of decision {self.decision_id}"


def signer_name(user) -> str:
    """How a signature names its signer: the full name, or the user name without one."""
    return (user.get_full_name() or user.get_username()).strip()
