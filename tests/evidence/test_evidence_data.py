"""The evidence data files against the documents they were read from."""

from __future__ import annotations

import json
import re
import shutil
import statistics
from collections import Counter
from decimal import Decimal

import pytest
from evidence_sources import DATA, data, normalise, numbers_in, source_text

from evidence.matching import LibraryError, load_library

STUDIES = data("studies.json")["studies"]
FIGURES = data("figures.json")["figures"]
PATIENTS = data("liver_patients.json")["patients"]
REFERENCES = data("pockaj_references.json")["references"]
STUDY_KEYS = {s["key"] for s in STUDIES}


def figure_ids(rows):
    return [row["id"] for row in rows]


def test_the_library_loads_with_every_file_counted():
    library = load_library()
    assert len(library.studies) == len(STUDIES) == 17
    assert len(library.figures) == len(FIGURES)
    assert len(library.liver_patients) == 13
    assert len(library.references) == 59


# The facts file's last section lists statistical methods for comparing a treatment given
# after time zero (for the outcomes statistics), not studies of surgery.
METHODS_SECTION = "## Methods"
METHODS_KEYS = {"anderson-1983", "crowley-1977"}


def source_text_raw_facts() -> str:
    from evidence_sources import facts_file

    return facts_file().read_text(encoding="utf-8")


def facts_rows(text: str) -> dict[str, tuple[str, str]]:
    """Each keyed table row of the facts file: key -> (section heading, row)."""
    rows, section = {}, ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line
        found = re.match(r"^\| `([a-z0-9-]+)` \|", line)
        if found:
            rows[found.group(1)] = (section, line)
    return rows


def test_it_has_the_seed_studies_and_every_study_of_the_facts_file():
    rows = facts_rows(source_text_raw_facts())
    studies = {k for k, (section, _) in rows.items() if not section.startswith(METHODS_SECTION)}
    methods = {k for k, (section, _) in rows.items() if section.startswith(METHODS_SECTION)}
    assert len(studies) == 14
    assert methods == METHODS_KEYS
    assert studies | {"soomro-2021", "severance-liver", "pockaj-2010"} == STUDY_KEYS
    assert not methods & STUDY_KEYS


@pytest.mark.parametrize(
    "study", [s for s in STUDIES if s["source"] == "literature-facts"], ids=lambda s: s["key"]
)
def test_a_facts_study_keeps_the_citation_and_doi_of_the_facts_file(study):
    # The table row, not the introduction that names some keys in passing.
    _, row = facts_rows(source_text_raw_facts())[study["key"]]
    assert study["citation"] in row
    doi = re.search(r"doi:(\S+?)(?: |\||$)", row)
    assert study["doi"] == (doi.group(1) if doi else None)


@pytest.mark.parametrize("figure", FIGURES, ids=figure_ids(FIGURES))
def test_every_figure_belongs_to_a_study_and_names_its_source(figure):
    assert figure["study"] in STUDY_KEYS
    study = next(s for s in STUDIES if s["key"] == figure["study"])
    assert figure["source"] == study["source"]


@pytest.mark.parametrize("figure", FIGURES, ids=figure_ids(FIGURES))
def test_every_quote_is_in_its_source_and_holds_the_figure(figure):
    text = source_text(figure["source"])
    assert normalise(figure["quote"]) in text
    in_quote = numbers_in(figure["quote"])
    assert str(figure["value"]) in in_quote
    for bound in ("ci_low", "ci_high"):
        if figure[bound] is not None:
            assert str(figure[bound]) in in_quote
    if figure["p_value"] is not None:
        p_text = figure["p_quote"] or figure["quote"]
        assert normalise(p_text) in text
        assert figure["p_value"].replace(" ", "") in p_text.replace(" ", "")


@pytest.mark.parametrize("figure", FIGURES, ids=figure_ids(FIGURES))
def test_an_inconsistent_figure_says_why(figure):
    if figure["inconsistent"]:
        assert figure["note"]


