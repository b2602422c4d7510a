"""The evidence library read from the database, through the same loader as the data files.

    library_from_db() -> Library        built with one query per table, checked by
                                        library_from_rows, then reused while the stored
                                        revision stays the same (one query)
    case_evidence(case) -> list[Match]  the studies that fit a stored case, best first

Rows go back into the files' shape (each model's `as_row()`) and through
evidence.matching.library_from_rows, so a row the admin edits is held to the same checks as
the data files and every page shows what the matching uses.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from evidence.matching import Library, LibraryError, Match, library_from_rows, match_evidence
from evidence.models import Figure, LibraryRevision, LiverPatient, Reference, Study
from recurrence.models import Case
from recurrence.services import case_facts

_built: tuple[int, Library] | None = None


def library_from_db() -> Library:
    """The library as stored; raises LibraryError when the rows do not hold together.

    The checked library is kept with the revision it was built at and rebuilt when the
    stored revision moves (every save or delete of a library row moves it), so a change
    made through any server is seen by all of them on their next request.
    """
    global _built
    revision = LibraryRevision.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    if _built is None or _built[0] != revision:
        _built = (revision, library_with(None))
    return _built[1]


def forget_library() -> None:
    """Drop this process's built library (the next use rebuilds it)."""
    global _built
    _built = None


def library_with(edited: models.Model | None) -> Library:
    """The library as stored, with `edited` (a row not yet saved) in place of its stored
    version, or added to it when new."""
    studies = _rows(Study, ("position", "key"), edited)
    figures = _rows(Figure, ("position", "key"), edited)
    patients = _rows(LiverPatient, ("table", "case"), edited)
    references = _rows(Reference, ("cited_by_id", "number"), edited)

    # Each row's study comes from the list above, not from a query per row.
    by_pk = {s.pk: s for s in studies}
    for figure in figures:
        Figure.study.field.set_cached_value(figure, by_pk[figure.study_id])
    for patient in patients:
        LiverPatient.study.field.set_cached_value(patient, by_pk[patient.study_id])
    for ref in references:
        Reference.cited_by.field.set_cached_value(ref, by_pk[ref.cited_by_id])
        Reference.study.field.set_cached_value(ref, by_pk.get(ref.study_id))

    liver_study = _single([p.study for p in patients], "liver patients", "study")
    cited_by = _single([r.cited_by for r in references], "references", "cited_by")
    return library_from_rows(
        [s.as_row() for s in studies],
        [f.as_row() for f in figures],
        {
            "study": liver_study.key if liver_study else None,
            "notes": list(liver_study.notes) if liver_study else [],
            "patients": [p.as_row() for p in patients],
        },
        {
            "study": cited_by.key if cited_by else None,
            "references": [r.as_row() for r in references],
        },
    )


def case_evidence(case: Case) -> list[Match]:
    """The studies that fit the stored case, best first (prefetch its sites to save a query)."""
    return match_evidence(case_facts(case), library_from_db())


def _rows(model: type[models.Model], order: tuple[str, ...], edited: Any) -> list[Any]:
    rows = list(model._default_manager.order_by(*order))
    if not isinstance(edited, model):
        return rows
    if edited.pk is None:
        return [*rows, edited]
    return [edited if row.pk == edited.pk else row for row in rows]


def _single(studies: list[Study | None], what: str, field: str) -> Study | None:
    """The one study a set of rows belongs to (the loader reads one series of each)."""
    keys = {s.key for s in studies if s is not None}
    if len(keys) > 1:
        raise LibraryError(f"{what} of more than one study: {', '.join(sorted(keys))}", field)
    return next((s for s in studies if s is not None), None)
