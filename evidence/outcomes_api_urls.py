from django.urls import path

from evidence import outcomes_api

urlpatterns = [
    path(
        "outcomes/summary/",
        outcomes_api.OutcomesSummaryView.as_view(),
        name="api-outcomes-summary",
    ),
]