def test_the_figure_ids_are_unique():
    ids = figure_ids(FIGURES)
    assert len(ids) == len(set(ids))


SOOMRO_SUBTYPE_ROWS = {
    # subtype: (5-year OS with surgery, without), as the results of soomro-2021 give them
    "luminal_a": ("100", "100"),
    "luminal_b": ("91.8", "83.6"),
    "luminal_b_her2": ("80", "71"),
    "her2_enriched": ("83.3", "81.3"),
    "triple_negative": ("90", "64.5"),
}


def test_the_soomro_subtype_figures_equal_the_seed():
    rows = {}
    for f in FIGURES:
        sub = f["subgroup"]
        if (
            f["study"] == "soomro-2021"
            and sub
            and sub["kind"] == "subtype"
            and f["measure"] == "rate"
        ):
            assert f["time_months"] == 60
            rows.setdefault(sub["value"], {})[f["arm"]] = str(f["value"])
    got = {k: (v["surgery"], v["no surgery"]) for k, v in rows.items()}
    assert got == SOOMRO_SUBTYPE_ROWS
    seed = source_text("soomro-2021")
    assert (
        "triple-negative patients for surgery performed was higher than not performed i.e. 90% and 64.5%"
        in seed
    )
    assert (
        "luminal B for surgery performed was higher than the not performed group i.e. 91.8% and 83.6%"
        in seed
    )


def test_the_soomro_overall_rows_equal_table_2():
    table = {
        (12, "surgery"): "85.2",
        (12, "no surgery"): "72.4",
        (24, "surgery"): "84.3",
        (24, "no surgery"): "75.4",
        (60, "surgery"): "84.4",
        (60, "no surgery"): "74.5",
    }
    got = {
        (f["time_months"], f["arm"]): str(f["value"])
        for f in FIGURES
        if f["study"] == "soomro-2021"
        and f["endpoint"] == "overall_survival"
        and f["measure"] == "rate"
        and f["subgroup"] is None
    }
    assert got == table


def test_the_liver_series_extrahepatic_survival_is_flagged_both_ways():
    rows = [
        f
        for f in FIGURES
        if f["study"] == "severance-liver"
        and f["endpoint"] == "overall_survival"
        and f["subgroup"]
        and f["subgroup"]["value"] == "liver_and_extrahepatic"
    ]
    by_place = {
        (f["location"], f["time_months"]): str(f["value"]) for f in rows if f["inconsistent"]
    }
    assert by_place == {
        ("Abstract and Results", 12): "80.0",
        ("Abstract and Results", 36): "0.0",
        ("Discussion", 12): "60.0",
        ("Discussion", 36): "20.0",
    }
    assert all("60.0%" in f["note"] and "80.0%" in f["note"] for f in rows)


def test_the_liver_series_solitary_rows_are_flagged_against_table_1():
    rows = {
        f["time_months"]: f
        for f in FIGURES
        if f["study"] == "severance-liver"
        and f["endpoint"] == "overall_survival"
        and f["subgroup"]
        and f["subgroup"]["value"] == "liver_only"
    }
    assert {m: str(f["value"]) for m, f in rows.items()} == {12: "83.3", 36: "66.7"}
    assert [f["id"] for f in rows.values()] == ["severance-liver-05", "severance-liver-06"]
    assert all(f["inconsistent"] and "Table 1" in f["note"] for f in rows.values())
    # What the note says of Table 1 is what its seven rows hold.
    table_1 = [p["survival_months"] for p in PATIENTS if p["table"] == "Table 1"]
    assert len(table_1) == 7 and min(table_1) == Decimal("15.2")
    assert "15.2 months" in rows[12]["note"]
    assert sum(m > 36 for m in table_1) == 4 and "4 of 7 is 57.1%" in rows[36]["note"]


