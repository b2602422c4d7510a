from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login

from recurrence import drafts


class LoginRequiredForPagesMiddleware(LoginRequiredMiddleware):
    """Anonymous users see only the login page.

    The API answers 401 itself (with the API's error shape) rather than redirecting, and
    /healthz and static files stay open for load balancers and the login page's styles.

    A form posted after the session ended is not lost: it is kept as a draft of the user who
    last signed in on this browser (a signed cookie names them), and the login page says so;
    signing in again returns to the form, which restores it.
    """

    open_prefixes = ("/api/", "/healthz", "/static/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.open_prefixes):
            return None
        if request.user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        owner = drafts.owner_from(request.COOKIES.get(drafts.OWNER_COOKIE))
        if owner is None:
            return super().process_view(request, view_func, view_args, view_kwargs)
        key = drafts.form_key(request.resolver_match)
        if request.method == "POST" and key:
            if get_user_model().objects.filter(pk=owner, is_active=True).exists():
                drafts.keep(
                    user_id=owner, key=key, path=request.path, post=request.POST, reason="session"
                )
                messages.warning(
                    request,
                    "Your session had ended, so this was not saved. What you typed is kept: "
                    "sign in again to return to the form with it restored.",
                )
            return redirect_to_login(request.path)
        messages.info(request, "Your session had ended. Sign in again to continue.")
        return redirect_to_login(request.get_full_path())

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "logout" and request.method == "POST":
            # Signed out on purpose: later visits are not an ended session.
            response.delete_cookie(drafts.OWNER_COOKIE, samesite="Lax")
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and drafts.owner_from(request.COOKIES.get(drafts.OWNER_COOKIE)) != user.pk:
            response.set_cookie(
                drafts.OWNER_COOKIE,
                drafts.owner_token(user.pk),
                max_age=drafts.DRAFT_DAYS * 86400,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
