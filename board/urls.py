from django.urls import path

from board import views

urlpatterns = [
    path("", views.meeting_list, name="board-meetings"),
    path("meetings/<id:pk>/", views.meeting_detail, name="board-meeting"),
    path("meetings/<id:pk>/agenda/", views.agenda_add, name="board-agenda-add"),
    path(
        "meetings/<id:pk>/agenda/<id:case_pk>/remove/",
        views.agenda_remove,
        name="board-agenda-remove",
    ),
    path("meetings/<id:pk>/agenda/<id:case_pk>/move/", views.agenda_move, name="board-agenda-move"),
    path("meetings/<id:pk>/print/", views.agenda_print, name="board-agenda-print"),
    path(
        "meetings/<id:pk>/cases/<id:case_pk>/",
        views.meeting_case_summary,
        name="board-meeting-case",
    ),
    path(
        "meetings/<id:pk>/cases/<id:case_pk>/decision/",
        views.decision_create,
        name="board-decide",
    ),
    path("cases/<id:pk>/summary/", views.case_summary, name="board-case-summary"),
    path(
        "cases/<id:case_pk>/meetings/",
        views.case_add_to_meeting,
        name="board-case-add-to-meeting",
    ),
    path("decisions/<id:pk>/", views.decision_detail, name="board-decision"),
    path("decisions/<id:pk>/amend/", views.amendment_create, name="board-amend"),
]
