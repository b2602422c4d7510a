from django.urls import path

from recurrence import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("cases/", api.CaseList.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", api.CaseDetail.as_view(), name="api-case-detail"),
    path(
        "cases/<int:pk>/recommendation/",
        api.CaseRecommendation.as_view(),
        name="api-case-recommendation",
    ),
    path("recommendations/evaluate/", api.Evaluate.as_view(), name="api-evaluate"),
]
