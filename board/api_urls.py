from django.urls import path

from board import api

urlpatterns = [
    path("meetings/", api.Meetings.as_view(), name="api-meetings"),
    path("meetings/<id:pk>/agenda/", api.Agenda.as_view(), name="api-agenda"),
    path(
        "meetings/<id:pk>/agenda/<id:case_pk>/",
        api.AgendaEntry.as_view(),
        name="api-agenda-entry",
    ),
    path("cases/<id:pk>/decisions/", api.CaseDecisions.as_view(), name="api-case-decisions"),
    path("decisions/<id:pk>/", api.DecisionDetail.as_view(), name="api-decision"),
    path(
        "decisions/<id:pk>/amendments/",
        api.DecisionAmendments.as_view(),
        name="api-decision-amendments",
    ),
]
