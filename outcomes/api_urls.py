from django.urls import path

from outcomes import api as outcomes_api

urlpatterns = [
    path(
        "outcomes/summary/",
        outcomes_api.OutcomesSummaryView.as_view(),
        name="api-outcomes-summary",
    ),
]
