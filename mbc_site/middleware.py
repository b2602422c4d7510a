from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url

from recurrence import drafts

# Query parameters that can hold a patient identifier (the case list's search term); they
# are dropped from the `next=` address of a redirect to the sign-in page.
IDENTIFYING_PARAMETERS = frozenset({"q"})


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
        return self.handle_no_permission(request, view_func)

    def handle_no_permission(self, request, view_func):
        kept = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in IDENTIFYING_PARAMETERS
            for value in values
        ]
        path = request.path + (f"?{urlencode(kept)}" if kept else "")
        return redirect_to_login(
            path,
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )

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


class RefuseNulInAdminQueryMiddleware:
    """A NUL character in an admin address's query string answers the admin's 400 page.

    PostgreSQL cannot hold NUL in text, so a list filter such as
    /admin/recurrence/case/?presentation=%00 failed in the database with a 500. The
    refusal is logged in one line. (The site's pages and the API strip NUL from their
    filters themselves.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        import logging

        from django.contrib import admin
        from django.shortcuts import render

        logging.getLogger("mbc_site.refused").warning(
            "Refused %s %s: NUL character in the query string", request.method, request.path
        )
        message = "The address holds a NUL character, which no filter value can contain."
        context = {**admin.site.each_context(request), "message": message}
        return render(request, "admin/bad_request.html", context, status=400)
