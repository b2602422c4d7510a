"""Contract section 1: what a case looks like, and how a bad one is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from recurrence.guideline import CaseRefused, parse_case
from tests.guideline.cases import (
    DE_NOVO,
    DROP,
    LOCOREGIONAL,
    METASTATIC,
    MINIMAL,
    TODAY,
    build,
    sites,
)
from tests.guideline.contract import ERROR_CODES, WORKUP_ITEMS


def refusal(data, today=TODAY) -> list[tuple[str, str]]:
    with pytest.raises(CaseRefused) as caught:
        parse_case(data, today=today)
    return [(e["field"], e["code"]) for e in caught.value.errors]


# (what is wrong, the case, the errors it must produce: exactly these, as (field, code))
REFUSED = [
    # required
    ("presentation missing", build(METASTATIC, presentation=DROP), [("presentation", "required")]),
    ("presentation null", build(METASTATIC, presentation=None), [("presentation", "required")]),
    (
        "recurrence date missing",
        build(METASTATIC, recurrence_date=DROP),
        [("recurrence_date", "required")],
    ),
    ("sites missing", build(METASTATIC, sites=DROP), [("sites", "required")]),
    ("sites null", build(METASTATIC, sites=None), [("sites", "required")]),
    (
        "recurrence date null",
        build(METASTATIC, recurrence_date=None),
        [("recurrence_date", "required")],
    ),
    ("sites empty", build(METASTATIC, sites=[]), [("sites", "required")]),
    (
        "a site without its name",
        build(METASTATIC, sites=[{"lesions": 2}]),
        [("sites[0].site", "required")],
    ),
    # unknown_field
    (
        "unknown key at the top",
        build(METASTATIC, favourite_colour="blue"),
        [("favourite_colour", "unknown_field")],
    ),
    (
        "unknown key inside a site",
        build(METASTATIC, sites=[{"site": "lung", "lesions": 1, "size_mm": 12}]),
        [("sites[0].size_mm", "unknown_field")],
    ),
    (
        "unknown key inside workup",
        build(METASTATIC, workup={"pet_ct": True}),
        [("workup.pet_ct", "unknown_field")],
    ),
    # invalid_choice
    (
        "presentation",
        build(METASTATIC, presentation="relapse"),
        [("presentation", "invalid_choice")],
    ),
    (
        "menopausal status",
        build(METASTATIC, menopausal_status="peri"),
        [("menopausal_status", "invalid_choice")],
    ),
    (
        "prior surgery",
        build(METASTATIC, prior_breast_surgery="lumpectomy"),
        [("prior_breast_surgery", "invalid_choice")],
    ),
    ("ER", build(METASTATIC, er="weak"), [("er", "invalid_choice")]),
    ("PR", build(METASTATIC, pr="Positive"), [("pr", "invalid_choice")]),
    ("HER2 IHC as a number", build(METASTATIC, her2_ihc=3), [("her2_ihc", "invalid_choice")]),
    ("HER2 IHC", build(METASTATIC, her2_ihc="4+"), [("her2_ihc", "invalid_choice")]),
    ("HER2 ISH", build(METASTATIC, her2_ish="equivocal"), [("her2_ish", "invalid_choice")]),
    (
        "receptors tested on",
        build(METASTATIC, receptors_tested_on="both"),
        [("receptors_tested_on", "invalid_choice")],
    ),
    (
        "site name",
        build(METASTATIC, sites=sites("lung", "spleen")),
        [("sites[1].site", "invalid_choice")],
    ),
    (
        "symptomatic site name",
        build(METASTATIC, symptomatic_sites=["lung", "spleen"]),
        [("symptomatic_sites[1]", "invalid_choice")],
    ),
    # invalid_date
    (
        "no such day",
        build(METASTATIC, recurrence_date="2023-02-29"),
        [("recurrence_date", "invalid_date")],
    ),
    (
        "not ISO",
        build(METASTATIC, primary_diagnosis_date="02/04/2018"),
        [("primary_diagnosis_date", "invalid_date")],
    ),
    (
        "unpadded month",
        build(METASTATIC, recurrence_date="2024-4-10"),
        [("recurrence_date", "invalid_date")],
    ),
    (
        "a number",
        build(METASTATIC, recurrence_date=20240410),
        [("recurrence_date", "invalid_date")],
    ),
    (
        "a trailing newline",
        build(METASTATIC, recurrence_date="2024-04-10\n"),
        [("recurrence_date", "invalid_date")],
    ),
    (
        "digits of another script",
        build(METASTATIC, recurrence_date="\u0662\u0660\u0662\u0664-\u0660\u0664-\u0661\u0660"),
        [("recurrence_date", "invalid_date")],
    ),
    (
        "a date and time",
        build(METASTATIC, recurrence_date="2024-04-10T00:00:00"),
        [("recurrence_date", "invalid_date")],
    ),
    (
        "tamoxifen end not a date",
        build(METASTATIC, prior_tamoxifen=True, tamoxifen_end_date="last spring"),
        [("tamoxifen_end_date", "invalid_date")],
    ),
    # future_date
    (
        "recurrence tomorrow",
        build(METASTATIC, recurrence_date="2026-11-23"),
        [("recurrence_date", "future_date")],
    ),
    (
        "primary next year",
        build(METASTATIC, primary_diagnosis_date="2027-01-01", recurrence_date="2027-02-01"),
        [("primary_diagnosis_date", "future_date"), ("recurrence_date", "future_date")],
    ),
    (
        "tamoxifen end tomorrow",
        build(METASTATIC, prior_tamoxifen=True, tamoxifen_end_date="2026-11-23"),
        [("tamoxifen_end_date", "future_date")],
    ),
    # date_order, both variants
    (
        "recurrence before primary",
        build(METASTATIC, primary_diagnosis_date="2020-05-02", recurrence_date="2020-05-01"),
        [("recurrence_date", "date_order")],
    ),
    (
        "tamoxifen end before primary",
        build(METASTATIC, prior_tamoxifen=True, tamoxifen_end_date="2018-04-01"),
        [("tamoxifen_end_date", "date_order")],
    ),
    # min_value / max_value
    ("age below 18", build(METASTATIC, age=17), [("age", "min_value")]),
    ("age above 120", build(METASTATIC, age=121), [("age", "max_value")]),
    ("ECOG below 0", build(METASTATIC, ecog=-1), [("ecog", "min_value")]),
    ("ECOG above 4", build(METASTATIC, ecog=5), [("ecog", "max_value")]),
    ("Ki-67 below 0", build(METASTATIC, ki67_percent=-0.5), [("ki67_percent", "min_value")]),
    ("Ki-67 above 100", build(METASTATIC, ki67_percent=100.1), [("ki67_percent", "max_value")]),
    (
        "zero lesions",
        build(METASTATIC, sites=[{"site": "lung", "lesions": 1}, {"site": "bone", "lesions": 0}]),
        [("sites[1].lesions", "min_value")],
    ),
    # duplicate_site
    (
        "a site twice",
        build(METASTATIC, sites=[{"site": "lung", "lesions": 1}, {"site": "lung", "lesions": 2}]),
        [("sites[1].site", "duplicate_site")],
    ),
    # symptomatic_site_not_present
    (
        "symptomatic site not among the sites",
        build(METASTATIC, symptomatic_sites=["lung", "bone"]),
        [("symptomatic_sites[1]", "symptomatic_site_not_present")],
    ),
    # tamoxifen_end_without_tamoxifen
    (
        "tamoxifen end, prior tamoxifen not given",
        build(METASTATIC, tamoxifen_end_date="2020-01-01"),
        [("tamoxifen_end_date", "tamoxifen_end_without_tamoxifen")],
    ),
    (
        "tamoxifen end, prior tamoxifen false",
        build(METASTATIC, prior_tamoxifen=False, tamoxifen_end_date="2020-01-01"),
        [("tamoxifen_end_date", "tamoxifen_end_without_tamoxifen")],
    ),
    # aromatase_inhibitor_end_without_aromatase_inhibitor (new in 2.0)
    (
        "aromatase inhibitor end, prior aromatase inhibitor not given",
        build(METASTATIC, aromatase_inhibitor_end_date="2020-01-01"),
        [("aromatase_inhibitor_end_date", "aromatase_inhibitor_end_without_aromatase_inhibitor")],
    ),
    (
        "aromatase inhibitor end, prior aromatase inhibitor false",
        build(
            METASTATIC, prior_aromatase_inhibitor=False, aromatase_inhibitor_end_date="2020-01-01"
        ),
        [("aromatase_inhibitor_end_date", "aromatase_inhibitor_end_without_aromatase_inhibitor")],
    ),
    (
        "aromatase inhibitor end before the primary diagnosis",
        build(
            METASTATIC,
            prior_aromatase_inhibitor=True,
            aromatase_inhibitor_end_date="2017-01-01",
        ),
        [("aromatase_inhibitor_end_date", "date_order")],
    ),
    (
        "aromatase inhibitor end in the future",
        build(
            METASTATIC, prior_aromatase_inhibitor=True, aromatase_inhibitor_end_date="2027-01-01"
        ),
        [("aromatase_inhibitor_end_date", "future_date")],
    ),
    (
        "aromatase inhibitor end not a date",
        build(METASTATIC, prior_aromatase_inhibitor=True, aromatase_inhibitor_end_date="last May"),
        [("aromatase_inhibitor_end_date", "invalid_date")],
    ),
    (
        "bulky disease not a boolean",
        build(METASTATIC, bulky_disease="yes"),
        [("bulky_disease", "wrong_type")],
    ),
    # breast_site_after_mastectomy (new in 2.0)
    (
        "in-breast site after a mastectomy",
        build(METASTATIC, prior_breast_surgery="mastectomy", sites=sites("lung", "breast")),
        [("sites[1].site", "breast_site_after_mastectomy")],
    ),
    (
        "in-breast site after a mastectomy, local-regional",
        build(METASTATIC, prior_breast_surgery="mastectomy", sites=sites("breast")),
        [("sites[0].site", "breast_site_after_mastectomy")],
    ),
    # de_novo_without_distant_site
    (
        "de novo with local-regional sites only",
        build(DE_NOVO, sites=sites("breast", "axillary_nodes")),
        [("sites", "de_novo_without_distant_site")],
    ),
    # wrong_type
    ("a list instead of an object", [METASTATIC], [("case", "wrong_type")]),
    ("a string instead of an object", "recurrence", [("case", "wrong_type")]),
    ("null instead of an object", None, [("case", "wrong_type")]),
    ("bool where an int belongs", build(METASTATIC, ecog=True), [("ecog", "wrong_type")]),
    ("bool for the age", build(METASTATIC, age=False), [("age", "wrong_type")]),
    ("a fraction for ECOG", build(METASTATIC, ecog=1.5), [("ecog", "wrong_type")]),
    ("a string for the age", build(METASTATIC, age="60"), [("age", "wrong_type")]),
    ("a string for Ki-67", build(METASTATIC, ki67_percent="12"), [("ki67_percent", "wrong_type")]),
    (
        "not a number for Ki-67",
        build(METASTATIC, ki67_percent=float("nan")),
        [("ki67_percent", "wrong_type")],
    ),
    ("bool for Ki-67", build(METASTATIC, ki67_percent=True), [("ki67_percent", "wrong_type")]),
    (
        "bool for a lesion count",
        build(METASTATIC, sites=[{"site": "lung", "lesions": True}]),
        [("sites[0].lesions", "wrong_type")],
    ),
    (
        "string for a lesion count",
        build(METASTATIC, sites=[{"site": "lung", "lesions": "2"}]),
        [("sites[0].lesions", "wrong_type")],
    ),
    (
        "int where a bool belongs",
        build(METASTATIC, prior_tamoxifen=1),
        [("prior_tamoxifen", "wrong_type")],
    ),
    (
        "string where a bool belongs",
        build(METASTATIC, visceral_crisis="no"),
        [("visceral_crisis", "wrong_type")],
    ),
    ("int for a nullable bool", build(LOCOREGIONAL, resectable=0), [("resectable", "wrong_type")]),
    (
        "null for a bool",
        build(METASTATIC, histology_confirmed=None),
        [("histology_confirmed", "wrong_type")],
    ),
    (
        "null for a choice",
        build(METASTATIC, menopausal_status=None),
        [("menopausal_status", "wrong_type")],
    ),
    ("null for workup", build(METASTATIC, workup=None), [("workup", "wrong_type")]),
    (
        "null for symptomatic sites",
        build(METASTATIC, symptomatic_sites=None),
        [("symptomatic_sites", "wrong_type")],
    ),
    ("sites not a list", build(METASTATIC, sites="lung"), [("sites", "wrong_type")]),
    ("a site not an object", build(METASTATIC, sites=["lung"]), [("sites[0]", "wrong_type")]),
    ("workup a list", build(METASTATIC, workup=["cbc"]), [("workup", "wrong_type")]),
    (
        "workup item not a bool",
        build(METASTATIC, workup={"cbc": "yes"}),
        [("workup.cbc", "wrong_type")],
    ),
    (
        "workup item an int",
        build(METASTATIC, workup={"calcium": 1}),
        [("workup.calcium", "wrong_type")],
    ),
    (
        "symptomatic sites not a list",
        build(METASTATIC, symptomatic_sites="lung"),
        [("symptomatic_sites", "wrong_type")],
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED]
)
def test_it_refuses_with_the_field_and_code(data, expected):
    assert sorted(refusal(data)) == sorted(expected)


def test_it_has_a_row_for_every_error_code_of_the_contract():
    used = {code for _, _, expected in REFUSED for _, code in expected}
    assert used == set(ERROR_CODES)


def test_it_reports_every_problem_at_once():
    data = build(
        METASTATIC,
        favourite_colour="blue",
        presentation="relapse",
        primary_diagnosis_date="2019-01-01",
        recurrence_date="2018-06-01",
        age=12,
        ecog=7,
        er="weak",
        tamoxifen_end_date="2020-01-01",
        sites=[
            {"site": "lung", "lesions": None},
            {"site": "lung", "lesions": 2},
            {"site": "bone", "lesions": 0, "size": 3},
        ],
        symptomatic_sites=["spleen"],
        workup={"cbc": "yes", "pet_ct": True},
    )
    assert sorted(refusal(data)) == sorted(
        [
            ("favourite_colour", "unknown_field"),
            ("presentation", "invalid_choice"),
            ("recurrence_date", "date_order"),
            ("age", "min_value"),
            ("ecog", "max_value"),
            ("er", "invalid_choice"),
            ("tamoxifen_end_date", "tamoxifen_end_without_tamoxifen"),
            ("sites[1].site", "duplicate_site"),
            ("sites[2].lesions", "min_value"),
            ("sites[2].size", "unknown_field"),
            ("symptomatic_sites[0]", "invalid_choice"),
            ("workup.cbc", "wrong_type"),
            ("workup.pet_ct", "unknown_field"),
        ]
    )


def test_it_finds_a_duplicate_of_a_site_whose_lesion_count_is_refused():
    data = build(METASTATIC, sites=[{"site": "lung", "lesions": 0}, {"site": "lung", "lesions": 2}])
    assert sorted(refusal(data)) == [
        ("sites[0].lesions", "min_value"),
        ("sites[1].site", "duplicate_site"),
    ]


def test_it_checks_symptomatic_sites_even_when_a_lesion_count_is_refused():
    # "All problems are reported at once": the liver is named in no site, whatever the counts.
    data = build(
        METASTATIC,
        sites=[{"site": "lung", "lesions": 0}],
        symptomatic_sites=["liver"],
    )
    assert sorted(refusal(data)) == [
        ("sites[0].lesions", "min_value"),
        ("symptomatic_sites[0]", "symptomatic_site_not_present"),
    ]


def test_it_checks_for_a_distant_site_even_when_a_lesion_count_is_refused():
    data = build(DE_NOVO, sites=[{"site": "breast", "lesions": 0}])
    assert sorted(refusal(data)) == [
        ("sites", "de_novo_without_distant_site"),
        ("sites[0].lesions", "min_value"),
    ]


def test_it_reports_both_date_orders_together():
    data = build(
        METASTATIC,
        primary_diagnosis_date="2020-01-01",
        recurrence_date="2019-01-01",
        prior_tamoxifen=True,
        tamoxifen_end_date="2019-06-01",
    )
    assert sorted(refusal(data)) == [
        ("recurrence_date", "date_order"),
        ("tamoxifen_end_date", "date_order"),
    ]


def test_it_reports_every_required_field_of_an_empty_object():
    assert sorted(refusal({})) == [
        ("presentation", "required"),
        ("recurrence_date", "required"),
        ("sites", "required"),
    ]


def test_it_gives_each_error_a_field_a_code_and_a_message():
    with pytest.raises(CaseRefused) as caught:
        parse_case(build(METASTATIC, age=200, er="weak"), today=TODAY)
    body = caught.value.as_dict()
    assert list(body) == ["errors"]
    assert len(body["errors"]) == 2
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}
        assert error["code"] in ERROR_CODES
        assert isinstance(error["message"], str) and error["message"].strip()
    assert body["errors"] == caught.value.errors


def test_it_names_the_refused_site_by_its_position():
    data = build(
        METASTATIC,
        sites=[
            {"site": "lung", "lesions": 1},
            {"site": "bone", "lesions": 1},
            {"site": "liver", "lesions": -3},
        ],
    )
    assert refusal(data) == [("sites[2].lesions", "min_value")]


# Values on the edge of what is allowed, each accepted.
ACCEPTED = [
    ("age 18", {"age": 18}),
    ("age 120", {"age": 120}),
    ("age null", {"age": None}),
    ("ECOG 0", {"ecog": 0}),
    ("ECOG 4", {"ecog": 4}),
    ("ECOG null", {"ecog": None}),
    ("Ki-67 0", {"ki67_percent": 0}),
    ("Ki-67 100", {"ki67_percent": 100}),
    ("Ki-67 a fraction", {"ki67_percent": 19.5}),
    ("Ki-67 null", {"ki67_percent": None}),
    ("one lesion", {"sites": [{"site": "lung", "lesions": 1}]}),
    ("lesions not counted", {"sites": [{"site": "lung", "lesions": None}]}),
    ("lesions left out", {"sites": [{"site": "lung"}]}),
    ("recurrence today", {"recurrence_date": "2026-11-22"}),
    ("recurrence on the day of the primary", {"recurrence_date": "2018-04-02"}),
    ("primary date null", {"primary_diagnosis_date": None}),
    ("still taking tamoxifen", {"prior_tamoxifen": True, "tamoxifen_end_date": None}),
    (
        "tamoxifen stopped on the day of the primary",
        {"prior_tamoxifen": True, "tamoxifen_end_date": "2018-04-02"},
    ),
    ("tamoxifen end date null without tamoxifen", {"tamoxifen_end_date": None}),
    ("resectable null", {"resectable": None}),
    ("systemic control null", {"systemic_disease_controlled": None}),
    ("a symptomatic site among the sites", {"symptomatic_sites": ["lung"]}),
    ("an empty workup", {"workup": {}}),
    ("a leap day", {"recurrence_date": "2024-02-29"}),
]


@pytest.mark.parametrize(
    "overrides", [row[1] for row in ACCEPTED], ids=[row[0] for row in ACCEPTED]
)
def test_it_accepts_values_on_the_edge(overrides):
    parse_case(build(METASTATIC, **overrides), today=TODAY)


def test_it_accepts_a_de_novo_case_with_a_distant_site_and_no_primary_date():
    case = parse_case(build(DE_NOVO), today=TODAY)
    assert case.presentation == "de_novo_stage_iv"


def test_it_uses_the_given_day_as_today():
    data = build(METASTATIC, recurrence_date="2026-11-23")
    assert refusal(data, today=dt.date(2026, 11, 22)) == [("recurrence_date", "future_date")]
    assert parse_case(data, today=dt.date(2026, 11, 23)).recurrence_date == dt.date(2026, 11, 23)


def test_it_applies_the_defaults_to_a_minimal_recurrence():
    case = parse_case(MINIMAL, today=TODAY)
    assert case.primary_diagnosis_date is None
    assert case.age is None
    assert case.menopausal_status == "unknown"
    assert case.prior_breast_surgery == "none"
    assert case.prior_breast_radiotherapy is False
    assert case.prior_tamoxifen is False
    assert case.tamoxifen_end_date is None
    assert case.prior_aromatase_inhibitor is False
    assert case.primary_in_situ is False
    assert case.er == "unknown"
    assert case.pr == "unknown"
    assert case.her2_ihc == "unknown"
    assert case.her2_ish == "not_done"
    assert case.ki67_percent is None
    assert case.receptors_tested_on == "primary"
    assert case.histology_confirmed is False
    assert case.ecog is None
    for flag in (
        "visceral_crisis",
        "endocrine_resistance",
        "neurological_symptoms",
        "bone_pain",
        "hypercalcaemia",
    ):
        assert getattr(case, flag) is False, flag
    assert tuple(case.symptomatic_sites) == ()
    assert case.systemic_disease_controlled is None
    assert case.resectable is None
    for item in WORKUP_ITEMS:
        assert getattr(case.workup, item) is False, item


def test_it_takes_the_primary_as_in_place_for_de_novo_by_default():
    data = {
        "presentation": "de_novo_stage_iv",
        "recurrence_date": "2024-04-10",
        "sites": sites("lung"),
    }
    assert parse_case(data, today=TODAY).primary_in_situ is True


def test_it_keeps_an_explicit_primary_in_situ():
    de_novo = {
        "presentation": "de_novo_stage_iv",
        "recurrence_date": "2024-04-10",
        "sites": sites("lung"),
    }
    assert parse_case({**de_novo, "primary_in_situ": False}, today=TODAY).primary_in_situ is False
    assert parse_case({**MINIMAL, "primary_in_situ": True}, today=TODAY).primary_in_situ is True


def test_it_fills_in_the_workup_items_not_given():
    case = parse_case(build(MINIMAL, workup={"cbc": True, "bone_scan": True}), today=TODAY)
    done = {item for item in WORKUP_ITEMS if getattr(case.workup, item)}
    assert done == {"cbc", "bone_scan"}


def test_it_keeps_the_values_given():
    data = build(
        METASTATIC,
        age=57,
        prior_tamoxifen=True,
        tamoxifen_end_date="2022-03-31",
        sites=[{"site": "lung", "lesions": 2}, {"site": "bone", "lesions": None}],
        symptomatic_sites=["bone"],
        ki67_percent=33.5,
    )
    case = parse_case(data, today=TODAY)
    assert case.age == 57
    assert case.recurrence_date == dt.date(2024, 4, 10)
    assert case.tamoxifen_end_date == dt.date(2022, 3, 31)
    assert [(s.site, s.lesions) for s in case.sites] == [("lung", 2), ("bone", None)]
    assert tuple(case.symptomatic_sites) == ("bone",)
    assert case.ki67_percent == 33.5
    assert case.workup.brain_imaging is True


def test_it_does_not_change_the_input():
    data = build(METASTATIC, symptomatic_sites=["lung"])
    before = build(data)
    parse_case(data, today=TODAY)
    assert data == before


@pytest.mark.parametrize("surgery", ["none", "breast_conserving"])
def test_section_1_an_in_breast_site_is_accepted_without_a_mastectomy(surgery):
    case = parse_case(
        build(METASTATIC, prior_breast_surgery=surgery, sites=sites("breast")), today=TODAY
    )
    assert case.site_names == ("breast",)


def test_section_1_a_chest_wall_site_after_a_mastectomy_is_accepted():
    case = parse_case(
        build(METASTATIC, prior_breast_surgery="mastectomy", sites=sites("chest_wall")), today=TODAY
    )
    assert case.site_names == ("chest_wall",)


def test_section_1_the_new_fields_are_accepted_with_their_values():
    from recurrence.guideline import parse_case

    case = parse_case(
        build(
            METASTATIC,
            prior_aromatase_inhibitor=True,
            aromatase_inhibitor_end_date="2023-05-01",
            bulky_disease=False,
            resectable=True,
        ),
        today=TODAY,
    )
    assert case.aromatase_inhibitor_end_date.isoformat() == "2023-05-01"
    assert (case.bulky_disease, case.resectable) == (False, True)
    assert parse_case(build(METASTATIC), today=TODAY).bulky_disease is None


def test_section_1_the_mastectomy_message_tells_the_coordinator_what_to_record():
    from recurrence.guideline import CaseRefused, parse_case

    with pytest.raises(CaseRefused) as refused:
        parse_case(
            build(METASTATIC, prior_breast_surgery="mastectomy", sites=sites("breast")), today=TODAY
        )
    assert "chest wall" in refused.value.errors[0]["message"]
