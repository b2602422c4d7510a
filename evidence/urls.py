from django.urls import path

from evidence import views

urlpatterns = [
    path("", views.study_list, name="evidence-list"),
    path("<slug:key>/", views.study_detail, name="evidence-detail"),
]
