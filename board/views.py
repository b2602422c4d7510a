"""The tumour board's pages: meetings, agendas, signing and amending decisions, and prints.

Any role reads; coordinators build agendas; only oncologists sign and amend. A signed
decision has no edit page: a request that tries to change one is answered 409.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from board import services
from board.forms import (
    AddToMeetingForm,
    AgendaAddForm,
    AmendmentForm,
    DecisionForm,
    MeetingForm,
    MoveForm,
)
from board.models import AgendaItem, Amendment, Decision, Meeting
from board.services import BoardRefused
from recurrence import drafts, presentation, roles
from recurrence.guideline import RULESET, CaseRefused, derive_facts, evaluate_case
from recurrence.models import Case
from recurrence.services import case_problems, contract_case, follow_up_data

PAGE_SIZE = 25
EVIDENCE_TOP = 3
# The recommendations an agenda lists by code: what the board decides on.
KEY_KINDS = ("treatment",)


def _check(user, role: str | None = None) -> None:
    """Any role reads the board's pages; a write needs `role`."""
    if not roles.can_read_cases(user):
        raise PermissionDenied("Your role does not allow this page.")
    if role is not None:
        roles.require_role(user, role)


def _decisions():
    amendments = Amendment.objects.select_related("amended_by")
    return Decision.objects.select_related("signed_by", "meeting").prefetch_related(
        Prefetch("amendments", queryset=amendments)
    )


def _agenda_item(meeting: Meeting, case_pk: int) -> AgendaItem:
    items = AgendaItem.objects.select_related("case").prefetch_related("case__sites")
    return get_object_or_404(items, meeting=meeting, case_id=case_pk)


def key_codes(result: dict) -> list[str]:
    return [r["code"] for r in result["recommendations"] if r["kind"] in KEY_KINDS]


def key_titles(result: dict) -> list[str]:
    """The treatment recommendations in clinical words, as the agenda lists them."""
    return [r["title"] for r in result["recommendations"] if r["kind"] in KEY_KINDS]


def agenda_sites(parsed) -> str:
    """Where the disease is, in words: "bone (2 lesions), lung (1 lesion)"."""
    parts = []
    for s in parsed.sites:
        label = presentation.site_label(s.site)
        if s.lesions is not None:
            label += f" ({s.lesions} lesion{'' if s.lesions == 1 else 's'})"
        parts.append(label)
    return ", ".join(parts)


# --- meetings ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_list(request):
    _check(request.user, roles.COORDINATOR if request.method == "POST" else None)
    form = MeetingForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            meeting = services.meeting_create(data=form.body(), user=request.user)
        except BoardRefused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, f"Meeting “{meeting.title}” created. Add its cases below.")
            return redirect("board-meeting", pk=meeting.pk)
    meetings = (
        Meeting.objects.select_related("created_by")
        .annotate(cases=Count("items", distinct=True), decided=Count("decisions", distinct=True))
        .order_by("-date", "-id")
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "board/meeting_list.html", {"page": page, "form": form})


def _agenda_rows(meeting: Meeting) -> list[dict]:
    """The agenda in order, each case with its recommendation now and its decision here."""
    items = list(
        meeting.items.select_related("case", "case__follow_up").prefetch_related("case__sites")
    )
    decided = {d.case_id: d for d in meeting.decisions.select_related("signed_by")}
    rows = []
    for item in items:
        try:
            parsed = contract_case(item.case)
        except CaseRefused as refused:
            rows.append(
                {
                    "item": item,
                    "case": item.case,
                    "problems": refused.errors,
                    "key_codes": [],
                    "treatments": [],
                    "sites": "",
                    "decision": decided.get(item.case_id),
                    "follow_up": follow_up_data(item.case),
                }
            )
            continue
        result = evaluate_case(parsed)
        rows.append(
            {
                "item": item,
                "case": item.case,
                "category": presentation.CATEGORY_LABELS.get(result["category"], ""),
                "subtype": presentation.SUBTYPE_LABELS.get(result["subtype"], ""),
                "intent": result["intent"],
                "key_codes": key_codes(result),
                "treatments": key_titles(result),
                "sites": agenda_sites(parsed),
                "decision": decided.get(item.case_id),
                "follow_up": follow_up_data(item.case),
            }
        )
    return rows


