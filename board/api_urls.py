from django.urls import path

from board import api

urlpatterns = [
    path("meetings/", api.Meetings.as_view(), name="api-meetings"),
    path("meetings/<int:pk>/agenda/", api.Agenda.as_view(), name="api-agenda"),
    path(
        "meetings/<int:pk>/agenda/<int:case_pk>/",
        api.AgendaEntry.as_view(),
        name="api-agenda-entry",
    ),
    path("cases/<int:pk>/decisions/", api.CaseDecisions.as_view(), name="api-case-decisions"),
    path("decisions/<int:pk>/", api.DecisionDetail.as_view(), name="api-decision"),
    path(
        "decisions/<int:pk>/amendments/",
        api.DecisionAmendments.as_view(),
        name="api-decision-amendments",
    ),
]
