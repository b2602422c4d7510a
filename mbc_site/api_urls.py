from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from mbc_site.api_reference import api_reference

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_reference, name="api-docs"),
    path("", include("recurrence.api_urls")),
    path("", include("board.api_urls")),
    path("", include("evidence.api_urls")),
    path("", include("outcomes.api_urls")),
    path("", include("interop.api_urls")),
]
