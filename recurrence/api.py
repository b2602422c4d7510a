"""The cases API under /api/v1/. Input is validated by the guideline contract (through
recurrence.services); the serializers in api_docs.py only describe it for OpenAPI."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from mbc_site import fragments, revisions, tokens
from mbc_site.api_errors import Conflict, errors_response
from mbc_site.models import ApiToken
from recurrence import api_docs, roles, services, throttle
from recurrence.guideline import CaseRefused, evaluate, evaluate_case
from recurrence.models import Case, Treatment
from recurrence.search import BoundedPaginator, search

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
        "archived",
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


class AdministratorOnly(BasePermission):
    message = "This needs the administrator role."

    def has_permission(self, request, view):
        return roles.has_role(request.user, roles.ADMINISTRATOR)


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
        "archived": (
            {
                "at": case.archived_at,
                "by": case.archived_by.username if case.archived_by else None,
                "reason": case.archive_reason,
            }
            if case.archived_at
            else None
        ),
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
    return Case.objects.select_related("created_by", "updated_by", "archived_by").prefetch_related(
        "sites"
    )


def visible_cases(user, queryset=None):
    """Archived cases answer 404 to everyone but administrators, who may look them up."""
    queryset = Case.objects.all() if queryset is None else queryset
    return queryset if roles.has_role(user, roles.ADMINISTRATOR) else queryset.live()


class TokenView(APIView):
    """Exchange a user name and password for a fresh API token (POST), or revoke the token
    the call is made with (DELETE; signed in to the site instead, every token of the user)."""

    def initialize_request(self, request, *args, **kwargs):
        drf_request = super().initialize_request(request, *args, **kwargs)
        if request.method != "DELETE":
            # Whoever asks for a token proves who they are with the password alone; an old
            # or expired token sent along is not looked at.
            drf_request.authenticators = ()
        return drf_request

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        request=api_docs.TokenRequest,
        responses={200: api_docs.TokenResponse, 400: api_docs.Errors, 429: api_docs.Errors},
        auth=[],
        description="Each call issues a new token, valid for API_TOKEN_HOURS (default 12) "
        "hours, until the password changes, the user signs out of the site, or it is revoked. "
        "Send it as `Authorization: Token KEY`. The key is shown only in this answer.",
    )
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
        wrong = errors_response(
            [
                {
                    "field": None,
                    "code": "authentication_failed",
                    "message": "User name or password is wrong.",
                }
            ],
            status.HTTP_400_BAD_REQUEST,
        )
        if "\x00" in username or len(username) > 150 or len(password) > 4096:
            return wrong
        ip = throttle.client_ip(request)
        if throttle.is_locked_out(username, ip):
            return errors_response(
                [{"field": None, "code": "throttled", "message": throttle.LOCKED_MESSAGE}],
                status.HTTP_429_TOO_MANY_REQUESTS,
            )
        user = authenticate(request._request, username=username, password=password)
        if user is None:
            throttle.record_failure(username, ip)
            return wrong
        throttle.clear_failures(username)
        return Response({"token": tokens.issue(user)})

    @extend_schema(request=None, responses={204: None, 401: api_docs.Errors})
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            tokens.revoke(request.auth)
        else:
            tokens.revoke_all(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BoundedPagination(PageNumberPagination):
    """`count` exact below recurrence.search.COUNT_LIMIT rows, estimated above."""

    django_paginator_class = BoundedPaginator


class CaseList(APIView):
    permission_classes = [ReadCasesWriteAsCoordinator]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description="a case-number prefix, or an exact hospital number"
            ),
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
        # The page follows from the cases (the cohort revision), the agendas (the meeting
        # filter), the accounts (created_by, updated_by) and the address it was asked at.
        tokens = (revisions.COHORT, revisions.BOARD, revisions.PEOPLE)
        inputs = [request.build_absolute_uri()]
        page = fragments.cached_value("api-case-list", inputs, tokens, lambda: self._page(request))
        return Response(page)

    def _page(self, request) -> dict:
        cases = _cases().live()
        q = request.query_params.get("q", "").replace("\x00", "").strip()
        if q:
            cases = cases.filter(search(q))
        for name in ("presentation", "category", "subtype"):
            value = request.query_params.get(name, "").replace("\x00", "")
            if value:
                cases = cases.filter(**{name: value})
        meeting = request.query_params.get("meeting", "")
        if meeting:
            if not (meeting.isascii() and meeting.isdigit() and int(meeting) < 2**63):
                raise ValidationError(
                    {"meeting": [ErrorDetail("Meeting must be a meeting's id.", code="invalid")]}
                )
            cases = cases.filter(agenda_items__meeting_id=int(meeting))
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response([case_representation(c) for c in page]).data

    @extend_schema(request=api_docs.CaseBody, responses={201: api_docs.CaseOut})
    def post(self, request):
        case = services.case_create(data=_input(request.data), user=request.user)
        return Response(
            case_representation(_cases().get(pk=case.pk)), status=status.HTTP_201_CREATED
        )


class CaseDetail(APIView):
    permission_classes = [ReadCasesWriteAsCoordinator]

    def _get(self, pk):
        return get_object_or_404(visible_cases(self.request.user, _cases()), pk=pk)

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

    # No delete(): a case is never deleted through the API, it is archived (CaseArchive).
    # DELETE answers 405 to administrators and 403 to everyone else (the permission decides
    # before the method is looked up).


class CaseArchive(APIView):
    """Archive a case: it leaves the lists and stays, with its history, for the record."""

    permission_classes = [AdministratorOnly]

    @extend_schema(
        request=api_docs.ArchiveIn,
        responses={
            200: api_docs.CaseOut,
            400: api_docs.Errors,
            403: api_docs.Errors,
            404: api_docs.Errors,
            409: api_docs.Errors,
        },
    )
    def post(self, request, pk):
        case = get_object_or_404(visible_cases(request.user), pk=pk)
        data = request.data if isinstance(request.data, dict) else {}
        version = _version(data.get("version"))
        try:
            services.case_archive(
                case_id=case.pk, reason=data.get("reason"), version=version, user=request.user
            )
        except services.AlreadyArchived as already:
            raise Conflict(str(already), "already_archived") from None
        return Response(case_representation(_cases().get(pk=case.pk)))


class CaseRecommendation(APIView):
    permission_classes = [AnyRole]

    @extend_schema(responses={200: api_docs.Result, 409: api_docs.Errors})
    def get(self, request, pk):
        case = get_object_or_404(
            visible_cases(request.user, Case.objects.prefetch_related("sites")), pk=pk
        )
        try:
            parsed = services.contract_case(case)
        except CaseRefused as refused:
            # Stored under an earlier ruleset, refused by this one: no recommendation until
            # a coordinator corrects the case.
            return Response(refused.as_dict(), status=status.HTTP_409_CONFLICT)
        return Response(evaluate_case(parsed))


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
    if type(value) is not int:  # a JSON integer; not "1", 1.0, true or "²"
        raise ValidationError(
            {"version": [ErrorDetail("Version must be a whole number.", code="wrong_type")]}
        )
    if not 1 <= value <= services.VERSION_MAX:
        raise ValidationError(
            {
                "version": [
                    ErrorDetail(
                        "Version must be the case's version, a whole number from 1.",
                        code="invalid",
                    )
                ]
            }
        )
    return value


def _query_version(raw: str | None) -> int:
    """The version a DELETE sends in its query string: ASCII digits."""
    if not raw:
        return _version(None)
    version = services.plain_version(raw)
    if version is None:
        raise ValidationError(
            {"version": [ErrorDetail("Version must be a whole number from 1.", code="invalid")]}
        )
    return version


class CaseFollowUp(APIView):
    """The follow-up of a case (last contact, vital status, death, progression)."""

    permission_classes = [ReadCasesWriteAsCoordinator]

    @extend_schema(responses={200: api_docs.FollowUpOut})
    def get(self, request, pk):
        case = get_object_or_404(visible_cases(request.user), pk=pk)
        record = services.follow_up_data(case)
        return Response(
            {"version": case.version, **(record.as_dict() if record else _NO_FOLLOW_UP)}
        )

    @extend_schema(
        request=api_docs.FollowUpIn, responses={200: api_docs.FollowUpOut, 409: api_docs.Errors}
    )
    def put(self, request, pk):
        case = get_object_or_404(visible_cases(request.user), pk=pk)
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
        case = get_object_or_404(visible_cases(request.user), pk=pk)
        return Response([treatment_representation(t) for t in case.treatments.all()])

    @extend_schema(
        request=api_docs.TreatmentIn, responses={201: api_docs.TreatmentOut, 409: api_docs.Errors}
    )
    def post(self, request, pk):
        case = get_object_or_404(visible_cases(request.user), pk=pk)
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
        get_object_or_404(visible_cases(request.user), pk=pk)
        treatment = get_object_or_404(Treatment, pk=treatment_pk, case_id=pk)
        version = _query_version(request.query_params.get("version"))
        services.treatment_remove(
            case_id=pk, treatment_id=treatment.pk, version=version, user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoordinatorOnly(BasePermission):
    message = "This needs the coordinator role."

    def has_permission(self, request, view):
        return roles.can_edit_cases(request.user)
