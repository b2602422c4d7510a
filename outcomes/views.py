"""The Outcomes page, the CSV of the data behind its chart, and the similar-patients chart."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mbc_site import fragments, revisions
from outcomes import formatting, reports
from outcomes.export import csv_text
from outcomes.forms import OutcomesForm, describe
from outcomes.labels import AT_MONTHS, DEFAULT_LANDMARK
from outcomes.methods import METHOD_SOURCES, STANFORD
from outcomes.similar import SIMILAR_FIELDS, similar_inputs, similar_patients
from recurrence import roles
from recurrence.models import Case


def _check(user) -> None:
    if not roles.can_read_cases(user):
        raise PermissionDenied("Your role does not allow this page.")


@require_safe
@never_cache
def outcomes_page(request):
    _check(request.user)
    form = OutcomesForm(request.GET)
    chosen = form.choices()
    analysis = reports.outcomes_analysis(
        chosen.filters,
        chosen.group_by,
        chosen.endpoint,
        chosen.cox,
        landmark=chosen.landmark,
        naive=chosen.naive,
    )
    context = {
        "treatment": formatting.treatment_view(analysis["treatment"]),
        "show_groups": not chosen.treatment or chosen.naive,
        "form": form,
        "ignored": form.ignored(),
        "chosen": describe(chosen),
        "analysis": analysis,
        "rows": [formatting.group_row(g) for g in analysis["groups"]],
        "years": [t // 12 for t in AT_MONTHS],
        "logrank_p": formatting.p_text(analysis["logrank_p"]),
        "cox_rows": formatting.cox_rows(analysis["cox"]),
        "csv_query": urlencode(chosen.query(), doseq=True),
        "can_edit_cases": roles.can_edit_cases(request.user),
        "methods": {
            "anderson": METHOD_SOURCES["anderson-1983"],
            "crowley": METHOD_SOURCES["crowley-1977"],
        },
        "stanford": STANFORD,
        "landmark_default": DEFAULT_LANDMARK,
    }
    return render(request, "outcomes/outcomes.html", context)


@require_safe
@never_cache
def outcomes_csv(request):
    _check(request.user)
    chosen = OutcomesForm(request.GET).choices()
    chunks = csv_text(chosen.filters, chosen.group_by, chosen.endpoint, chosen.cox)
    name = f"outcomes-{chosen.endpoint}-by-{chosen.group_by.replace('_', '-')}.csv"
    # Streamed a chunk at a time, from a database cursor or the cache: memory does not
    # grow with the cohort.
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@never_cache
def similar_panel(request, pk: int):
    """The case page's "Similar patients here" panel on a page of its own: the case page
    shows it in place when its figures are cached, else loads it from here (with
    static/js/similar_panel.js; without JavaScript, a link opens this page)."""
    _check(request.user)
    case = get_object_or_404(Case.objects.live().only("case_number", *SIMILAR_FIELDS), pk=pk)
    # The panel as drawn, kept under the cohort revision and the case's group.
    panel = fragments.cached(
        request,
        "similar-panel-page",
        similar_inputs(case),
        (revisions.COHORT,),
        lambda extra: render_to_string(
            "outcomes/_similar_patients.html", {"similar": similar_patients(case)} | extra, request
        ),
    )
    return render(request, "outcomes/similar_panel.html", {"case": case, "panel": panel})


@require_safe
@never_cache
def similar_chart(request, pk: int):
    """The Kaplan-Meier chart of a case's similar patients, as an SVG image."""
    _check(request.user)
    case = get_object_or_404(Case.objects.only(*SIMILAR_FIELDS), pk=pk)
    # Always an image: the landmark curves, or one that says why there are none. Kept on
    # its own under the cohort revision, read with it in one round trip.
    chart = fragments.cached_value(
        "similar-chart",
        similar_inputs(case),
        (revisions.COHORT,),
        lambda: similar_patients(case, chart=True)["chart"],
    )
    return HttpResponse(chart, content_type="image/svg+xml; charset=utf-8")
