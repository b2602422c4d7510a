"""Meetings, agendas and signed decisions under /api/v1/."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from board import services
from board.api_docs import (
    AgendaAdd,
    AgendaItemOut,
    AgendaOrder,
    AmendmentIn,
    DecisionIn,
    DecisionOut,
    MeetingIn,
    MeetingOut,
)
from board.models import Decision, Meeting
from mbc_site.api_errors import Conflict
from recurrence import roles
from recurrence.api import visible_cases
from recurrence.api_docs import Errors
from recurrence.models import Case


class ReadOrRole(BasePermission):
    """Anyone with a role reads; writes need the role the view names."""

    message = "Your role does not allow this."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return roles.can_read_cases(request.user)
        return roles.has_role(request.user, view.write_role)


def meeting_representation(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "date": m.date.isoformat(),
        "title": m.title,
        "created_by": m.created_by.username if m.created_by else None,
    }


def item_representation(item) -> dict:
    return {
        "case": item.case_id,
        "case_number": item.case.case_number,
        "position": item.position,
        "category": item.case.category,
        "subtype": item.case.subtype,
    }


def decision_representation(d: Decision) -> dict:
    return {
        "id": d.pk,
        "case": d.case_id,
        "meeting": d.meeting_id,
        "outcome": d.outcome,
        "plan": d.plan,
        "reason": d.reason,
        "ruleset_id": d.ruleset_id,
        "ruleset_version": d.ruleset_version,
        "recommendation_codes": d.recommendation_codes,
        "case_version": d.case_version,
        "signed_by": d.signed_by.username,
        "signer_name": d.signer_name,
        "signer_role": d.signer_role,
        "signed_at": d.signed_at,
        "amendments": [
            {
                "id": a.pk,
                "reason": a.reason,
                "text": a.text,
                "amended_by": a.amended_by.username,
                "signer_name": a.signer_name,
                "signer_role": a.signer_role,
                "amended_at": a.amended_at,
            }
            for a in d.amendments.all()
        ],
    }


class Meetings(APIView):
    permission_classes = [ReadOrRole]
    write_role = roles.COORDINATOR

    @extend_schema(responses={200: MeetingOut(many=True)})
    def get(self, request):
        meetings = Meeting.objects.select_related("created_by")
        return Response([meeting_representation(m) for m in meetings])

    @extend_schema(request=MeetingIn, responses={201: MeetingOut, 400: Errors})
    def post(self, request):
        meeting = services.meeting_create(data=request.data, user=request.user)
        return Response(meeting_representation(meeting), status=status.HTTP_201_CREATED)


class Agenda(APIView):
    permission_classes = [ReadOrRole]
    write_role = roles.COORDINATOR

    def _items(self, meeting):
        return [item_representation(i) for i in meeting.items.select_related("case")]

    @extend_schema(responses={200: AgendaItemOut(many=True)})
    def get(self, request, pk):
        return Response(self._items(get_object_or_404(Meeting, pk=pk)))

    @extend_schema(
        request=AgendaAdd,
        responses={201: AgendaItemOut(many=True), 200: AgendaItemOut(many=True), 400: Errors},
        description="Adds a case at the end of the agenda (201). A case already on the agenda "
        "stays where it is: 200 with the agenda unchanged.",
    )
    def post(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        case = request.data.get("case") if isinstance(request.data, dict) else None
        _item, created = services.agenda_add(meeting=meeting, case_id=case)
        return Response(
            self._items(meeting), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=AgendaOrder, responses={200: AgendaItemOut(many=True), 400: Errors})
    def put(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        order = request.data.get("order") if isinstance(request.data, dict) else None
        services.agenda_reorder(meeting=meeting, order=order)
        return Response(self._items(meeting))


class AgendaEntry(APIView):
    permission_classes = [ReadOrRole]
    write_role = roles.COORDINATOR

    @extend_schema(responses={204: None, 400: Errors})
    def delete(self, request, pk, case_pk):
        services.agenda_remove(meeting=get_object_or_404(Meeting, pk=pk), case_id=case_pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _decisions():
    return Decision.objects.select_related("signed_by").prefetch_related("amendments__amended_by")


class CaseDecisions(APIView):
    permission_classes = [ReadOrRole]
    write_role = roles.ONCOLOGIST

    @extend_schema(responses={200: DecisionOut(many=True)})
    def get(self, request, pk):
        case = get_object_or_404(visible_cases(request.user), pk=pk)
        return Response([decision_representation(d) for d in _decisions().filter(case=case)])

    @extend_schema(request=DecisionIn, responses={201: DecisionOut, 400: Errors, 409: Errors})
    def post(self, request, pk):
        case = get_object_or_404(Case.objects.live().prefetch_related("sites"), pk=pk)
        decision = services.decision_sign(case=case, data=request.data, user=request.user)
        return Response(
            decision_representation(_decisions().get(pk=decision.pk)),
            status=status.HTTP_201_CREATED,
        )


class DecisionDetail(APIView):
    permission_classes = [ReadOrRole]
    write_role = roles.ONCOLOGIST

    @extend_schema(responses={200: DecisionOut})
    def get(self, request, pk):
        return Response(decision_representation(get_object_or_404(_decisions(), pk=pk)))

    @extend_schema(request=None, responses={409: Errors})
    def _final(self, request, pk):
        get_object_or_404(Decision, pk=pk)
        raise Conflict(
            "A signed decision cannot be changed or deleted; add an amendment.",
            "signed_decision_final",
        )

    put = patch = delete = _final


class DecisionAmendments(APIView):
    permission_classes = [ReadOrRole]
    write_role = roles.ONCOLOGIST

    @extend_schema(request=AmendmentIn, responses={201: DecisionOut, 400: Errors})
    def post(self, request, pk):
        decision = get_object_or_404(Decision, pk=pk)
        services.amendment_add(decision=decision, data=request.data, user=request.user)
        return Response(
            decision_representation(_decisions().get(pk=pk)), status=status.HTTP_201_CREATED
        )