def _agenda_page(request, meeting: Meeting, form: AgendaAddForm, *, status=200, problem=""):
    context = {"meeting": meeting, "rows": _agenda_rows(meeting), "form": form, "problem": problem}
    return render(request, "board/meeting_detail.html", context, status=status)


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("created_by"), pk=pk)


@require_safe
def meeting_detail(request, pk: int):
    _check(request.user)
    return _agenda_page(request, _meeting(pk), AgendaAddForm())


def _case_by_number(number: str) -> Case | None:
    case = Case.objects.filter(case_number=number).first()
    if case is None:
        matches = list(Case.objects.filter(case_number__iexact=number)[:2])
        case = matches[0] if len(matches) == 1 else None
    return case


@require_POST
def agenda_add(request, pk: int):
    _check(request.user, roles.COORDINATOR)
    meeting = _meeting(pk)
    form = AgendaAddForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["case_number"]
        case = _case_by_number(number)
        if case is None:
            form.add_error(
                "case_number",
                ValidationError(f"There is no case numbered {number}.", code="does_not_exist"),
            )
        else:
            _item, created = services.agenda_add(meeting=meeting, case_id=case.pk)
            if created:
                messages.success(request, f"Case {case.case_number} added to the agenda.")
            else:
                messages.info(request, f"Case {case.case_number} is already on the agenda.")
            return redirect("board-meeting", pk=meeting.pk)
    return _agenda_page(request, meeting, form)


@require_POST
def case_add_to_meeting(request, case_pk: int):
    """ "Add to meeting" on the case page: back to the case page, saying what happened."""
    _check(request.user, roles.COORDINATOR)
    case = get_object_or_404(Case, pk=case_pk)
    form = AddToMeetingForm(request.POST, case=case)
    back = reverse("case-detail", args=[case.pk]) + "#meetings"
    if not form.is_valid():
        already = case.agenda_items.filter(meeting_id=request.POST.get("meeting") or None)
        if str(request.POST.get("meeting", "")).isdigit() and already.exists():
            messages.info(request, f"Case {case.case_number} is already on that agenda.")
        else:
            messages.error(request, "Not added: choose one of the upcoming meetings.")
        return redirect(back)
    meeting = form.cleaned_data["meeting"]
    _item, created = services.agenda_add(meeting=meeting, case_id=case.pk)
    if created:
        messages.success(
            request, f"Case {case.case_number} added to {meeting.title}, {meeting.date:%-d %b %Y}."
        )
    else:
        messages.info(request, f"Case {case.case_number} is already on that agenda.")
    return redirect(back)


@require_POST
def agenda_remove(request, pk: int, case_pk: int):
    _check(request.user, roles.COORDINATOR)
    meeting = _meeting(pk)
    item = _agenda_item(meeting, case_pk)
    try:
        services.agenda_remove(meeting=meeting, case_id=case_pk)
    except BoardRefused as refused:
        return _agenda_page(request, meeting, AgendaAddForm(), status=409, problem=str(refused))
    messages.success(request, f"Case {item.case.case_number} removed from the agenda.")
    return redirect("board-meeting", pk=meeting.pk)


@require_POST
def agenda_move(request, pk: int, case_pk: int):
    _check(request.user, roles.COORDINATOR)
    meeting = _meeting(pk)
    order = list(meeting.items.values_list("case_id", flat=True))
    if case_pk not in order:
        raise Http404("That case is not on this agenda.")
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _agenda_page(
            request, meeting, AgendaAddForm(), status=400, problem="Move a case up or down."
        )
    here = order.index(case_pk)
    there = here - 1 if form.cleaned_data["direction"] == "up" else here + 1
    if 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
        try:
            services.agenda_reorder(meeting=meeting, order=order)
        except BoardRefused:  # the agenda changed between reading and writing it
            problem = "The agenda was changed by someone else meanwhile; it is shown as it is now."
            return _agenda_page(request, meeting, AgendaAddForm(), status=409, problem=problem)
    return redirect(reverse("board-meeting", args=[meeting.pk]) + f"#item-{case_pk}")


