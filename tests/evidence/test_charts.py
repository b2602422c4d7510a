"""The evidence charts: well-formed SVG with labelled axes, every figure drawn, text kept as
text and never read as markup or mathtext."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from evidence.charts import liver_series_svg, study_figures_svg
from evidence.matching import Subgroup, load_library

SVG = "{http://www.w3.org/2000/svg}"
LIBRARY = load_library()


def figures(key):
    return LIBRARY.figures_for(key)


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(node.itertext()).strip() for node in root.iter(f"{SVG}text")]


def labels(svg: str) -> list[str]:
    """Each text as shown, a wrapped label's lines joined by a space."""
    root = ET.fromstring(svg)
    return [
        " ".join("".join(t.itertext()).strip() for t in group.iter(f"{SVG}text"))
        for group in root.iter(f"{SVG}g")
        if group.get("id", "").startswith("text_")
    ]


def panel_texts(svg: str, gid: str) -> list[str]:
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == gid)
    return ["".join(node.itertext()).strip() for node in group.iter(f"{SVG}text")]


def test_a_study_chart_is_an_svg_document_with_a_title():
    root = ET.fromstring(study_figures_svg(figures("soomro-2021"), title="Soomro figures"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Soomro figures"


def test_the_rate_panel_labels_its_axes_and_every_group():
    svg = study_figures_svg(figures("soomro-2021"))
    found = panel_texts(svg, "rates")
    assert "Percent of patients" in found
    assert "1-year overall survival (Table 2) \u2020" in found  # 72.4% then 75.4% without surgery
    assert "5-year overall survival, triple-negative" in found
    # Both arms of the triple-negative row, with their values and p value.
    assert {"90%, p=0.001", "64.5%, p=0.001"} <= set(found)
    assert {"surgery", "no surgery"} <= set(texts(svg))  # the legend of the arms


def test_every_rate_median_and_ratio_of_a_study_is_drawn_once():
    svg = study_figures_svg(figures("khan-2022"))
    assert panel_texts(svg, "rates").count("68.4%") == 1
    assert "67.9%" in panel_texts(svg, "rates")
    assert {"54.9", "53.1", "Months"} <= set(panel_texts(svg, "months"))
    ratios = panel_texts(svg, "ratios")
    assert "1.11 (90% CI 0.82\u20131.52), p=0.57" in ratios
    assert "Hazard ratio (log scale; 1 = no difference)" in ratios
    assert "Overall survival, LRT vs ST" in ratios


def test_the_ratio_axis_is_logarithmic_with_a_tick_at_one():
    svg = study_figures_svg(figures("reinhorn-2021"))
    ratios = panel_texts(svg, "ratios")
    assert {"0.1", "1", "2"} <= set(ratios)
    assert "0.36 (CI 0.14\u20130.95)" in ratios  # an interval without a stated level


def test_a_confidence_interval_is_written_beside_a_rate():
    svg = study_figures_svg(figures("fan-2015"))
    assert "46% (95% CI 43\u201349)" in panel_texts(svg, "rates")
    assert "1.70 (CI 1.37\u20132.10)" in panel_texts(svg, "ratios")  # as written, not 1.7


def test_figures_reported_inconsistently_are_marked_with_where_they_stand():
    found = labels(study_figures_svg(figures("severance-liver")))
    assert "3-year overall survival, with extrahepatic metastasis (Discussion) \u2020" in found
    assert (
        "3-year overall survival, with extrahepatic metastasis (Abstract and Results) \u2020"
        in (found)
    )
    # Table 1 has every patient of this group alive at 12 months.
    assert (
        "1-year overall survival, no extrahepatic metastasis (Abstract and Results) \u2020" in found
    )
    assert any(
        "reported inconsistently" in t for t in texts(study_figures_svg(figures("severance-liver")))
    )


def test_the_liver_series_is_drawn_per_patient_in_its_two_groups():
    svg = liver_series_svg(LIBRARY.liver_patients)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    found = panel_texts(svg, "liver-series")
    assert "Survival (months, as the tables give it)" in found
    assert "Patient" in found
    assert "Solitary liver metastasis (7)" in found
    assert "Liver and extrahepatic metastasis (6)" in found
    for patient in LIBRARY.liver_patients:
        assert str(patient.survival_months) in found
    assert "Table 1, case 7" in found
    assert "Table 2, case 4: Brain" in found
    # Solitary first, then extrahepatic.
    assert found.index("Table 1, case 7") < found.index("Table 2, case 1: Neck node")


def test_nothing_to_draw_gives_no_chart():
    assert study_figures_svg([]) == ""
    assert study_figures_svg(figures("pockaj-2010")) == ""
    proportions_only = [f for f in figures("liver-review-2017") if f.measure == "proportion"]
    assert proportions_only
    assert study_figures_svg(proportions_only) == ""
    assert liver_series_svg([]) == ""


@pytest.mark.parametrize("label", ['<script>alert("x")</script>', "a & b < c", "$\\alpha$ and $5"])
def test_text_from_the_data_is_kept_as_text(label):
    base = figures("soomro-2021")[22]  # 5-year OS, triple-negative, with surgery
    odd = dataclasses.replace(base, subgroup=Subgroup(kind="subtype", value="x", label=label))
    svg = study_figures_svg([odd], title=label)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg or "script" not in label
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == label
    assert f"5-year overall survival, {label}" in labels(svg)


def test_a_chart_is_the_same_every_time_and_needs_no_network():
    svg = study_figures_svg(figures("soomro-2021"))
    assert svg == study_figures_svg(figures("soomro-2021"))
    assert liver_series_svg(LIBRARY.liver_patients) == liver_series_svg(LIBRARY.liver_patients)
    for chart in (svg, liver_series_svg(LIBRARY.liver_patients)):
        assert "<!DOCTYPE" not in chart
        assert "<?xml" not in chart
        assert 'href="http' not in chart
        assert "<metadata" not in chart


def test_a_p_value_between_groups_is_not_written_on_a_single_groups_bar():
    found = panel_texts(study_figures_svg(figures("severance-liver")), "rates")
    # The log-rank p=0.001 compares the solitary and extrahepatic groups, drawn in two rows.
    assert "83.3%" in found and "80.0%" in found
    assert not any("p=0.001" in t for t in found)
