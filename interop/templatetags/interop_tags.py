from django import template

from interop.models import CaseImport
from recurrence.presentation import field_label

register = template.Library()


def _label(name: str) -> str:
    return "Lesion counts" if name == "sites.lesions" else field_label(name)


@register.inclusion_tag("interop/_import_marks.html")
def import_marks(case):
    """The case's import record: imported fields, and the defaulted ones "to confirm" until
    a coordinator saves the case again."""
    record = CaseImport.objects.filter(case=case).select_related("imported_by").first()
    if record is None:
        return {"record": None}
    confirmed = case.version > record.case_version
    imported = [_label(n) for n, how in record.fields.items() if how == "imported"]
    return {
        "record": record,
        "confirmed": confirmed,
        "imported": imported,
        "to_confirm": [] if confirmed else [_label(n) for n in record.to_confirm()],
    }
