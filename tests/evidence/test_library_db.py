"""The evidence library in the database: loaded by migration, equal to the data files, read
back through the same loader, and checked the same way when an administrator edits a row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from evidence_sources import data

from evidence.library import case_evidence, forget_library, library_from_db, library_with
from evidence.matching import load_library, match_evidence
from evidence.models import Figure, LiverPatient, Reference, Study
from recurrence.services import case_facts

STUDIES = data("studies.json")["studies"]
FIGURES = data("figures.json")["figures"]
LIVER = data("liver_patients.json")
REFERENCES = data("pockaj_references.json")

pytestmark = pytest.mark.django_db


def exact(value):
    """A row with every number as the text it is written as, so that 1.70 differs from 1.7
    (Decimal("1.70") == Decimal("1.7") would hide the difference)."""
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [exact(v) for v in value]
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return ("number", str(value))
    return value


class TestTheMigrationLoadedTheFiles:
    def test_every_table_holds_every_row_of_its_file(self):
        assert Study.objects.count() == len(STUDIES) == 17
        assert Figure.objects.count() == len(FIGURES) == 120
        assert LiverPatient.objects.count() == 13
        assert Reference.objects.count() == 59

    def test_the_figures_in_the_database_equal_the_file_as_written(self):
        stored = [f.as_row() for f in Figure.objects.select_related("study").order_by("position")]
        assert exact(stored) == exact(FIGURES)

    def test_the_figures_are_stored_as_text_exactly_as_the_source_writes_them(self):
        fan = Figure.objects.get(key="fan-2015-02")
        assert (fan.value, fan.ci_low, fan.ci_high) == ("1.70", "1.37", "2.10")
        liver = Figure.objects.get(key="severance-liver-07")
        assert liver.value == "80.0"
        assert Figure.objects.get(key="soomro-2021-15").value == "100"

    def test_the_studies_equal_the_file(self):
        stored = [s.as_row() for s in Study.objects.order_by("position")]
        assert exact(stored) == exact(STUDIES)

    def test_the_liver_patients_and_notes_equal_the_file(self):
        stored = [p.as_row() for p in LiverPatient.objects.order_by("table", "case")]
        assert exact(stored) == exact(LIVER["patients"])
        series = Study.objects.get(key=LIVER["study"])
        assert series.notes == LIVER["notes"]
        assert {p.study_id for p in LiverPatient.objects.all()} == {series.pk}

    def test_the_references_equal_the_file_with_their_tags(self):
        stored = [r.as_row() for r in Reference.objects.select_related("study").order_by("number")]
        assert exact(stored) == exact(REFERENCES["references"])
        assert set(Reference.objects.values_list("cited_by__key", flat=True)) == {"pockaj-2010"}
        assert Reference.objects.get(number=32).study.key == "friedel-2002"

    def test_every_figure_has_a_study_and_a_source_quote(self):
        for figure in Figure.objects.select_related("study"):
            assert figure.study.key == figure.key.rsplit("-", 1)[0]
            assert figure.source == figure.study.source
            assert figure.quote
            assert not figure.inconsistent or figure.note


class TestTheLibraryFromTheDatabase:
    def test_it_equals_the_library_of_the_files(self):
        from_db, from_files = library_from_db(), load_library()
        assert from_db == from_files
        # Equal Decimals can be written differently; the library keeps them as written.
        assert [str(f.value) for f in from_db.figures] == [str(f.value) for f in from_files.figures]
        assert [str(f.ci_high) for f in from_db.figures] == [
            str(f.ci_high) for f in from_files.figures
        ]
        assert from_db.liver_study == "severance-liver"

    def test_it_reads_each_table_once_then_only_the_revision(self):
        forget_library()
        with CaptureQueriesContext(connection) as cold:
            library_from_db()
        with CaptureQueriesContext(connection) as warm:
            library_from_db()
        assert len(cold) == 5  # the revision, then one query per table
        assert len(warm) == 1

    @pytest.mark.parametrize("write", ["save", "update", "delete", "bulk_create"])
    def test_every_kind_of_write_is_seen_at_once(self, write):
        before = library_from_db()
        assert "badwe-2015" in before.studies
        if write == "save":
            study = Study.objects.get(key="badwe-2015")
            study.title = "Changed title"
            study.save()
        elif write == "update":
            Study.objects.filter(key="badwe-2015").update(title="Changed title")
        elif write == "delete":
            Reference.objects.filter(number=59).delete()
        else:
            first = Reference.objects.get(number=59)
            Reference.objects.filter(pk=first.pk).delete()
            first.pk = None
            Reference.objects.bulk_create([first])
        after = library_from_db()
        assert after is not before
        assert after == library_with(None)

    def test_the_case_evidence_is_the_matching_of_the_files(self, stored_case):
        expected = match_evidence(case_facts(stored_case), load_library())
        assert [m.as_dict() for m in case_evidence(stored_case)] == [m.as_dict() for m in expected]
        assert expected  # bone and lung disease: the lung and bone studies fit


class TestAnEditedRowIsCheckedByTheLoader:
    def test_a_figure_with_an_arm_its_study_lacks_is_refused_on_that_field(self):
        figure = Figure.objects.get(key="soomro-2021-01")
        figure.arm = "placebo"
        with pytest.raises(ValidationError) as refused:
            figure.full_clean()
        assert "not an arm of soomro-2021" in str(refused.value.message_dict["arm"])
        assert refused.value.error_dict["arm"][0].code == "library"

    def test_an_inconsistent_figure_without_a_note_is_refused(self):
        figure = Figure.objects.get(key="badwe-2015-01")
        figure.inconsistent = True
        with pytest.raises(ValidationError) as refused:
            figure.full_clean()
        assert set(refused.value.message_dict) == {"note"}

    def test_a_number_not_as_written_is_refused_by_its_field(self):
        figure = Figure.objects.get(key="badwe-2015-01")
        figure.value = "19,2"
        with pytest.raises(ValidationError) as refused:
            figure.full_clean()
        assert refused.value.error_dict["value"][0].code == "number_as_written"

    def test_a_new_figure_with_a_duplicate_key_is_refused(self):
        figure = Figure.objects.get(key="badwe-2015-01")
        figure.pk = None
        with pytest.raises(ValidationError) as refused:
            figure.full_clean()
        assert "key" in refused.value.message_dict

    def test_a_study_whose_source_no_longer_fits_its_figures_is_refused(self):
        study = Study.objects.get(key="soomro-2021")
        study.source = "literature-facts"
        with pytest.raises(ValidationError) as refused:
            study.full_clean()
        assert "source differs" in str(refused.value.message_dict["source"])

    def test_renaming_a_study_that_others_name_as_related_is_refused(self):
        study = Study.objects.get(key="soran-2018")
        study.key = "soran-2018-renamed"
        with pytest.raises(ValidationError) as refused:
            study.full_clean()
        assert "related 'soran-2018' is unknown" in str(refused.value.message_dict["related"])

    def test_a_study_population_the_loader_cannot_read_is_refused(self):
        study = Study.objects.get(key="khan-2022")
        study.population = ["not", "a", "mapping"]
        with pytest.raises(ValidationError) as refused:
            study.full_clean()
        assert refused.value.error_dict["__all__"][0].code == "library_shape"

    def test_a_liver_patient_of_another_study_is_refused(self):
        patient = LiverPatient.objects.get(key="S1")
        patient.study = Study.objects.get(key="liver-review-2017")
        with pytest.raises(ValidationError) as refused:
            patient.full_clean()
        assert "more than one study" in str(refused.value.message_dict["study"])

    def test_a_reference_with_an_unknown_tag_is_refused(self):
        ref = Reference.objects.get(number=1)
        ref.tag = "spleen"
        with pytest.raises(ValidationError) as refused:
            ref.full_clean()
        assert "tag" in refused.value.message_dict

    def test_a_valid_edit_passes_and_the_library_shows_it(self):
        figure = Figure.objects.get(key="badwe-2015-01")
        figure.note = "Checked against the abstract."
        figure.full_clean()
        figure.save()
        edited = next(f for f in library_from_db().figures if f.id == "badwe-2015-01")
        assert edited.note == "Checked against the abstract."


class TestTheAdmin:
    def test_an_administrator_manages_the_library(self, administrator, client):
        client.force_login(administrator)
        for name in ("study", "figure", "liverpatient", "reference"):
            assert client.get(f"/admin/evidence/{name}/").status_code == 200
        figure = Figure.objects.get(key="soomro-2021-01")
        assert client.get(f"/admin/evidence/figure/{figure.pk}/change/").status_code == 200

    def test_the_admin_form_refuses_an_arm_the_study_lacks(self, administrator, rf):
        from django.contrib.admin.sites import site
        from django.forms.models import model_to_dict

        request = rf.get("/admin/")
        request.user = administrator
        figure = Figure.objects.get(key="soomro-2021-01")
        form_class = site._registry[Figure].get_form(request, obj=figure)
        data = {k: ("" if v is None else v) for k, v in model_to_dict(figure).items()}
        data["arm"] = "placebo"
        form = form_class(data, instance=Figure.objects.get(pk=figure.pk))
        assert not form.is_valid()
        assert "not an arm of soomro-2021" in form.errors["arm"][0]
        assert Figure.objects.get(pk=figure.pk).arm == "surgery"

    def test_a_study_named_as_related_cannot_be_deleted(self, administrator, client):
        client.force_login(administrator)
        study = Study.objects.get(key="soran-2018")
        page = client.get(f"/admin/evidence/study/{study.pk}/delete/").content.decode()
        assert "soomro-2021 names soran-2018 as related" in page
        client.post(f"/admin/evidence/study/{study.pk}/delete/", {"post": "yes"})
        assert Study.objects.filter(key="soran-2018").exists()

    def test_staff_without_the_administrator_role_is_refused(self, django_user_model, client):
        staff = django_user_model.objects.create_user(username="stan", is_staff=True)
        client.force_login(staff)
        assert client.get("/admin/evidence/figure/").status_code == 403


def test_the_data_migration_unloads_and_loads_again():
    """Its reverse deletes every row and its forward loads them all again (run here inside
    the test's transaction, with today's models standing in for the historical ones)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("evidence.migrations.0002_library_data")
    framing = importlib.import_module("evidence.migrations.0004_study_trial_caveats_figure_framing")
    migration.unload(apps, None)
    assert Study.objects.count() == Figure.objects.count() == Reference.objects.count() == 0
    migration.load(apps, None)
    assert Figure.objects.count() == len(FIGURES)
    framing.forward(apps, None)  # the trial and caveats columns came after 0002
    assert library_from_db() == load_library()


def test_the_framing_migration_brings_an_older_library_up_to_the_files():
    """A database loaded before the corrections holds the old framing; 0004 replaces it."""
    import importlib

    from django.apps import apps

    framing = importlib.import_module("evidence.migrations.0004_study_trial_caveats_figure_framing")
    Figure.objects.filter(key="soomro-2021-26").update(
        comparison="surgery vs no surgery", highlight="if_subgroup_fits"
    )
    Figure.objects.filter(key="severance-liver-05").update(inconsistent=False, note="")
    Study.objects.filter(key__in=["soran-2018", "soran-2021"]).update(trial="", caveats=[])
    framing.forward(apps, None)
    assert library_from_db() == load_library()
    ratio = Figure.objects.get(key="soomro-2021-26")
    assert ratio.highlight == "never" and "reference group" in ratio.comparison
    assert Study.objects.get(key="soran-2021").trial == "MF07-01"
