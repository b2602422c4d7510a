from django.urls import path

from recurrence import followup_views, views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<id:pk>/", views.case_detail, name="case-detail"),
    path("cases/<id:pk>/edit/", views.case_edit, name="case-edit"),
    path("cases/<id:pk>/follow-up/", followup_views.follow_up, name="case-follow-up"),
    path("cases/<id:pk>/treatments/", followup_views.treatment_add, name="case-treatment-add"),
    path(
        "cases/<id:pk>/treatments/<id:treatment_pk>/remove/",
        followup_views.treatment_remove,
        name="case-treatment-remove",
    ),
    path("sources/", views.sources, name="sources"),
]
