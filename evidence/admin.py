"""Administrators keep the evidence library in the admin. Each edited row is checked by the
library's loader before it is saved (see the models' clean()), and a study that others
name as related cannot be deleted from under them."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Max

from evidence.models import Figure, LiverPatient, Reference, Study
from recurrence import roles


class AdministratorsOnly(admin.ModelAdmin):
    """The administrator role, not Django's per-model permissions, decides here."""

    def has_module_permission(self, request):
        return roles.has_role(request.user, roles.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None):
        return roles.has_role(request.user, roles.ADMINISTRATOR)

    def has_add_permission(self, request):
        return roles.has_role(request.user, roles.ADMINISTRATOR)

    def has_change_permission(self, request, obj=None):
        return roles.has_role(request.user, roles.ADMINISTRATOR)

    def has_delete_permission(self, request, obj=None):
        return roles.has_role(request.user, roles.ADMINISTRATOR)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "position" in {f.name for f in self.model._meta.fields}:
            last = self.model._default_manager.aggregate(last=Max("position"))["last"] or 0
            initial.setdefault("position", last + 1)
        return initial


@admin.register(Study)
class StudyAdmin(AdministratorsOnly):
    list_display = ("key", "title", "design", "randomised", "n_total", "source", "position")
    list_filter = ("design", "randomised", "source")
    search_fields = ("key", "title", "citation")
    ordering = ("position", "key")

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        keys = {s.key for s in objs}
        for other in Study.objects.exclude(key__in=keys):
            named = keys.intersection(other.related)
            if named:
                protected.append(f"{other.key} names {', '.join(sorted(named))} as related")
        return deleted, counts, perms_needed, protected


@admin.register(Figure)
class FigureAdmin(AdministratorsOnly):
    list_display = (
        "key",
        "study",
        "endpoint",
        "measure",
        "time_months",
        "arm",
        "subgroup_label",
        "value",
        "unit",
        "inconsistent",
    )
    list_filter = ("inconsistent", "measure", "endpoint", "study")
    list_select_related = ("study",)
    search_fields = ("key", "quote", "note")
    ordering = ("position", "key")


@admin.register(LiverPatient)
class LiverPatientAdmin(AdministratorsOnly):
    list_display = ("key", "table", "case", "group", "age", "tnm", "survival_months")
    list_filter = ("group",)
    ordering = ("table", "case")


@admin.register(Reference)
class ReferenceAdmin(AdministratorsOnly):
    list_display = ("number", "first_author", "year", "tag", "tag_basis", "study")
    list_filter = ("tag", "tag_basis")
    list_select_related = ("study", "cited_by")
    search_fields = ("citation", "first_author")
    ordering = ("cited_by", "number")
