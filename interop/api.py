"""FHIR over the API: POST /api/v1/fhir/import and GET /api/v1/cases/{id}/fhir."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from interop import services
from interop.fhir_import import BundleRefused
from mbc_site.api_errors import errors_response
from mbc_site.parsers import StrictJSONParser
from recurrence import roles
from recurrence.models import Case


class BundleParser(StrictJSONParser):
    """The API's strict JSON (duplicate keys, lone surrogates and nesting deeper than 64
    levels refused with a 400); never a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


class FhirJSONParser(BundleParser):
    """FHIR's own media type for a JSON Bundle, read the same way."""

    media_type = "application/fhir+json"


class Coordinator(BasePermission):
    message = "Importing a case needs the coordinator role."

    def has_permission(self, request, view):
        return roles.can_edit_cases(request.user)


class AnyRole(BasePermission):
    message = "Your account has no role in MBC Board."

    def has_permission(self, request, view):
        return roles.can_read_cases(request.user)


class FhirImport(APIView):
    """Map a FHIR R4 Bundle (mCODE) to a draft case and its report; nothing is stored."""

    permission_classes = [Coordinator]
    parser_classes = [BundleParser, FhirJSONParser]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        try:
            result = services.bundle_import(request.data)
        except BundleRefused as refused:
            return errors_response(
                [{"field": "bundle", "code": "invalid_bundle", "message": str(refused)}],
                status.HTTP_400_BAD_REQUEST,
            )
        return Response(result.as_json())


class CaseFhir(APIView):
    """The case, its recommendation and the board's signed decisions as a FHIR Bundle."""

    permission_classes = [AnyRole]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        case = get_object_or_404(Case.objects.prefetch_related("sites"), pk=pk)
        response = Response(services.case_export(case))
        return response
