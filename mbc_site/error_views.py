"""Error answers outside the views: the API keeps its JSON error shape, pages keep theirs.

Django's own 404 (a URL that resolves to nothing, such as an id too large for the database)
and 400 would otherwise answer the API's clients with HTML.
"""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views import defaults

log = logging.getLogger("mbc_site.refused")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse(
        {"errors": [{"field": None, "code": code, "message": message}]}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def not_found(request, exception=None):
    if _is_api(request):
        return api_error(404, "not_found", "Not found.")
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if _is_api(request):
        return api_error(400, "bad_request", "The request could not be read.")
    return defaults.bad_request(request, exception)


def server_error(request):
    if _is_api(request):
        return api_error(500, "server_error", "Something went wrong on our side.")
    return defaults.server_error(request)
