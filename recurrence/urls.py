from django.urls import path

from recurrence import followup_views, views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("cases/<int:pk>/follow-up/", followup_views.follow_up, name="case-follow-up"),
    path("cases/<int:pk>/treatments/", followup_views.treatment_add, name="case-treatment-add"),
    path(
        "cases/<int:pk>/treatments/<int:treatment_pk>/remove/",
        followup_views.treatment_remove,
        name="case-treatment-remove",
    ),
    path("sources/", views.sources, name="sources"),
]