@require_safe
def agenda_print(request, pk: int):
    _check(request.user)
    meeting = _meeting(pk)
    return render(
        request, "board/agenda_print.html", {"meeting": meeting, "rows": _agenda_rows(meeting)}
    )


# --- decisions -----------------------------------------------------------------------------


def _final(request, decision: Decision):
    """The answer to any attempt to change a signed decision."""
    return render(request, "board/decision_final.html", {"decision": decision}, status=409)


@require_http_methods(["GET", "POST"])
def decision_create(request, pk: int, case_pk: int):
    _check(request.user, roles.ONCOLOGIST)
    meeting = _meeting(pk)
    case = _agenda_item(meeting, case_pk).case
    existing = Decision.objects.filter(case=case, meeting=meeting).first()
    if existing is not None:
        if request.method == "POST":
            return _final(request, existing)
        return redirect("board-decision", pk=existing.pk)

    problems = case_problems(case)
    if problems:
        # Refused by the current ruleset: no recommendation to sign until it is corrected.
        return _needs_correction(
            request,
            case,
            problems,
            meeting=meeting,
            status=400 if request.method == "POST" else 200,
        )
    status = 200
    if request.method == "GET":
        form = DecisionForm(initial={"case_version": case.version})
        if restored := drafts.restore(request):
            form = DecisionForm(restored[0])
            messages.warning(request, restored[1], extra_tags="draft")
    else:
        form = DecisionForm(request.POST)
        confirmed = request.POST.get("confirmed") == "1" and "change" not in request.POST
        if form.is_valid():
            try:
                if not confirmed:
                    services.decision_check(case=case, data=form.body(meeting.pk))
                    if "change" not in request.POST:
                        return _confirm(request, meeting, case, form)
                    raise _Unchanged
                decision = services.decision_sign(
                    case=case, data=form.body(meeting.pk), user=request.user
                )
            except _Unchanged:
                pass
            except BoardRefused as refused:
                if any(e["code"] == "already_decided" for e in refused.errors):
                    return _final(request, Decision.objects.get(case=case, meeting=meeting))
                form.add_refusal(refused)
                drafts.keep_refused(request, str(refused))
                if any(e["code"] in services.SAFETY_CODES for e in refused.errors):
                    status = 400
            except services.CaseChanged as changed:
                # What would be signed is not what the oncologist read. Show the
                # recommendation as it is now, keep what was typed, say what changed.
                case = changed.case
                data = request.POST.copy()
                data["case_version"] = str(case.version)
                form = DecisionForm(data)
                form.is_valid()
                form.add_error(None, ValidationError(changed.message, code="case_changed"))
                drafts.keep_refused(request, changed.message.removeprefix("Not signed: "))
                status = 409
            else:
                drafts.discard(request)
                messages.success(request, f"Decision for case {case.case_number} signed.")
                return redirect("board-decision", pk=decision.pk)

    parsed = contract_case(case)
    result = evaluate_case(parsed)
    context = {
        "meeting": meeting,
        "case": case,
        "form": form,
        "result": result,
        "summary": presentation.summary(derive_facts(parsed), result),
        "groups": presentation.recommendation_groups(result),
        "follow_up": follow_up_data(case),
        "safety": services.safety_problems(case=case, meeting=meeting),
    }
    return render(request, "board/decision_form.html", context, status=status)


class _Unchanged(Exception):
    """ "Change" on the confirmation step: back to the form as it was typed."""


def _confirm(request, meeting: Meeting, case: Case, form: DecisionForm):
    """The confirmation step: exactly what will be signed, with Sign and Change."""
    parsed = contract_case(case)
    result = evaluate_case(parsed)
    context = {
        "meeting": meeting,
        "case": case,
        "form": form,
        "outcome": dict(Decision.OUTCOMES)[form.cleaned_data["outcome"]],
        "result": result,
        "summary": presentation.summary(derive_facts(parsed), result),
        "groups": presentation.recommendation_groups(result),
        "follow_up": follow_up_data(case),
    }
    return render(request, "board/decision_confirm.html", context)


@require_http_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def decision_detail(request, pk: int):
    if request.method in ("GET", "HEAD"):
        _check(request.user)
        decision = get_object_or_404(_decisions(), pk=pk)
        return _summary(request, decision.case_id, decision.meeting, decision)
    _check(request.user, roles.ONCOLOGIST)
    return _final(request, get_object_or_404(_decisions(), pk=pk))


