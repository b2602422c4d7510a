"""The cases API under /api/v1/. Input is validated by the guideline contract (through
recurrence.services); the serializers in api_docs.py only describe it for OpenAPI."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from mbc_site.api_errors import errors_response
from recurrence import api_docs, roles, services, throttle
from recurrence.guideline import CaseRefused, evaluate, evaluate_case
from recurrence.models import Case, Treatment

# Fields of a response that a client may send back unchanged; they are not input.
READ_ONLY = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "category",
        "subtype",
        "site_pattern",
        "synthetic",
    }
)


class ReadCasesWriteAsCoordinator(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view):
        user = request.user
        if request.method in SAFE_METHODS:
            return roles.can_read_cases(user)
        if request.method == "DELETE":
            return roles.has_role(user, roles.ADMINISTRATOR)
        return roles.can_edit_cases(user)


class AnyRole(BasePermission):
    message = "Your account has no role in MBC Board."

    def has_permission(self, request, view):
        return roles.can_read_cases(request.user)


def case_representation(case: Case) -> dict:
    body = services.case_body(case)
    return {
        "id": case.pk,
        "version": case.version,
        **body,
        "category": case.category,
        "subtype": case.subtype,
        "synthetic": case.synthetic,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "created_by": case.created_by.username if case.created_by else None,
        "updated_by": case.updated_by.username if case.updated_by else None,
    }


def _input(data) -> dict:
    if not isinstance(data, dict):
        raise CaseRefused(
            [
                {
                    "field": "case",
                    "code": "wrong_type",
                    "message": "A case must be a JSON object of named fields.",
                }
            ]
        )
    return {k: v for k, v in data.items() if k not in READ_ONLY}


def _cases():
    return Case.objects.select_related("created_by", "updated_by").prefetch_related("sites")


class TokenView(APIView):
    """Exchange a user name and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=api_docs.TokenRequest, responses={200: api_docs.TokenResponse})
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        username, password = data.get("username"), data.get("password")
        missing = [
            {"field": name, "code": "required", "message": f"{name.capitalize()} is required."}
            for name, value in (("username", username), ("password", password))
            if not isinstance(value, str) or not value
        ]
        if missing:
            return errors_response(missing, status.HTTP_400_BAD_REQUEST)
        if "\x00" in username or len(username) > 150:
            return errors_response(
                [
                    {
                        "field": None,
                        "code": "authentication_failed",
                        "message": "User name or password is wrong.",
                    }
                ],
                status.HTTP_400_BAD_REQUEST,
            )
        ip = throttle.client_ip(request)
        if throttle.is_locked_out(username, ip):
            return errors_response(
                [{"field": None, "code": "throttled", "message": throttle.LOCKED_MESSAGE}],
                status.HTTP_429_TOO_MANY_REQUESTS,
            )
        user = authenticate(request._request, username=username, password=password)
        if user is None:
            throttle.record_failure(username, ip)
            return errors_response(
                [
                    {
                        "field": None,
                        "code": "authentication_failed",
                        "message": "User name or password is wrong.",
                    }
                ],
                status.HTTP_400_BAD_REQUEST,
            )
        throttle.clear_failures(username)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class CaseList(APIView):
    permission_classes = [ReadCasesWriteAsCoordinator]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="case or hospital number contains"),
            OpenApiParameter("presentation", str, enum=["recurrence", "de_novo_stage_iv"]),
            OpenApiParameter("category", str, enum=["isolated_locoregional", "metastatic"]),
            OpenApiParameter("subtype", str),
            OpenApiParameter("meeting", int, description="cases on this meeting's agenda"),
            OpenApiParameter("page", int),
        ],
        responses={200: api_docs.CasePage},
        operation_id="cases_list",
    )
    def get(self, request):
        cases = _cases()
        q = request.query_params.get("q", "").replace("\x00", "").strip()
        if q:
            cases = cases.filter(Q(case_number__icontains=q) | Q(hospital_number__icontains=q))
        for name in ("presentation", "category", "subtype"):
            value = request.query_params.get(name, "").replace("\x00", "")
            if value:
                cases = cases.filter(**{name: value})
        meeting = request.query_params.get("meeting", "")
        if meeting:
            if not meeting.isdigit():
                raise ValidationError(
                    {"meeting": [ErrorDetail("Meeting must be a meeting's id.", code="invalid")]}
                )
            cases = cases.filter(agenda_items__meeting_id=int(meeting))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response([case_representation(c) for c in page])

    @extend_schema(request=api_docs.CaseBody, responses={201: api_docs.CaseOut})
    def post(self, request):
        case = services.case_create(data=_input(request.data), user=request.user)
        return Response(
            case_representation(_cases().get(pk=case.pk)), status=status.HTTP_201_CREATED
        )


