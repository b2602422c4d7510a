"""The evidence library's pages: the list of studies and a page per study."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from evidence import charts, presentation
from evidence.forms import StudyFilterForm
from evidence.library import library_from_db
from recurrence import roles


def _check(user) -> None:
    if not roles.can_read_cases(user):
        raise PermissionDenied("Your role does not allow this page.")


def _render(request, template: str, context: dict):
    context["can_edit_cases"] = roles.can_edit_cases(request.user)
    return render(request, template, context)


@require_safe
def study_list(request):
    _check(request.user)
    library = library_from_db()
    form = StudyFilterForm(request.GET)
    chosen = form.filters()
    studies = [] if chosen is None else presentation.filter_studies(library, **chosen)
    rows = [
        {
            "study": s,
            "figures": len(library.figures_for(s.key)),
            "inconsistent": sum(f.inconsistent for f in library.figures_for(s.key)),
            "source": presentation.source_of(s),
        }
        for s in studies
    ]
    return _render(
        request,
        "evidence/study_list.html",
        {
            "form": form,
            "rows": rows,
            "total": len(library.studies),
            "filtered": chosen is None or bool(chosen),
            "missing_randomised": presentation.missing_randomised(library, studies),
        },
    )


@require_safe
def study_detail(request, key: str):
    _check(request.user)
    library = library_from_db()
    study = library.studies.get(key)
    if study is None:
        raise Http404("No study with this key.")
    figures = library.figures_for(key)
    is_liver_series = library.liver_study == key
    references = library.references_of(key)
    context = {
        "study": study,
        "source": presentation.source_of(study),
        "size": presentation.size_text(study),
        "population": presentation.population_rows(study),
        "related": [library.studies[k] for k in study.related],
        "same_trial": [
            s
            for s in library.studies.values()
            if study.trial and s.trial == study.trial and s.key != study.key
        ],
        "counterweights": presentation.counterweights(library, study),
        "figures": [presentation.figure_row(f) for f in figures],
        "inconsistent": [presentation.figure_row(f) for f in figures if f.inconsistent],
        "chart": charts.study_figures_svg(figures, title=f"Outcome figures of {study.title}"),
        "liver_chart": (
            charts.liver_series_svg(library.liver_patients, title="Survival per patient")
            if is_liver_series
            else ""
        ),
        "liver_rows": presentation.liver_rows(library.liver_patients) if is_liver_series else [],
        "liver_notes": library.liver_notes if is_liver_series else (),
        "reference_groups": presentation.reference_groups(references),
        "reference_count": len(references),
    }
    return _render(request, "evidence/study_detail.html", context)
