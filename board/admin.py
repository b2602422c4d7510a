from django.contrib import admin

from board.models import Amendment, Decision, Meeting


class ReadOnlyAdmin(admin.ModelAdmin):
    """Signed decisions and their amendments are read in the admin, never changed there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("id", "case", "meeting", "outcome", "signed_by", "signed_at")
    list_select_related = ("case", "meeting", "signed_by")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("id", "decision", "amended_by", "amended_at")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "date", "created_by")
