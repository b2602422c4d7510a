from django.urls import path

from board import views

urlpatterns = [
    path("", views.meeting_list, name="board-meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="board-meeting"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="board-agenda-add"),
    path(
        "meetings/<int:pk>/agenda/<int:case_pk>/remove/",
        views.agenda_remove,
        name="board-agenda-remove",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:case_pk>/move/", views.agenda_move, name="board-agenda-move"
    ),
    path("meetings/<int:pk>/print/", views.agenda_print, name="board-agenda-print"),
    path(
        "meetings/<int:pk>/cases/<int:case_pk>/",
        views.meeting_case_summary,
        name="board-meeting-case",
    ),
    path(
        "meetings/<int:pk>/cases/<int:case_pk>/decision/",
        views.decision_create,
        name="board-decide",
    ),
    path("cases/<int:pk>/summary/", views.case_summary, name="board-case-summary"),
    path(
        "cases/<int:case_pk>/meetings/",
        views.case_add_to_meeting,
        name="board-case-add-to-meeting",
    ),
    path("decisions/<int:pk>/", views.decision_detail, name="board-decision"),
    path("decisions/<int:pk>/amend/", views.amendment_create, name="board-amend"),
]
