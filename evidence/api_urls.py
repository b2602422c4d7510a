from django.urls import path

from evidence import api

urlpatterns = [
    path("studies/", api.StudyList.as_view(), name="api-study-list"),
    path("studies/<str:key>/", api.StudyDetail.as_view(), name="api-study-detail"),
    path("cases/<id:pk>/evidence/", api.CaseEvidence.as_view(), name="api-case-evidence"),
]
