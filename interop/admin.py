from django.contrib import admin

from interop.models import CardFeedback, CaseImport, IssuedCard


@admin.register(CaseImport)
class CaseImportAdmin(admin.ModelAdmin):
    list_display = ("case", "imported_at", "imported_by")
    readonly_fields = ("case", "case_version", "fields", "report", "imported_by", "imported_at")


@admin.register(IssuedCard)
class IssuedCardAdmin(admin.ModelAdmin):
    list_display = ("uuid", "recommendation_code", "ruleset_version", "case", "issued_at")


@admin.register(CardFeedback)
class CardFeedbackAdmin(admin.ModelAdmin):
    list_display = ("card", "outcome", "reason_code", "outcome_at", "received_at")