@require_http_methods(["GET", "POST"])
def amendment_create(request, pk: int):
    _check(request.user, roles.ONCOLOGIST)
    decision = get_object_or_404(_decisions().select_related("case"), pk=pk)
    form = AmendmentForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" and (restored := drafts.restore(request)):
        form = AmendmentForm(restored[0])
        messages.warning(request, restored[1], extra_tags="draft")
    elif form.is_bound and form.is_valid():
        try:
            services.amendment_add(decision=decision, data=form.body(), user=request.user)
        except BoardRefused as refused:
            form.add_refusal(refused)
            drafts.keep_refused(request, str(refused))
        else:
            drafts.discard(request)
            messages.success(request, "Amendment added to the signed decision.")
            return redirect("board-decision", pk=decision.pk)
    return render(request, "board/amendment_form.html", {"decision": decision, "form": form})


# --- the printable case summary ------------------------------------------------------------


def _evidence(case: Case) -> tuple[list, str]:
    from evidence.library import case_evidence
    from evidence.matching import LibraryError

    try:
        return case_evidence(case)[:EVIDENCE_TOP], ""
    except LibraryError:
        return [], "The evidence library cannot be read at the moment."


def _number_sources(groups: list[dict]) -> list[dict]:
    """The source documents in order of first use; each item gets its document's number."""
    cited: dict[str, dict] = {}
    for group in groups:
        for rec in group["items"]:
            source = rec["source"]
            first = cited.setdefault(source["id"], {**source, "number": len(cited) + 1})
            source["number"] = first["number"]
    return list(cited.values())


def _needs_correction(request, case, problems, *, meeting=None, decision=None, status=200):
    """A case the current ruleset refuses: its problems, and no recommendation."""
    context = {"case": case, "problems": problems, "meeting": meeting, "decision": decision}
    return render(request, "board/case_needs_correction.html", context, status=status)


def _summary(request, case_pk: int, meeting: Meeting | None, decision: Decision | None):
    case = get_object_or_404(Case.objects.prefetch_related("sites"), pk=case_pk)
    try:
        parsed = contract_case(case)
    except CaseRefused as refused:
        return _needs_correction(request, case, refused.errors, meeting=meeting, decision=decision)
    facts = derive_facts(parsed)
    current = evaluate_case(parsed)
    shown = decision.recommendation_snapshot if decision else current
    changed = None
    if decision is not None:
        now = [r["code"] for r in current["recommendations"]]
        signed = list(decision.recommendation_codes)
        changed = {
            "case": decision.case_version != case.version,
            "ruleset": (decision.ruleset_id, decision.ruleset_version)
            != (RULESET["id"], RULESET["version"]),
            "added": [c for c in now if c not in signed],
            "dropped": [c for c in signed if c not in now],
        }
    groups = presentation.recommendation_groups(shown) if "recommendations" in shown else []
    evidence, evidence_problem = _evidence(case)
    context = {
        "case": case,
        "meeting": meeting,
        "decision": decision,
        "changed": changed,
        "summary": presentation.summary(facts, current),
        "sites": presentation.site_rows(facts),
        "flags": presentation.clinical_flags(facts),
        "shown": shown,
        "groups": groups,
        "cited": _number_sources(groups),
        "evidence": evidence,
        "evidence_problem": evidence_problem,
    }
    return render(request, "board/case_summary.html", context)


@require_safe
def case_summary(request, pk: int):
    """The case's summary with its latest signed decision, if any."""
    _check(request.user)
    decision = _decisions().filter(case_id=pk).first()
    return _summary(request, pk, decision.meeting if decision else None, decision)


@require_safe
def meeting_case_summary(request, pk: int, case_pk: int):
    """The case's summary for one meeting: its decision there, or room to write it."""
    _check(request.user)
    meeting = _meeting(pk)
    if not meeting.items.filter(case_id=case_pk).exists():
        raise Http404("That case is not on this agenda.")
    decision = _decisions().filter(case_id=case_pk, meeting=meeting).first()
    return _summary(request, case_pk, meeting, decision)
