from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from its own URL (?script=): no inline
    # script, as the Content-Security-Policy requires.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("recurrence.api_urls")),
    path("", include("board.api_urls")),
    path("", include("evidence.api_urls")),
    path("", include("outcomes.api_urls")),
    path("", include("interop.api_urls")),
]
