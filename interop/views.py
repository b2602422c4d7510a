"""The coordinator's "Import from the hospital record" page: upload a FHIR Bundle, see the
case form prefilled with the mapping report beside it, save through the normal validation."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from interop import services
from interop.fhir_import import BundleRefused
from recurrence import roles
from recurrence.forms import CaseEntry, CaseForm
from recurrence.guideline import CaseRefused
from recurrence.presentation import field_label

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_SALT = "interop.case-import"
CODE_LABELS = {
    "mapped": "From the record",
    "not_found": "Not in the record",
    "needs_review": "For the coordinator",
    "conflict": "Conflict",
    "receptor_changed": "Receptor changed",
    "unsupported_code": "Not used",
}


def _check(user) -> None:
    if not roles.can_edit_cases(user):
        raise PermissionDenied("Importing a case needs the coordinator role.")


# What needs the coordinator first, what went well after, what was not used last.
_ORDER = ("conflict", "receptor_changed", "needs_review", "not_found", "mapped", "unsupported_code")


def _report_rows(report: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for item in sorted(report, key=lambda i: _ORDER.index(i["code"])):
        name = item["field"]
        label = (
            name
            if name.startswith(("entry[", "bundle"))
            else field_label(name.split(".")[0].split("[")[0])
        )
        if name == "sites[].lesions":
            label = "Lesion counts"
        if name.startswith(("entry[", "bundle")):
            label = "Bundle" if name == "bundle" else f"Entry {int(name[6:-1]) + 1}"
        rows.append({**item, "label": label, "code_label": CODE_LABELS[item["code"]]})
    return rows


def _entry_for(result) -> CaseEntry:
    initial = {
        k: v for k, v in result.case.items() if k not in ("sites", "workup", "symptomatic_sites")
    }
    initial["hospital_number"] = result.hospital_number
    rows = [
        {"site": s["site"], "lesions": s["lesions"], "symptomatic": False}
        for s in result.case.get("sites", [])
    ]
    return CaseEntry(initial=initial, sites_initial=rows)


def _page(request, entry, report, token, status=200):
    return render(
        request,
        "interop/import_form.html",
        {"entry": entry, "case": None, "report": _report_rows(report), "import_token": token},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def case_import(request):
    _check(request.user)
    if request.method == "GET":
        return render(request, "interop/import_upload.html", {})
    if "import_token" in request.POST:
        return _save(request)
    upload = request.FILES.get("bundle")
    problem = None
    if upload is None:
        problem = "Choose a FHIR Bundle file (JSON) to import."
    elif upload.size > MAX_UPLOAD_BYTES:
        problem = f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
    if problem is None:
        try:
            data = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            problem = "The file is not JSON: a FHIR Bundle in JSON is needed."
    if problem is None:
        try:
            result = services.bundle_import(data)
        except BundleRefused as refused:
            problem = str(refused)
    if problem is not None:
        return render(request, "interop/import_upload.html", {"problem": problem}, status=400)
    for name in result.case:
        if name not in CaseForm.base_fields and name not in (
            "sites",
            "symptomatic_sites",
            "workup",
        ):
            result.report.insert(
                0,
                {
                    "field": name,
                    "code": "needs_review",
                    "message": f"The record gives {name.replace('_', ' ')} = {result.case[name]}, "
                    "which this form cannot hold yet: record it on the case once saved.",
                },
            )
    token = signing.dumps(
        {"provenance": result.provenance, "report": result.report}, salt=_SALT, compress=True
    )
    return _page(request, _entry_for(result), result.report, token)


def _save(request):
    try:
        carried = signing.loads(request.POST["import_token"], salt=_SALT)
    except signing.BadSignature:
        return render(
            request,
            "interop/import_upload.html",
            {"problem": "The import form was changed or is damaged; upload the Bundle again."},
            status=400,
        )
    entry = CaseEntry(request.POST)
    token = request.POST["import_token"]
    if not entry.is_valid():
        entry.check_contract()
        return _page(request, entry, carried["report"], token)
    try:
        case = services.case_create_from_import(
            body=entry.body,
            provenance=carried["provenance"],
            report=carried["report"],
            user=request.user,
        )
    except CaseRefused as refused:
        entry.add_contract_errors(refused.errors)
        return _page(request, entry, carried["report"], token)
    messages.success(request, f"Case {case.case_number} saved from the hospital record.")
    return redirect("case-detail", pk=case.pk)
