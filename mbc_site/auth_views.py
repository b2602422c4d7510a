"""Sign-in with throttling of failed attempts, sign-out and password change.

Included at /accounts/ by mbc_site/urls.py. Failed sign-ins are counted in the database
(recurrence.throttle) so the limit holds across application servers.
"""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import path

from recurrence import throttle


class ThrottleMixin:
    """Refuses every attempt, even with the right password, while an account or an address
    is locked out; records each failure and clears the account's on success. Used by the
    site's sign-in and the admin's, so both share one throttle."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing or unreadable: nothing is tried
        ip = throttle.client_ip(self.request)
        if throttle.is_locked_out(username, ip):
            raise ValidationError(throttle.LOCKED_MESSAGE, code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is None:  # a wrong password, not a right one refused for role
                throttle.record_failure(username, ip)
            raise
        if self.user_cache is not None:
            throttle.clear_failures(username)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "locked": throttle.LOCKED_MESSAGE}


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "locked": throttle.LOCKED_MESSAGE}


# Form views answer PUT like POST unless told otherwise; these pages only take forms.
FORM_METHODS = ["get", "post", "head", "options"]


class LoginView(auth.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True
    http_method_names = FORM_METHODS


class PasswordChangeView(auth.PasswordChangeView):
    http_method_names = FORM_METHODS


class PasswordChangeDoneView(auth.PasswordChangeDoneView):
    http_method_names = ["get", "head", "options"]


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
]
