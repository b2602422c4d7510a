"""The server-rendered pages: case list, case form, case page and sources."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from board.services import board_today
from evidence.library import library_from_db
from evidence.matching import match_evidence
from mbc_site import fragments, revisions
from outcomes.similar import (
    SIMILAR_FIELDS,
    panel_url,
    similar_inputs,
    similar_patients_if_cached,
)
from recurrence import drafts, presentation, roles, services
from recurrence.api import visible_cases
from recurrence.forms import CaseEntry, CaseFilterForm
from recurrence.guideline import SOURCES, CaseRefused, derive_facts, recommend
from recurrence.models import Case, CaseChange
from recurrence.search import BoundedPaginator, search

PAGE_SIZE = 25


def _check(user, *, edit: bool = False) -> None:
    """Every page asks here: any role reads cases, only coordinators write them."""
    allowed = roles.can_edit_cases(user) if edit else roles.can_read_cases(user)
    if not allowed:
        raise PermissionDenied("Your role does not allow this page.")


@require_http_methods(["GET", "HEAD", "POST"])
def case_list(request):
    """The case list. Its search form posts, so a case or hospital number typed into it
    stays out of the address, the browser history and the access log; its pages are then
    buttons of the same form. GET with the same fields still works (bookmarks)."""
    _check(request.user)
    data = request.POST if request.method == "POST" else request.GET
    # The body follows from the cases (the cohort revision), the meetings (their filter),
    # the viewer's roles ("New case") and what was asked; the CSRF token is not part of it.
    asked = sorted((name, data.getlist(name)) for name in data if name != "csrfmiddlewaretoken")
    body = fragments.cached(
        request,
        "case-list",
        [sorted(roles.roles_of(request.user)), asked],
        (revisions.COHORT, revisions.BOARD),
        lambda extra: _case_list_body(request, data, extra),
    )
    return render(request, "recurrence/case_list.html", {"body": body})


def _case_list_body(request, data, extra: dict) -> str:
    filters = CaseFilterForm(data)
    chosen = filters.filters()
    cases = Case.objects.live().prefetch_related("sites")
    if q := chosen.pop("q", "").strip():
        cases = cases.filter(search(q))
    cases = cases.filter(**chosen)
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(data.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "filtered": bool(q or chosen),
        "searched": bool(q),
        "chosen": chosen,
        "q": q,
    }
    return render_to_string("recurrence/_case_list_body.html", context | extra, request)


@require_http_methods(["GET", "POST"])
def case_create(request):
    _check(request.user, edit=True)
    if request.method == "GET":
        entry = CaseEntry()
    else:
        entry = CaseEntry(request.POST)
        if entry.is_valid():
            try:
                case = services.case_create(data=entry.body, user=request.user)
            except CaseRefused as refused:
                entry.add_contract_errors(refused.errors)
            else:
                messages.success(request, f"Case {case.case_number} saved.")
                return redirect("case-detail", pk=case.pk)
        else:
            entry.check_contract()
    return render(request, "recurrence/case_form.html", {"entry": entry, "case": None})


@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    _check(request.user, edit=True)
    case = get_object_or_404(Case.objects.live().prefetch_related("sites"), pk=pk)
    context: dict = {"case": case, "stale": None}
    status = 200
    if request.method == "GET":
        entry = CaseEntry.for_body(services.case_body(case), version=case.version)
        if restored := drafts.restore(request):
            entry = CaseEntry(restored[0], editing=True)
            messages.warning(request, restored[1], extra_tags="draft")
    else:
        entry = CaseEntry(request.POST, editing=True)
        if not entry.is_valid():
            entry.check_contract(case_id=case.pk)
        else:
            try:
                saved = services.case_update(
                    case_id=case.pk, data=entry.body, version=entry.version, user=request.user
                )
            except CaseRefused as refused:
                entry.add_contract_errors(refused.errors)
                drafts.keep_refused(request, "Some values need correcting.")
            except Case.DoesNotExist:
                raise Http404("No such case.") from None
            except services.StaleVersion as stale:
                drafts.keep_refused(request, "The case was changed by someone else meanwhile.")
                # Keep what this user typed, now based on the current version: one click
                # saves it over the other person's changes, which are listed above the form.
                context["stale"] = stale_notice(stale)
                entry = CaseEntry.for_body(
                    services.unflat(stale.resubmit), version=stale.current.version
                )
                status = 409
            else:
                drafts.discard(request)
                messages.success(request, f"Case {saved.case_number} saved.")
                return redirect("case-detail", pk=saved.pk)
    if request.method == "POST" and entry.has_errors:
        drafts.keep_refused(request, "Some values need correcting.")
    context["entry"] = entry
    return render(request, "recurrence/case_form.html", context, status=status)


def stale_notice(stale: services.StaleVersion) -> dict:
    """What a refused save shows: every field changed since the form was opened, in words,
    with who changed it and when, and which of them this save would have overwritten."""
    current = stale.current
    conflicts = set(stale.conflicts)
    rows = [
        {
            **presentation.change_rows({c["field"]: [c["old"], c["new"]]})[0],
            "by": c["changed_by_name"],
            "at": c["changed_at"],
            "conflict": c["field"] in conflicts,
        }
        for c in stale.changes
    ]
    return {
        "version": current.version,
        "by": current.updated_by,
        "at": current.updated_at,
        "changes": rows,
        "conflicts": [presentation.field_label(name) for name in stale.conflicts],
    }


def _case_for_page(pk: int, user) -> Case:
    """An archived case is shown to administrators only, with a banner; to others it is
    not found, like a case that never existed."""
    history = CaseChange.objects.select_related("changed_by")
    cases = Case.objects.select_related(
        "created_by", "updated_by", "follow_up", "archived_by"
    ).prefetch_related("sites", "treatments", Prefetch("changes", queryset=history))
    return get_object_or_404(visible_cases(user, cases), pk=pk)


# Where the similar-patients panel goes in the cached body (it has a cache of its own).
SIMILAR_SLOT = mark_safe("<!-- similar patients -->")
# What a case page's body is drawn from besides its case row and the viewer's roles.
_HEAD_FIELDS = ("case_number", "version", "updated_at", "archived_at")


@require_safe
def case_detail(request, pk: int):
    """The case page. Its body is drawn once for each state of what it shows and kept in
    the cache (mbc_site.fragments): under the case's version, the viewer's roles and the
    day ("Add to meeting" offers meetings from today), valid while the tokens of its
    page (every write to its sites, follow-up, treatments, history, meetings, decisions,
    import and CDS Hooks feedback moves it), the meetings, the accounts and the evidence
    library stay. The similar-patients panel has an entry of its own, valid while the
    cohort revision stays. So the page costs a row and one cache read until one moves."""
    _check(request.user)
    cases = visible_cases(request.user, Case.objects.only(*_HEAD_FIELDS, *SIMILAR_FIELDS))
    head = get_object_or_404(cases, pk=pk)
    if not fragments.enabled():
        body = _case_body(request, pk, {})
        similar = _similar_panel(request, head, similar_patients_if_cached(head))
        return _case_page(request, head, body, similar)
    viewer = sorted(roles.roles_of(request.user))
    page_inputs = [pk, head.version, head.updated_at, head.archived_at, viewer]
    page_inputs.append(board_today())
    page_tokens = (revisions.case_page(pk), revisions.BOARD, revisions.PEOPLE, revisions.LIBRARY)
    entries = {
        "body": (fragments.key("case-page", page_inputs), page_tokens),
        "similar": (fragments.key("similar-panel", similar_inputs(head)), (revisions.COHORT,)),
    }
    found, current = fragments.lookup(entries)
    body = found["body"]
    if body is None:
        body = _case_body(request, pk, {"csrf_token": fragments.PLACEHOLDER})
        fragments.store(*entries["body"], current, body)
    similar = found["similar"]
    if similar is None:
        # The figures when cached, else the panel loads them from its own URL so that
        # computing them does not hold up the page (and is not kept: they will come).
        figures = similar_patients_if_cached(head, revision=current[revisions.COHORT])
        similar = _similar_panel(request, head, figures)
        if figures is not None:
            fragments.store(*entries["similar"], current, similar)
    return _case_page(request, head, fragments.with_token(request, body), similar)


def _similar_panel(request, case, figures) -> str:
    context = {"similar": figures, "similar_panel_url": panel_url(case)}
    return render_to_string("recurrence/_similar_patients.html", context, request)


def _case_page(request, head, body: str, similar: str):
    body = mark_safe(body.replace(SIMILAR_SLOT, similar, 1))
    return render(request, "recurrence/case_detail.html", {"case": head, "body": body})


def _case_body(request, pk: int, extra: dict) -> str:
    case = _case_for_page(pk, request.user)
    history = [
        {"change": change, "rows": presentation.change_rows(change.changes)}
        for change in case.changes.all()
    ]
    try:
        parsed = services.contract_case(case)
    except CaseRefused as refused:
        # Stored under an earlier ruleset and refused by this one: name the problems and
        # withhold the recommendation until a coordinator corrects the case.
        context = {
            "case": case,
            "problems": refused.errors,
            "history": history,
            "board_decision": _latest_decision(case),
        }
        return render_to_string(
            "recurrence/_case_needs_correction_body.html", context | extra, request
        )
    facts = derive_facts(parsed)
    result = recommend(facts)
    context = {
        "case": case,
        "result": result,
        "summary": presentation.summary(facts, result),
        "sites": presentation.site_rows(facts),
        "flags": presentation.clinical_flags(facts),
        "groups": presentation.recommendation_groups(result),
        "path": presentation.algorithm_path(facts, result),
        "prognosis": presentation.prognosis(result),
        "history": history,
        "board_decision": _latest_decision(case),
        "follow_up": services.follow_up_data(case),
        "treatments": list(case.treatments.all()),
        "evidence": _evidence(facts, result),
        "similar_slot": SIMILAR_SLOT,
    }
    return render_to_string("recurrence/_case_body.html", context | extra, request)


def _evidence(facts, result):
    """The published studies that fit the patient, in the panel's order (a fixed number of
    queries); candidacy follows the result's recommendations."""
    return match_evidence(facts, library_from_db(), result)


def _latest_decision(case: Case):
    """The board's latest signed decision with its signer and amendments (two queries)."""
    from board.models import Amendment, Decision

    amendments = Amendment.objects.select_related("amended_by")
    return (
        Decision.objects.filter(case=case)
        .select_related("signed_by", "meeting")
        .prefetch_related(Prefetch("amendments", queryset=amendments))
        .first()
    )


@require_safe
def sources(request):
    _check(request.user)
    return render(request, "recurrence/sources.html", {"sources": list(SOURCES.values())})
