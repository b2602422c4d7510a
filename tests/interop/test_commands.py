"""import_fhir and export_fhir: only JSON on standard output, messages on standard error."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from interop.models import CaseImport
from recurrence.models import Case
from tests.interop.fhir_builders import codex
from tests.shared_docs import INTEROP_EXAMPLES

PATIENT01 = str(INTEROP_EXAMPLES / "codex-trialmatching-patient01.json")


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestImportFhir:
    def test_it_prints_the_case_and_report_and_saves_nothing(self):
        status, out, err = run("import_fhir", PATIENT01)
        assert status == 0
        body = json.loads(out)
        assert set(body) == {"case", "report"}
        assert body["case"]["er"] == "positive" and body["case"]["ecog"] == 1
        assert Case.objects.count() == 0

    @pytest.mark.parametrize(
        "content, words",
        [
            ("{not json", "not JSON"),
            ('{"resourceType": "Patient"}', "not a FHIR Bundle"),
            ('{"resourceType": "Bundle", "type": "collection", "entry": []}', "no entry"),
        ],
    )
    def test_a_file_that_is_not_a_bundle_exits_2_with_a_message(self, tmp_path, content, words):
        path = tmp_path / "in.json"
        path.write_text(content)
        status, out, err = run("import_fhir", str(path))
        assert status == 2
        assert out == ""
        assert words in err and "Traceback" not in err

    def test_a_missing_file_exits_2(self, tmp_path):
        status, out, err = run("import_fhir", str(tmp_path / "absent.json"))
        assert status == 2 and "Cannot read" in err

    def test_save_is_refused_by_the_normal_validation(self):
        status, out, err = run("import_fhir", PATIENT01, "--save", "--case-number", "F-1")
        assert status == 2
        assert json.loads(out)["case"]  # the draft is still printed
        assert "recurrence_date" in json.loads(err)["errors"][0]["field"]
        assert Case.objects.count() == 0

    def test_save_stores_a_complete_draft_and_its_defaults(self, tmp_path):
        data = codex(1)
        for entry in data["entry"]:
            if "SecondaryCancerCondition" in entry["resource"]["id"]:
                entry["resource"]["onsetDateTime"] = "2021-04-02"
        path = tmp_path / "p.json"
        path.write_text(json.dumps(data))
        status, out, err = run("import_fhir", str(path), "--save", "--case-number", "F-2")
        assert status == 0, err
        case = Case.objects.get(case_number="F-2")
        assert case.hospital_number == "a123" and case.age == 62
        record = CaseImport.objects.get(case=case)
        assert record.fields["recurrence_date"] == "imported"
        assert record.fields["visceral_crisis"] == "defaulted"


@pytest.mark.django_db
class TestExportFhir:
    def test_it_prints_only_the_bundle(self, stored_case):
        status, out, err = run("export_fhir", stored_case.case_number)
        assert status == 0
        bundle = json.loads(out)
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"

    def test_an_unknown_case_exits_2(self, db):
        status, out, err = run("export_fhir", "NOPE")
        assert status == 2 and out == ""
