"""Sign-in with throttling of failed attempts, sign-out and password change.

Included at /accounts/ by mbc_site/urls.py. Failed sign-ins are counted in the database
(recurrence.throttle) so the limit holds across application servers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, path, resolve
from django.views.decorators.http import require_POST

from recurrence import drafts, throttle


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

    def get_default_redirect_url(self):
        # Back to a form whose typed text was kept and not yet given back, if there is one.
        return drafts.unshown_path(self.request.user) or super().get_default_redirect_url()


class PasswordChangeView(auth.PasswordChangeView):
    http_method_names = FORM_METHODS


class PasswordChangeDoneView(auth.PasswordChangeDoneView):
    http_method_names = ["get", "head", "options"]


@require_POST
def session_keepalive(request):
    """ "Stay signed in": any request renews the idle timeout; this one says how long it is."""
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})


@require_POST
def draft_discard(request):
    """Throw away the user's kept text of a form and open the form as it is saved."""
    path = request.POST.get("path", "")
    try:
        match = resolve(path) if path.startswith("/") and not path.startswith("//") else None
    except Resolver404:
        match = None
    key = drafts.form_key(match)
    if key is None:
        return redirect("case-list")
    drafts.Draft.objects.filter(user=request.user, form_key=key).delete()
    messages.info(request, "What was typed was discarded; the form shows the saved values.")
    return redirect(path)


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("session/", session_keepalive, name="session-keepalive"),
    path("drafts/discard/", draft_discard, name="draft-discard"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
]
