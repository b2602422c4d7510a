"""FHIR Bundle to a draft case: database-free tests of interop.fhir_import."""

from __future__ import annotations

import datetime as dt

import pytest

from interop.fhir_import import COORDINATOR_FIELDS, REPORT_CODES, BundleRefused, import_bundle
from recurrence.guideline import parse_case
from tests.interop.fhir_builders import (
    LOINC,
    NEGATIVE,
    POSITIVE,
    SCT,
    answer,
    bundle,
    by_field,
    codes_of,
    codex,
    example,
    medication,
    observation,
    patient,
    primary,
    secondary,
)

pytestmark = pytest.mark.filterwarnings("ignore")


class TestCodexPatient01:
    @pytest.fixture(scope="class")
    def result(self):
        return import_bundle(codex(1))

    def test_it_reads_er_and_pr_positive(self, result):
        assert result.case["er"] == "positive"
        assert result.case["pr"] == "positive"

    def test_it_finds_liver_bone_and_axillary_nodes(self, result):
        sites = {s["site"] for s in result.case["sites"]}
        assert {"liver", "bone", "axillary_nodes"} <= sites
        assert all(s["lesions"] is None for s in result.case["sites"])

    def test_the_primary_cancer_is_not_a_site(self, result):
        assert "breast" not in {s["site"] for s in result.case["sites"]}
        assert len(result.case["sites"]) == 3

    def test_it_reads_ecog_1(self, result):
        assert result.case["ecog"] == 1

    def test_it_lists_every_field_for_the_coordinator(self, result):
        for name in COORDINATOR_FIELDS:
            if name == "bulky_disease" and name not in result.provenance:
                continue  # a 1.0 contract has no such field
            assert codes_of(result.report, name) == {"needs_review"}, name
        assert codes_of(result.report, "sites[].lesions") == {"needs_review"}
        for name in COORDINATOR_FIELDS:
            assert name not in result.case

    def test_a_her2_result_without_a_score_is_for_review(self, result):
        assert "her2_ihc" not in result.case
        assert codes_of(result.report, "her2_ihc") == {"needs_review"}
        assert "without a score" in by_field(result.report, "her2_ihc")[0]["message"]

    def test_dates_it_does_not_hold_are_reported_missing(self, result):
        assert "recurrence_date" not in result.case
        assert codes_of(result.report, "recurrence_date") == {"not_found"}
        assert codes_of(result.report, "age") == {"not_found"}

    def test_stage_iv_suggests_de_novo_for_the_coordinator_to_confirm(self, result):
        assert result.case["presentation"] == "de_novo_stage_iv"
        assert codes_of(result.report, "presentation") == {"needs_review"}

    def test_unused_markers_are_reported_by_code(self, result):
        messages = " ".join(i["message"] for i in result.report if i["code"] == "unsupported_code")
        assert "62862-8" in messages  # microsatellite instability is not a case field

    def test_the_patient_identifier_is_kept_for_matching(self, result):
        assert result.identifiers == ["a123"]
        assert result.hospital_number == "a123"

    def test_every_report_entry_has_the_three_keys_and_a_known_code(self, result):
        for item in result.report:
            assert set(item) == {"field", "code", "message"}
            assert item["code"] in REPORT_CODES
            assert item["message"]

    def test_the_draft_is_a_valid_case_once_the_coordinator_adds_the_date(self, result):
        case = parse_case(
            {**result.case, "recurrence_date": "2021-01-10"}, today=dt.date(2026, 1, 1)
        )
        assert case.er == "positive"


