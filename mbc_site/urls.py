from django.contrib import admin
from django.urls import include, path

from mbc_site import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("mbc_site.api_urls")),
    path("evidence/", include("evidence.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("board/", include("board.urls")),
    path("accounts/", include("mbc_site.auth_views")),
    path("", include("interop.urls")),
    path("", include("recurrence.urls")),
]

handler400 = "mbc_site.error_views.bad_request"
handler404 = "mbc_site.error_views.not_found"
handler500 = "mbc_site.error_views.server_error"
