from django.urls import path

from interop import cds_views, views

urlpatterns = [
    path("cases/import/", views.case_import, name="case-import"),
    path("cds-services", cds_views.discovery, name="cds-discovery"),
    path("cds-services/mbc-recurrence", cds_views.service, name="cds-service"),
    path("cds-services/mbc-recurrence/feedback", cds_views.feedback, name="cds-feedback"),
]
