from django import template

from interop.models import CardFeedback, CaseImport
from recurrence.presentation import field_label

register = template.Library()


def _label(name: str) -> str:
    return "Lesion counts" if name == "sites.lesions" else field_label(name)


@register.inclusion_tag("interop/_case_panels.html")
def interop_panels(case):
    """On the case page: where an imported case's fields came from (the defaulted ones "to
    confirm" until a coordinator saves the case again), and the record system's feedback on
    the CDS Hooks cards sent for this patient."""
    record = CaseImport.objects.filter(case=case).select_related("imported_by").first()
    feedback = list(
        CardFeedback.objects.filter(card__case=case)
        .select_related("card")
        .order_by("-outcome_at")[:20]
    )
    context = {"record": record, "feedback": feedback}
    if record is not None:
        confirmed = case.version > record.case_version
        context.update(
            confirmed=confirmed,
            imported=[_label(n) for n, how in record.fields.items() if how == "imported"],
            to_confirm=[] if confirmed else [_label(n) for n in record.to_confirm()],
        )
    return context