class TestCodexPatient02:
    @pytest.fixture(scope="class")
    def result(self):
        return import_bundle(codex(2))

    def test_it_reads_surgery_and_radiotherapy_to_the_breast(self, result):
        assert result.case["prior_breast_surgery"] == "breast_conserving"
        assert result.case["prior_breast_radiotherapy"] is True

    def test_it_finds_tamoxifen_and_aromatase_inhibitors(self, result):
        assert result.case["prior_tamoxifen"] is True
        assert result.case["prior_aromatase_inhibitor"] is True

    def test_a_completed_tamoxifen_without_end_date_is_for_review(self, result):
        assert "tamoxifen_end_date" not in result.case
        assert "needs_review" in codes_of(result.report, "tamoxifen_end_date")

    def test_only_bone(self, result):
        assert [s["site"] for s in result.case["sites"]] == ["bone"]


class TestRefusedInput:
    @pytest.mark.parametrize(
        "data, words",
        [
            ([1, 2], "no JSON object"),
            ("text", "no JSON object"),
            ({"resourceType": "Patient"}, "'Patient'"),
            ({"entry": []}, "no resourceType"),
            ({"resourceType": "Bundle", "type": "message", "entry": [{}]}, "'message'"),
            ({"resourceType": "Bundle", "type": "collection"}, "no entry"),
            ({"resourceType": "Bundle", "type": "collection", "entry": []}, "no entry"),
        ],
    )
    def test_it_names_the_problem(self, data, words):
        with pytest.raises(BundleRefused) as refused:
            import_bundle(data)
        assert words in str(refused.value)

    def test_a_bundle_whose_every_entry_is_invalid_is_refused(self):
        bad = observation("85337-4", "o1", valueString="a", valueInteger=1)
        with pytest.raises(BundleRefused) as refused:
            import_bundle(bundle(bad, {"resourceType": "Nonsense"}))
        assert "No entry" in str(refused.value)

    def test_an_invalid_resource_is_skipped_and_reported(self):
        bad = observation("85337-4", "bad-er", **NEGATIVE, valueString="positive")
        good = observation("85337-4", "er", **POSITIVE)
        result = import_bundle(bundle(patient(), bad, good, secondary("94381002")))
        assert result.case["er"] == "positive"
        skipped = [i for i in result.report if i["field"] == "entry[1]"]
        assert skipped and skipped[0]["code"] == "needs_review"
        assert "bad-er" in skipped[0]["message"] and "not valid FHIR R4" in skipped[0]["message"]

    def test_an_unknown_resource_type_is_unsupported(self):
        result = import_bundle(bundle(patient(), {"resourceType": "Spaceship", "id": "x"}))
        assert codes_of(result.report, "entry[1]") == {"unsupported_code"}


