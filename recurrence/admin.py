from django.contrib import admin

from recurrence.models import Case, CaseChange


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases are entered and changed on the case pages, where the guideline contract checks
    them and the change history records them; the admin only shows them, archived ones too."""

    list_display = (
        "case_number",
        "hospital_number",
        "presentation",
        "category",
        "subtype",
        "synthetic",
    )
    list_filter = ("presentation", "category", "subtype", "synthetic", "archived_at")
    # No search box: the admin's search is a GET form, which would put a case or hospital
    # number in the address and the access log. The case list on / searches by POST.

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # cases are archived (POST /api/v1/cases/{id}/archive/), never deleted


@admin.register(CaseChange)
class CaseChangeAdmin(admin.ModelAdmin):
    list_display = ("case", "version", "action", "changed_by", "changed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
