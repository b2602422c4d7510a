"""The admin's accounts: sign-in through the site's throttle, and users who hold the
product's roles and nothing more.

An administrator manages accounts and their roles (the groups coordinator, oncologist and
administrator). Nobody edits superuser status, staff status or per-user permissions here:
staff status follows the administrator role, superusers are made at the command line
(`manage.py createsuperuser`) and only a superuser can change a superuser's account. API
tokens are listed without their keys, which are never stored, and can be revoked.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from mbc_site.auth_views import ThrottledAdminAuthenticationForm
from mbc_site.models import ApiToken
from recurrence import roles

admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = "MBC Board administration"

User = get_user_model()


def _is_administrator(request) -> bool:
    return roles.has_role(request.user, roles.ADMINISTRATOR)


class RoleAdmin(admin.ModelAdmin):
    """The administrator role, not Django's per-model permissions, decides here."""

    def has_module_permission(self, request):
        return _is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request)


class RolesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


admin.site.unregister(User)
admin.site.unregister(Group)  # the roles' permissions are set by migrations, not edited


@admin.register(User)
class AccountAdmin(RoleAdmin, UserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "email", "role_names", "is_active")
    list_filter = ("is_active", "groups")
    filter_horizontal = ()

    @admin.display(description="roles")
    def role_names(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "none"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=roles.ROLES).order_by("name")
            kwargs["form_class"] = RolesField
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["help_text"] = "The user's roles in MBC Board."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _may_change(self, request, obj) -> bool:
        if not _is_administrator(request):
            return False
        return obj is None or not obj.is_superuser or request.user.is_superuser

    def has_add_permission(self, request):
        return _is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and (obj is None or obj.pk != request.user.pk)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        if target is not None and not self._may_change(request, target):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        staff = user.is_superuser or user.groups.filter(name=roles.ADMINISTRATOR).exists()
        if user.is_staff != staff:
            User.objects.filter(pk=user.pk).update(is_staff=staff)


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdmin):
    list_display = ("user", "created_at", "expires_at")
    list_filter = ("user",)
    fields = ("user", "created_at", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return _is_administrator(request)