def test_the_liver_series_extrahepatic_1_year_rows_are_flagged_against_table_2():
    by_id = {f["id"]: f for f in FIGURES}
    table_2 = [p["survival_months"] for p in PATIENTS if p["table"] == "Table 2"]
    alive_at_12 = sorted(m for m in table_2 if m > 12)
    assert [str(m) for m in alive_at_12] == ["12.5", "13.1", "25.0"]
    for key, value in (("severance-liver-07", "80.0"), ("severance-liver-09", "60.0")):
        figure = by_id[key]
        assert (figure["time_months"], str(figure["value"])) == (12, value)
        assert figure["inconsistent"]
        assert "Table 2 lists 3 of the 6" in figure["note"] and "50%" in figure["note"]


def test_soomro_survival_without_surgery_rising_from_1_to_2_years_is_flagged():
    by_id = {f["id"]: f for f in FIGURES}
    one, two = by_id["soomro-2021-02"], by_id["soomro-2021-04"]
    assert (one["arm"], one["time_months"], str(one["value"])) == ("no surgery", 12, "72.4")
    assert (two["arm"], two["time_months"], str(two["value"])) == ("no surgery", 24, "75.4")
    assert two["value"] > one["value"]
    for figure in (one, two):
        assert figure["inconsistent"]
        assert "75.4%" in figure["note"] and "72.4%" in figure["note"]


SOOMRO_RATIOS = [f"soomro-2021-{n}" for n in range(25, 32)]


@pytest.mark.parametrize("key", SOOMRO_RATIOS)
def test_a_soomro_ratio_without_a_reference_group_says_so_and_is_never_highlighted(key):
    figure = next(f for f in FIGURES if f["id"] == key)
    assert figure["measure"] == "hazard_ratio"
    assert figure["highlight"] == "never"
    assert "does not say which is the reference group" in figure["comparison"]
    assert " vs " not in figure["comparison"]
    # The passage the ratio is read from names no reference group either.
    assert "reference" not in figure["quote"].lower()


def test_the_reports_of_one_trial_name_it_and_no_other_study_does():
    trials = Counter(s["trial"] for s in STUDIES if s["trial"])
    assert {t for t, n in trials.items() if n > 1} == {"MF07-01"}
    assert {s["key"] for s in STUDIES if s["trial"] == "MF07-01"} == {"soran-2018", "soran-2021"}


def test_the_studies_own_caveats_have_known_codes_and_name_what_the_sources_say():
    caveats = {s["key"]: {c["code"]: c["text"] for c in s["caveats"]} for s in STUDIES}
    assert set(caveats["soomro-2021"]) == {"selected_patients", "immortal_time"}
    assert "counted from surgery" in caveats["soomro-2021"]["immortal_time"]
    seed = source_text("soomro-2021")
    assert "Overall survival, defined as the time from surgery to death from any cause." in seed
    liver = caveats["severance-liver"]["selected_patients"]
    assert "13 of 110" in liver and "R0" in liver and "controlled by local treatment" in liver
    assert "potential feasibility to achieve an R0 resection" in source_text("severance-liver")
    for key in ("friedel-2002", "fan-2015", "liver-review-2017"):
        assert set(caveats[key]) == {"selected_patients"}


def table_row(patient) -> str:
    """The patient's row as Table 1 or 2 of the liver series prints it."""
    her2 = "+" if patient["her2"] == "positive" else "-"
    parts = [
        str(patient["case"]),
        patient["sex"],
        str(patient["age"]),
        patient["pathology"],
        patient["grade_as_written"],
        patient["tnm"],
        patient["receptors_as_written"],
        her2,
    ]
    if patient["extrahepatic_site_as_written"]:
        parts.append(patient["extrahepatic_site_as_written"])
    parts.append("S" + ", ".join(str(s) for s in patient["liver_segments"]))
    parts += [patient["resection_as_written"], "Yes", str(patient["survival_months"])]
    return " ".join(parts)


