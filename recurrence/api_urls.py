from django.urls import path

from recurrence import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("cases/", api.CaseList.as_view(), name="api-case-list"),
    path("cases/<id:pk>/", api.CaseDetail.as_view(), name="api-case-detail"),
    path("cases/<id:pk>/archive/", api.CaseArchive.as_view(), name="api-case-archive"),
    path(
        "cases/<id:pk>/recommendation/",
        api.CaseRecommendation.as_view(),
        name="api-case-recommendation",
    ),
    path("cases/<id:pk>/follow-up/", api.CaseFollowUp.as_view(), name="api-case-follow-up"),
    path("cases/<id:pk>/treatments/", api.CaseTreatments.as_view(), name="api-case-treatments"),
    path(
        "cases/<id:pk>/treatments/<id:treatment_pk>/",
        api.CaseTreatment.as_view(),
        name="api-case-treatment",
    ),
    path("recommendations/evaluate/", api.Evaluate.as_view(), name="api-evaluate"),
]
