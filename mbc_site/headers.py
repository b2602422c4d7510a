"""Response headers set on every answer, in every mode, development included.

- ``Content-Security-Policy``: scripts only from the site's own static files (no inline
  script, no eval), styles from the site plus inline ``style`` (matplotlib's SVG charts carry
  their styles inline), images from the site and ``data:`` URLs (the favicon, Swagger UI's
  icons), nothing framed, forms posted only to the site.
- ``Cache-Control: no-store`` on every answer that is not a static file: pages and API
  answers show patient data, and neither a shared proxy nor the browser's history may keep
  them. Static files keep the long-lived caching WhiteNoise gives them.

This middleware sits first, so it also sees what WhiteNoise and the security middleware
answer themselves (static files, the HTTPS redirect).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        static = settings.STATIC_URL or "/static/"
        self.static_prefix = static if static.startswith("/") else "/" + static

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if not request.path.startswith(self.static_prefix):
            add_never_cache_headers(response)
        return response
