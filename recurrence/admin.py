from django.contrib import admin

from recurrence.models import Case, CaseChange


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases are entered and changed on the case pages, where the guideline contract checks
    them and the change history records them; the admin only shows them."""

    list_display = (
        "case_number",
        "hospital_number",
        "presentation",
        "category",
        "subtype",
        "synthetic",
    )
    list_filter = ("presentation", "category", "subtype", "synthetic")
    search_fields = ("case_number", "hospital_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CaseChange)
class CaseChangeAdmin(admin.ModelAdmin):
    list_display = ("case", "version", "action", "changed_by", "changed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