class TestReceptors:
    def test_a_receptor_conversion_takes_the_latest_and_says_so(self):
        result = import_bundle(
            bundle(
                patient(),
                observation("85337-4", "er-2015", when="2015-02-10", **POSITIVE),
                observation("40556-3", "er-2021", when="2021-06-05", **NEGATIVE),
                secondary("94391008"),
            )
        )
        assert result.case["er"] == "negative"
        item = by_field(result.report, "er")[0]
        assert item["code"] == "receptor_changed"
        assert "2015-02-10" in item["message"] and "2021-06-05" in item["message"]

    def test_undated_results_that_disagree_are_a_conflict(self):
        result = import_bundle(
            bundle(
                patient(),
                observation("85339-0", "pr-a", **POSITIVE),
                observation("85339-0", "pr-b", **answer(LOINC, "LA6577-6")),
            )
        )
        assert "pr" not in result.case
        assert codes_of(result.report, "pr") == {"conflict"}

    def test_her2_ihc_scores_from_the_loinc_answer_list(self):
        result = import_bundle(
            bundle(patient(), observation("85319-2", "h", **answer(LOINC, "LA11842-4")))
        )
        assert result.case["her2_ihc"] == "2+"

    def test_her2_ihc_score_written_as_text(self):
        result = import_bundle(bundle(patient(), observation("18474-7", "h", valueString="3+")))
        assert result.case["her2_ihc"] == "3+"

    def test_her2_interpretation_alone_gives_no_score(self):
        result = import_bundle(
            bundle(patient(), observation("48676-1", "h", **answer(SCT, "427685000")))
        )
        assert "her2_ihc" not in result.case
        assert codes_of(result.report, "her2_ihc") == {"needs_review"}

    def test_her2_ish_amplified(self):
        result = import_bundle(bundle(patient(), observation("85318-4", "f", **POSITIVE)))
        assert result.case["her2_ish"] == "amplified"

    def test_ichom_snomed_coded_receptors(self):
        result = import_bundle(
            bundle(
                patient(),
                observation("445028008", "er", system=SCT, **answer(SCT, "416053008")),
                observation("445029000", "pr", system=SCT, **answer(SCT, "441118006")),
            )
        )
        assert (result.case["er"], result.case["pr"]) == ("positive", "negative")

    def test_an_unknown_answer_is_unsupported_not_guessed(self):
        result = import_bundle(
            bundle(patient(), observation("85337-4", "er", **answer(SCT, "999999")))
        )
        assert "er" not in result.case
        assert codes_of(result.report, "er") == {"unsupported_code"}

    def test_a_percentage_is_not_turned_into_positive(self):
        result = import_bundle(
            bundle(
                patient(),
                observation("85329-1", "erp", valueQuantity={"value": 80, "unit": "%"}),
            )
        )
        assert "er" not in result.case
        assert "needs_review" in codes_of(result.report, "er")

    def test_receptors_from_after_the_recurrence_are_on_recurrence_tissue(self):
        result = import_bundle(
            bundle(
                patient(),
                primary(),
                secondary("94222008", onset="2021-06-01"),
                observation("85337-4", "er", when="2021-06-20", **POSITIVE),
            )
        )
        assert result.case["receptors_tested_on"] == "recurrence"


class TestSitesAndDates:
    def test_recurrence_from_dates_with_age(self):
        result = import_bundle(
            bundle(
                patient(birth="1960-05-20"),
                primary("2015-02-01"),
                secondary("94222008", "2021-06-01"),
            )
        )
        assert result.case["presentation"] == "recurrence"
        assert result.case["recurrence_date"] == "2021-06-01"
        assert result.case["primary_diagnosis_date"] == "2015-02-01"
        assert result.case["age"] == 61

    def test_local_regional_sites_from_a_recurrence_condition_body_site(self):
        local = primary("2021-03-01", status="recurrence", rid="local")
        local["bodySite"] = [{"coding": [{"system": SCT, "code": "78904004"}]}]
        result = import_bundle(bundle(patient(), primary("2015-02-01"), local))
        assert [s["site"] for s in result.case["sites"]] == ["chest_wall"]
        assert result.case["presentation"] == "recurrence"
        assert result.case["recurrence_date"] == "2021-03-01"

    def test_sites_from_body_site_and_icd10(self):
        result = import_bundle(
            bundle(
                patient(),
                secondary(None, body_site="12738006", rid="brain"),
                secondary("C78.7", system="http://hl7.org/fhir/sid/icd-10-cm", rid="liver"),
                secondary("94614009", rid="scl"),
            )
        )
        assert [s["site"] for s in result.case["sites"]] == [
            "brain",
            "liver",
            "supraclavicular_nodes",
        ]

    def test_a_breast_metastasis_without_side_is_left_to_the_coordinator(self):
        result = import_bundle(bundle(patient(), secondary("94297009"), secondary("94381002")))
        assert [s["site"] for s in result.case["sites"]] == ["liver"]
        assert "needs_review" in codes_of(result.report, "sites")

    def test_an_unknown_secondary_code_is_unsupported(self):
        result = import_bundle(bundle(patient(), secondary("1234567")))
        assert "sites" not in result.case
        assert "unsupported_code" in codes_of(result.report, "sites")

    def test_a_resolved_metastasis_is_not_a_site(self):
        gone = secondary("94391008")
        gone["clinicalStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "resolved",
                }
            ]
        }
        result = import_bundle(bundle(patient(), gone, secondary("94222008")))
        assert [s["site"] for s in result.case["sites"]] == ["bone"]

    def test_a_searchset_and_a_transaction_are_read(self):
        for kind in ("searchset", "transaction"):
            result = import_bundle(bundle(patient(), secondary("94391008"), kind=kind))
            assert result.case["sites"] == [{"site": "lung", "lesions": None}]


