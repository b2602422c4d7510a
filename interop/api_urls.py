from django.urls import path

from interop import api

urlpatterns = [
    path("fhir/import", api.FhirImport.as_view(), name="api-fhir-import"),
    path("cases/<id:pk>/fhir", api.CaseFhir.as_view(), name="api-case-fhir"),
]
