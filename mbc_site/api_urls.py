from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("recurrence.api_urls")),
    path("", include("board.api_urls")),
    path("", include("evidence.api_urls")),
    path("", include("evidence.outcomes_api_urls")),
    path("", include("interop.api_urls")),
]
