from django.urls import path

from outcomes import views as outcomes_views

urlpatterns = [
    path("", outcomes_views.outcomes_page, name="outcomes"),
    path("data.csv", outcomes_views.outcomes_csv, name="outcomes-csv"),
    path("similar/<id:pk>/", outcomes_views.similar_panel, name="outcomes-similar-panel"),
    path("similar/<id:pk>.svg", outcomes_views.similar_chart, name="outcomes-similar-chart"),
]