@pytest.mark.parametrize("patient", PATIENTS, ids=[p["id"] for p in PATIENTS])
def test_each_liver_patient_is_a_row_of_the_series_tables(patient):
    assert table_row(patient) in source_text("severance-liver")
    signs = {"+": "positive", "-": "negative"}
    er, pr = patient["receptors_as_written"].split("/")
    assert (patient["er"], patient["pr"]) == (signs[er], signs[pr])


def test_the_liver_patients_add_up_to_what_the_text_says():
    assert len(PATIENTS) == 13
    assert Counter(p["group"] for p in PATIENTS) == {"liver_only": 7, "liver_and_extrahepatic": 6}
    ages = [p["age"] for p in PATIENTS]
    # The text gives 51.0 +/- 9.4 (range 39-64); the rows average 51.08.
    assert abs(statistics.mean(ages) - 51.0) < 0.1
    assert (round(statistics.stdev(ages), 1), min(ages), max(ages)) == (9.4, 39, 64)
    assert Counter(p["receptors_as_written"] for p in PATIENTS) == {
        "+/+": 6,
        "+/-": 1,
        "-/+": 1,
        "-/-": 5,
    }
    assert sum(p["her2"] == "positive" for p in PATIENTS) == 5
    assert Counter(p["grade"] for p in PATIENTS) == {"well": 7, "moderate": 3, "poor": 3}
    assert Counter(p["tnm"][:2] for p in PATIENTS) == {"T1": 4, "T2": 7, "T3": 1, "T4": 1}
    # The text says N1 in two and N2 in five; the tables (kept as printed) disagree.
    assert Counter(p["tnm"][2:4] for p in PATIENTS) == {"N0": 5, "N1": 1, "N2": 6, "N3": 1}
    assert Counter(p["extrahepatic_site"] for p in PATIENTS if p["extrahepatic_site"]) == {
        "bone": 2,
        "distant_nodes": 2,
        "brain": 1,
        "ovary": 1,
    }
    assert sum(p["resection"] == "wedge" for p in PATIENTS) == 8
    assert sum(p["rfa"] for p in PATIENTS) == 2


def test_every_pockaj_reference_is_in_the_review_and_tagged():
    seed = source_text("pockaj-2010")
    assert [r["number"] for r in REFERENCES] == list(range(1, 60))
    for ref in REFERENCES:
        assert f"{ref['number']}. {ref['number']}. {ref['citation']}" in seed
        assert ref["first_author"] in ref["citation"]
        assert str(ref["year"]) in ref["citation"]
    tags = {r["tag"] for r in REFERENCES}
    assert tags == {
        "background",
        "liver",
        "lung",
        "brain",
        "bone",
        "chest_wall",
        "ovary",
        "gastrointestinal",
        "adrenal",
        "primary_tumour_surgery",
    }
    assert next(r for r in REFERENCES if r["number"] == 32)["study"] == "friedel-2002"


def test_the_references_carry_no_figures():
    fields = {key for ref in REFERENCES for key in ref}
    assert fields == {
        "number",
        "citation",
        "first_author",
        "year",
        "tag",
        "tag_basis",
        "study",
        "note",
    }


def copy_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_the_loader_refuses_a_figure_of_an_unknown_study(tmp_path):
    target = copy_data(tmp_path)
    figures = json.loads((target / "figures.json").read_text(encoding="utf-8"))
    figures["figures"][0]["study"] = "no-such-study"
    (target / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    with pytest.raises(LibraryError, match="unknown study"):
        load_library(target)


def test_the_loader_refuses_an_arm_the_study_does_not_have(tmp_path):
    target = copy_data(tmp_path)
    figures = json.loads((target / "figures.json").read_text(encoding="utf-8"))
    figures["figures"][0]["arm"] = "placebo"
    (target / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    with pytest.raises(LibraryError, match="not an arm"):
        load_library(target)


def test_the_loader_keeps_figures_as_written():
    library = load_library()
    fan = next(f for f in library.figures if f.id == "fan-2015-02")
    assert (fan.value, fan.ci_high) == (Decimal("1.70"), Decimal("2.10"))
    assert str(fan.value) == "1.70"