class CaseDetail(APIView):
    permission_classes = [ReadCasesWriteAsCoordinator]

    def _get(self, pk):
        return get_object_or_404(_cases(), pk=pk)

    @extend_schema(responses={200: api_docs.CaseOut})
    def get(self, request, pk):
        return Response(case_representation(self._get(pk)))

    @extend_schema(
        request=api_docs.CaseUpdate, responses={200: api_docs.CaseOut, 409: api_docs.Errors}
    )
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=api_docs.CaseUpdate, responses={200: api_docs.CaseOut, 409: api_docs.Errors}
    )
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk, *, partial: bool):
        case = self._get(pk)
        data = _input(request.data)
        version = _version(data.pop("version", None))
        if partial:
            merged = services.case_body(case)
            if isinstance(data.get("workup"), dict):
                data["workup"] = {**merged["workup"], **data["workup"]}
            merged.update(data)
            data = merged
        updated = services.case_update(
            case_id=case.pk, data=data, version=version, user=request.user
        )
        return Response(case_representation(_cases().get(pk=updated.pk)))

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        self._get(pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class CaseRecommendation(APIView):
    permission_classes = [AnyRole]

    @extend_schema(responses={200: api_docs.Result})
    def get(self, request, pk):
        case = get_object_or_404(Case.objects.prefetch_related("sites"), pk=pk)
        return Response(evaluate_case(services.contract_case(case)))


class Evaluate(APIView):
    """A contract case in, its result out; nothing is stored."""

    permission_classes = [AnyRole]

    @extend_schema(
        request=api_docs.ContractCase, responses={200: api_docs.Result, 400: api_docs.Errors}
    )
    def post(self, request):
        return Response(evaluate(request.data, today=timezone.localdate()))


def _version(value) -> int:
    """The version a write is based on: required, a whole number."""
    if value is None or value == "":
        raise ValidationError(
            {
                "version": [
                    ErrorDetail(
                        "Version is required: send the version you last read.", code="required"
                    )
                ]
            }
        )
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if type(value) is not int:
        raise ValidationError(
            {"version": [ErrorDetail("Version must be a whole number.", code="wrong_type")]}
        )
    return value


class CaseFollowUp(APIView):
    """The follow-up of a case (last contact, vital status, death, progression)."""

    permission_classes = [ReadCasesWriteAsCoordinator]

    @extend_schema(responses={200: api_docs.FollowUpOut})
    def get(self, request, pk):
        case = get_object_or_404(Case, pk=pk)
        record = services.follow_up_data(case)
        return Response(
            {"version": case.version, **(record.as_dict() if record else _NO_FOLLOW_UP)}
        )

    @extend_schema(
        request=api_docs.FollowUpIn, responses={200: api_docs.FollowUpOut, 409: api_docs.Errors}
    )
    def put(self, request, pk):
        case = get_object_or_404(Case, pk=pk)
        data = dict(request.data) if isinstance(request.data, dict) else request.data
        version = _version(data.pop("version", None) if isinstance(data, dict) else None)
        case = services.follow_up_save(
            case_id=case.pk, data=data, version=version, user=request.user
        )
        return Response({"version": case.version, **services.follow_up_data(case).as_dict()})


_NO_FOLLOW_UP = {
    "last_contact_date": None,
    "vital_status": None,
    "death_date": None,
    "progression_date": None,
}


def treatment_representation(t) -> dict:
    return {
        "id": t.pk,
        "kind": t.kind,
        "line": t.line,
        "site": t.site or None,
        "start_date": t.start_date.isoformat(),
        "end_date": t.end_date.isoformat() if t.end_date else None,
        "description": t.description,
    }


class CaseTreatments(APIView):
    permission_classes = [ReadCasesWriteAsCoordinator]

    @extend_schema(responses={200: api_docs.TreatmentOut(many=True)})
    def get(self, request, pk):
        case = get_object_or_404(Case, pk=pk)
        return Response([treatment_representation(t) for t in case.treatments.all()])

    @extend_schema(
        request=api_docs.TreatmentIn, responses={201: api_docs.TreatmentOut, 409: api_docs.Errors}
    )
    def post(self, request, pk):
        case = get_object_or_404(Case, pk=pk)
        data = dict(request.data) if isinstance(request.data, dict) else request.data
        version = _version(data.pop("version", None) if isinstance(data, dict) else None)
        treatment = services.treatment_add(
            case_id=case.pk, data=data, version=version, user=request.user
        )
        body = {**treatment_representation(treatment), "version": treatment.case.version}
        return Response(body, status=status.HTTP_201_CREATED)


class CaseTreatment(APIView):
    permission_classes = [ReadCasesWriteAsCoordinator]

    def get_permissions(self):
        # Removing a treatment record is a coordinator's correction, not a case deletion.
        if self.request.method == "DELETE":
            return [CoordinatorOnly()]
        return super().get_permissions()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", int, required=True, description="the case version you last read"
            )
        ],
        responses={204: None, 409: api_docs.Errors},
    )
    def delete(self, request, pk, treatment_pk):
        treatment = get_object_or_404(Treatment, pk=treatment_pk, case_id=pk)
        version = _version(request.query_params.get("version"))
        services.treatment_remove(
            case_id=pk, treatment_id=treatment.pk, version=version, user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoordinatorOnly(BasePermission):
    message = "This needs the coordinator role."

    def has_permission(self, request, view):
        return roles.can_edit_cases(request.user)
