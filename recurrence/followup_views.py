"""The follow-up page of a case: last contact, vital status, death and progression, and
the treatments received. Coordinators record them; every role reads them on the case page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from recurrence import drafts, followup_forms, presentation, roles, services
from recurrence.followup import FollowUpRefused
from recurrence.models import Case, Treatment


def _coordinator_only(user) -> None:
    roles.require_role(user, roles.COORDINATOR)


def _page(request, case: Case, *, follow_up_form=None, treatment_form=None, status=200):
    record = services.follow_up_data(case)
    initial = {"version": case.version, **(record.as_dict() if record else {})}
    context = {
        "case": case,
        "follow_up_form": follow_up_form or followup_forms.FollowUpForm(initial=initial),
        "treatment_form": treatment_form
        or followup_forms.TreatmentForm(initial={"version": case.version}),
        "treatments": list(case.treatments.all()),
    }
    return render(request, "recurrence/follow_up.html", context, status=status)


def _stale(request, stale: services.StaleVersion) -> None:
    changed = "; ".join(
        f"{presentation.field_label(c['field'])} by {c['changed_by_name'] or 'someone'}"
        f" on {c['changed_at']:%-d %b %Y %H:%M}"
        for c in stale.changes
        if c["field"] in stale.conflicts
    )
    messages.error(
        request,
        f"Not saved: case {stale.current.case_number} was changed by someone else meanwhile"
        f"{': ' + changed if changed else ''}. Your values are kept below; check them and save "
        "again to replace the newer ones.",
    )


def _save(request, case: Case, form, save, done: str, form_name: str):
    """Check and save a posted form through `save` (a service), then back to the page; a
    refused record is shown again with each problem next to its field."""
    if form.is_valid():
        try:
            save(
                case_id=case.pk,
                data=form.record(),
                version=form.cleaned_data["version"],
                user=request.user,
            )
        except FollowUpRefused as refused:
            followup_forms.add_errors(form, refused.errors)
        except services.StaleVersion as stale:
            drafts.keep_refused(request, "The case was changed by someone else meanwhile.")
            # Keep what was typed, now based on the current version, and say what changed.
            _stale(request, stale)
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            case.refresh_from_db()
            return _page(request, case, status=409, **{form_name: type(form)(data)})
        else:
            drafts.discard(request)
            messages.success(request, done)
            return redirect("case-follow-up", pk=case.pk)
    drafts.keep_refused(request, "Some values need correcting.")
    return _page(request, case, status=400, **{form_name: form})


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request, pk: int):
    _coordinator_only(request.user)
    case = get_object_or_404(Case.objects.live(), pk=pk)
    if request.method != "POST":
        if restored := drafts.restore(request):
            messages.warning(request, restored[1], extra_tags="draft")
            return _page(request, case, follow_up_form=followup_forms.FollowUpForm(restored[0]))
        return _page(request, case)
    form = followup_forms.FollowUpForm(request.POST)
    return _save(request, case, form, services.follow_up_save, "Follow-up saved.", "follow_up_form")


@require_POST
def treatment_add(request, pk: int):
    _coordinator_only(request.user)
    case = get_object_or_404(Case.objects.live(), pk=pk)
    form = followup_forms.TreatmentForm(request.POST)
    return _save(request, case, form, services.treatment_add, "Treatment added.", "treatment_form")


@require_POST
def treatment_remove(request, pk: int, treatment_pk: int):
    _coordinator_only(request.user)
    treatment = get_object_or_404(Treatment, pk=treatment_pk, case_id=pk)
    version = services.plain_version(request.POST.get("version", ""))
    if version is None:
        messages.error(request, "Not removed: the form was incomplete; try again.")
        return redirect("case-follow-up", pk=pk)
    try:
        services.treatment_remove(
            case_id=pk, treatment_id=treatment.pk, version=version, user=request.user
        )
    except services.StaleVersion as stale:
        _stale(request, stale)
    else:
        messages.success(request, "Treatment removed.")
    return redirect("case-follow-up", pk=pk)