class TestOtherFields:
    def test_ecog_from_the_loinc_answer_and_the_latest_wins(self):
        result = import_bundle(
            bundle(
                patient(),
                observation("89247-1", "e1", when="2020-01-01", valueInteger=0),
                observation("89247-1", "e2", when="2021-07-01", **answer(LOINC, "LA9624-3")),
            )
        )
        assert result.case["ecog"] == 2

    def test_ecog_5_is_not_a_contract_value(self):
        result = import_bundle(bundle(patient(), observation("89247-1", "e", valueInteger=5)))
        assert "ecog" not in result.case

    def test_menopausal_status_from_the_ichom_codes(self):
        result = import_bundle(
            bundle(patient(), observation("161712005", "m", system=SCT, **answer(SCT, "307429007")))
        )
        assert result.case["menopausal_status"] == "postmenopausal"

    def test_tamoxifen_with_end_date_before_the_recurrence(self):
        result = import_bundle(
            bundle(
                patient(),
                primary("2015-02-01"),
                secondary("94222008", "2021-06-01"),
                medication("t", "10324", "tamoxifen", start="2015-04-01", end="2020-04-01"),
            )
        )
        assert result.case["prior_tamoxifen"] is True
        assert result.case["tamoxifen_end_date"] == "2020-04-01"

    def test_an_active_aromatase_inhibitor_means_still_taking_it(self):
        result = import_bundle(
            bundle(
                patient(),
                primary("2015-02-01"),
                secondary("94222008", "2021-06-01"),
                medication("a", "84857", "anastrozole", status="active", start="2016-01-01"),
            )
        )
        assert result.case["prior_aromatase_inhibitor"] is True
        assert result.case.get("aromatase_inhibitor_end_date") is None

    def test_a_drug_started_after_the_recurrence_is_not_prior(self):
        result = import_bundle(
            bundle(
                patient(),
                primary("2015-02-01"),
                secondary("94222008", "2021-06-01"),
                medication("l", "72965", "letrozole", status="active", start="2021-07-01"),
            )
        )
        assert "prior_aromatase_inhibitor" not in result.case
        assert "needs_review" in codes_of(result.report, "prior_aromatase_inhibitor")

    def test_partial_dates_are_not_used(self):
        result = import_bundle(bundle(patient(), secondary("94222008", onset="2021-06")))
        assert "recurrence_date" not in result.case
        assert "needs_review" in codes_of(result.report, "recurrence_date")


class TestEomPatient:
    """A third bundle from the CodeX matching service's tests (receptor conversion)."""

    @pytest.fixture(scope="class")
    def result(self):
        return import_bundle(example("codex-eom-patient-1.json"))

    def test_the_er_conversion_is_reported_and_the_latest_taken(self, result):
        assert result.case["er"] == "negative"
        assert codes_of(result.report, "er") == {"receptor_changed"}
        assert result.case["pr"] == "negative"

    def test_stage_iv_years_after_the_first_results_is_not_called_de_novo(self, result):
        assert "presentation" not in result.case
        assert codes_of(result.report, "presentation") == {"conflict"}

    def test_her2_by_interpretation_only_stays_unknown(self, result):
        assert "her2_ihc" not in result.case
        assert codes_of(result.report, "her2_ihc") == {"needs_review"}

    def test_lung_and_ecog_3(self, result):
        assert result.case["sites"] == [{"site": "lung", "lesions": None}]
        assert result.case["ecog"] == 3
