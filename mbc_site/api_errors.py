"""One error shape for the whole API: {"errors": [{"field", "code", "message"}]}."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from recurrence.guideline import CaseRefused


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The record was changed by someone else."

    def __init__(self, detail=None, code=None, *, extra: dict | None = None):
        super().__init__(detail, code)
        self.extra = extra or {}


def _flatten(detail, field: str | None, out: list[dict]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "detail") else key
            if field and name:
                name = f"{field}.{name}"
            elif field:
                name = field
            _flatten(value, name, out)
    elif isinstance(detail, list):
        for i, item in enumerate(detail):
            if isinstance(item, (dict, list)) and field:
                _flatten(item, f"{field}[{i}]", out)
            else:
                _flatten(item, field, out)
    else:
        code = getattr(detail, "code", None) or "invalid"
        out.append({"field": field, "code": str(code), "message": str(detail)})


def errors_response(errors: list[dict], status_code: int, extra: dict | None = None) -> Response:
    body = {"errors": errors}
    if extra:
        body.update(extra)
    return Response(body, status=status_code)


def change_representation(change: dict) -> dict:
    """One field's saved change (recurrence.services.change_list) as the API shows it."""
    return {
        "field": change["field"],
        "old": change["old"],
        "new": change["new"],
        "version": change["version"],
        "changed_by": change["changed_by"],
        "changed_at": change["changed_at"].isoformat(),
    }


def _stale_response(exc) -> Response:
    """409: the fields this write would overwrite, and every change saved since its version."""
    current = exc.current
    if exc.conflicts:
        errors = [
            {
                "field": name,
                "code": "stale_version",
                "message": f"{name} was changed by someone else since the version you read "
                f"(case {current.case_number} is now at version {current.version}); "
                "read it again and apply your change.",
            }
            for name in exc.conflicts
        ]
    else:
        errors = [
            {
                "field": "version",
                "code": "stale_version",
                "message": f"Case {current.case_number} is at version {current.version}; "
                "send the version you last read.",
            }
        ]
    extra = {
        "current_version": current.version,
        "conflicts": list(exc.conflicts),
        "changes": [change_representation(c) for c in exc.changes],
    }
    return errors_response(errors, status.HTTP_409_CONFLICT, extra)


def exception_handler(exc, context):
    from board.models import SignedDecisionIsFinal
    from board.services import BoardRefused, CaseChanged
    from recurrence.followup import FollowUpRefused
    from recurrence.services import StaleVersion

    if isinstance(exc, SignedDecisionIsFinal):
        exc = Conflict(str(exc), "signed_decision_final")
    if isinstance(exc, (CaseRefused, FollowUpRefused, BoardRefused)):
        return errors_response(exc.errors, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleVersion):
        return _stale_response(exc)
    if isinstance(exc, CaseChanged):
        return errors_response(
            [{"field": "case_version", "code": "case_changed", "message": exc.message}],
            status.HTTP_409_CONFLICT,
            {
                "current_version": exc.case.version,
                "changed_fields": exc.fields,
                "changes": [change_representation(c) for c in exc.changes],
            },
        )
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors: list[dict] = []
    _flatten(
        exc.detail if isinstance(exc, exceptions.APIException) else response.data, None, errors
    )
    if isinstance(exc, exceptions.MethodNotAllowed):
        errors = [{"field": None, "code": "method_not_allowed", "message": errors[0]["message"]}]
    response.data = {"errors": errors}
    if isinstance(exc, Conflict) and exc.extra:
        response.data.update(exc.extra)
    return response
