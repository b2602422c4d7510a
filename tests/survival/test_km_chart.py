"""The Kaplan-Meier chart: well-formed SVG with its labels, numbers at risk and no network."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from evidence.survival import kaplan_meier
from outcomes.charts import default_ticks, km_svg
from tests.survival.freireich import MP_EVENTS, MP_TIMES, PLACEBO_EVENTS, PLACEBO_TIMES

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def curves():
    return [
        kaplan_meier(MP_TIMES, MP_EVENTS, label="6-MP"),
        kaplan_meier(PLACEBO_TIMES, PLACEBO_EVENTS, label="Placebo"),
    ]


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(node.itertext()).strip() for node in root.iter(f"{SVG}text")]


def at_risk_table(svg: str) -> list[list[str]]:
    """The table's rows, each its label then its counts, from the ids of the SVG groups:
    at-risk (the heading), at-risk-ROW (a label) and at-risk-ROW-COLUMN (a count)."""
    root = ET.fromstring(svg)
    cells = {
        group.get("id"): "".join(group.itertext()).strip()
        for group in root.iter(f"{SVG}g")
        if group.get("id", "").startswith("at-risk")
    }
    assert cells.pop("at-risk") == "Number at risk"
    rows: dict[int, dict[int, str]] = {}
    for key, text in cells.items():
        row, _, column = key.removeprefix("at-risk-").partition("-")
        rows.setdefault(int(row), {})[int(column) if column else -1] = text
    return [[row[c] for c in sorted(row)] for _, row in sorted(rows.items())]


def test_it_is_an_svg_document(curves):
    root = ET.fromstring(km_svg(curves, title="Remission", time_label="Weeks"))
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Remission"


def test_it_labels_the_axes_and_the_groups(curves):
    found = texts(km_svg(curves, title="Remission"))
    assert "Survival probability" in found
    assert "Months" in found
    assert "6-MP (n=21, 9 events, median 23.0)" in found
    assert "Placebo (n=21, 21 events, median 8.0)" in found


def test_the_numbers_at_risk_sit_under_the_axis(curves):
    table = at_risk_table(km_svg(curves, title="Remission", at_risk_times=[0, 10, 20, 30]))
    # Followed for at least 0, 10, 20 and 30 weeks.
    assert table == [
        ["6-MP", "21", "15", "8", "4"],
        ["Placebo", "21", "8", "2", "0"],
    ]


def test_a_group_too_small_is_named_with_its_message(curves):
    single = kaplan_meier([4], [1], label="Other")
    svg = km_svg([*curves, single], title="Remission", at_risk_times=[0, 10])
    assert "Other (n=1): Too few patients to estimate (n=1)." in texts(svg)
    assert at_risk_table(svg)[2] == ["Other", "1", "0"]


def test_it_is_the_same_every_time_and_needs_no_network(curves):
    svg = km_svg(curves, title="Remission")
    assert svg == km_svg(curves, title="Remission")
    assert "<!DOCTYPE" not in svg
    assert "<?xml" not in svg
    assert 'href="http' not in svg
    assert "@font-face" not in svg
    assert "<metadata" not in svg


def test_long_group_names_are_shortened_in_the_table_only():
    name = "Triple-negative after surgery of the primary"
    svg = km_svg([kaplan_meier(MP_TIMES, MP_EVENTS, label=name)], title="OS")
    assert at_risk_table(svg)[0][0] == "Triple-negative aft\u2026"
    assert f"{name} (n=21, 9 events, median 23.0)" in texts(svg)


def test_the_title_is_escaped(curves):
    root = ET.fromstring(km_svg(curves, title="OS <5 years & more"))
    assert root.find(f"{SVG}title").text == "OS <5 years & more"


def test_default_ticks_are_round_months():
    assert default_ticks(35) == [0, 6, 12, 18, 24, 30]
    assert default_ticks(100) == [0, 24, 48, 72, 96]
    assert default_ticks(0) == [0]
