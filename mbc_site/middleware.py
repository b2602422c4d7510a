from urllib.parse import urlencode

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url

# Query parameters that can hold a patient identifier (the case list's search term); they
# are dropped from the `next=` address of a redirect to the sign-in page.
IDENTIFYING_PARAMETERS = frozenset({"q"})


class LoginRequiredForPagesMiddleware(LoginRequiredMiddleware):
    """Anonymous users see only the login page.

    The API answers 401 itself (with the API's error shape) rather than redirecting, and
    /healthz and static files stay open for load balancers and the login page's styles.
    """

    open_prefixes = ("/api/", "/healthz", "/static/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.open_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

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
