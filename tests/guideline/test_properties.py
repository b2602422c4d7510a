"""Properties of the engine over many generated cases, valid and not."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recurrence.guideline import RULES, SOURCES, CaseRefused, evaluate
from tests.guideline.cases import TODAY
from tests.guideline.contract import (
    DISTANT_SITES,
    KIND_ORDER,
    LOCOREGIONAL_SITES,
    PROGNOSTIC_CODES,
    REMOVED_CODES,
    WORKUP_ITEMS,
    expected,
    kind_allowed,
)

SETTINGS = settings(
    max_examples=int(os.environ.get("MBC_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EARLIEST = dt.date(1980, 1, 1)
SCOPE = {rule.code: rule.scope for rule in RULES}
# The sites that several rules single out come up more often.
DISTANT = st.sampled_from(DISTANT_SITES) | st.sampled_from(["liver", "bone", "lung", "brain"])
MOSTLY_FALSE = st.sampled_from([False, False, False, True])

OPTIONAL = {
    "age": st.none() | st.integers(18, 120),
    "menopausal_status": st.sampled_from(["premenopausal", "postmenopausal", "unknown"]),
    "prior_breast_surgery": st.sampled_from(["none", "breast_conserving", "mastectomy"]),
    "prior_breast_radiotherapy": st.booleans(),
    "bulky_disease": st.none() | st.booleans(),
    "primary_in_situ": st.booleans(),
    "er": st.sampled_from(["positive", "negative", "unknown"]),
    "pr": st.sampled_from(["positive", "negative", "unknown"]),
    "her2_ihc": st.sampled_from(["0", "1+", "2+", "3+", "unknown"]),
    "her2_ish": st.sampled_from(["amplified", "not_amplified", "not_done"]),
    "ki67_percent": st.none()
    | st.integers(0, 100)
    | st.sampled_from([19.9, 20.0, 20])
    | st.floats(0, 100, allow_nan=False),
    "receptors_tested_on": st.sampled_from(["recurrence", "primary"]),
    "histology_confirmed": st.booleans(),
    "ecog": st.none() | st.integers(0, 4) | st.sampled_from([0, 1]),
    "visceral_crisis": MOSTLY_FALSE,
    "endocrine_resistance": MOSTLY_FALSE,
    "neurological_symptoms": st.booleans(),
    "bone_pain": st.booleans(),
    "hypercalcaemia": st.booleans(),
    "systemic_disease_controlled": st.none() | st.booleans(),
    "resectable": st.none() | st.booleans(),
    "workup": st.fixed_dictionaries({}, optional={item: st.booleans() for item in WORKUP_ITEMS}),
}


@st.composite
def valid_cases(draw) -> dict:
    presentation = draw(st.sampled_from(["recurrence", "de_novo_stage_iv"]))
    data: dict = {"presentation": presentation}
    primary = draw(st.none() | st.dates(EARLIEST, TODAY))
    if primary is not None or draw(st.booleans()):
        data["primary_diagnosis_date"] = primary.isoformat() if primary else None
    data["recurrence_date"] = draw(st.dates(primary or EARLIEST, TODAY)).isoformat()

    pattern = draw(st.sampled_from(["local-regional", "distant", "mixed"]))
    if presentation == "recurrence" and pattern == "local-regional":
        names = draw(
            st.lists(st.sampled_from(LOCOREGIONAL_SITES), min_size=1, max_size=3, unique=True)
        )
    else:
        names = draw(st.lists(DISTANT, min_size=1, max_size=3, unique=True))
        if pattern == "mixed":
            names += draw(st.lists(st.sampled_from(LOCOREGIONAL_SITES), max_size=2, unique=True))
        names = draw(st.permutations(names))
    data["sites"] = []
    for name in names:
        site = {"site": name}
        if draw(st.integers(0, 9)):
            site["lesions"] = draw(st.none() | st.integers(1, 4))
        data["sites"].append(site)
    if draw(st.booleans()):
        data["symptomatic_sites"] = draw(st.lists(st.sampled_from(names), unique=True))

    if draw(st.booleans()):
        data["prior_tamoxifen"] = draw(st.booleans())
    if data.get("prior_tamoxifen") and draw(st.booleans()):
        end = draw(st.none() | st.dates(primary or EARLIEST, TODAY))
        data["tamoxifen_end_date"] = end.isoformat() if end else None
    elif draw(st.integers(0, 9)) == 0:
        data["tamoxifen_end_date"] = None
    if draw(st.booleans()):
        data["prior_aromatase_inhibitor"] = draw(st.booleans())
    if data.get("prior_aromatase_inhibitor") and draw(st.booleans()):
        # near the 12-month limit as often as not
        recurrence = dt.date.fromisoformat(data["recurrence_date"])
        end = draw(
            st.none()
            | st.dates(primary or EARLIEST, recurrence)
            | st.integers(11, 14).map(lambda m: recurrence - dt.timedelta(days=round(m * 30.44)))
        )
        if end is not None and primary is not None and end < primary:
            end = primary
        data["aromatase_inhibitor_end_date"] = end.isoformat() if end else None
    elif draw(st.integers(0, 9)) == 0:
        data["aromatase_inhibitor_end_date"] = None

    for name, strategy in OPTIONAL.items():
        if draw(st.integers(0, 3)):
            data[name] = draw(strategy)
    # Section 1: an in-breast site after a mastectomy is refused; valid cases avoid it.
    if "breast" in names and data.get("prior_breast_surgery") == "mastectomy":
        data["prior_breast_surgery"] = draw(st.sampled_from(["none", "breast_conserving"]))
    return data


# --- properties of valid cases -----------------------------------------------------------


@SETTINGS
@given(valid_cases())
def test_it_agrees_with_an_independent_reading_of_the_contract(data):
    """Sections 2 and 4 of contract 2.0, against tests/guideline/contract.py."""
    result = evaluate(data, today=TODAY)
    derived, wanted, kinds, prognosis = expected(data)
    assert {field: result[field] for field in derived} == derived
    assert {r["code"] for r in result["recommendations"]} == wanted
    for rec in result["recommendations"]:
        assert kind_allowed(rec["code"], rec["kind"]), rec["code"]
        assert rec["kind"] == kinds[rec["code"]], rec["code"]
    assert {name: set(codes) for name, codes in result["prognosis"].items()} == prognosis


@SETTINGS
@given(valid_cases())
def test_it_keeps_the_promises_of_the_result_for_every_valid_case(data):
    result = evaluate(data, today=TODAY)
    """Section 3 of contract 2.0: the result's shape and order, for every valid case."""
    assert result["ruleset"]["id"] == "mbc-recurrence"
    assert result["ruleset"]["version"] == "2.0"
    assert len(result["ruleset"]["note"]) >= 40
    recs = result["recommendations"]

    # each code at most once; each prognostic factor in at most one list
    every = [r["code"] for r in recs]
    every += [c for name in ("favourable", "absent", "unknown") for c in result["prognosis"][name]]
    assert len(every) == len(set(every))
    assert set(result["prognosis"]) == {"favourable", "absent", "unknown"}
    assert set(every) & set(REMOVED_CODES) == set()
    assert {c for c in every if c.startswith("PF_")} <= set(PROGNOSTIC_CODES)

    # local-regional and metastatic codes never meet
    scopes = {SCOPE[r["code"]] for r in recs}
    if result["category"] == "isolated_locoregional":
        assert "metastatic" not in scopes
    else:
        assert "isolated_locoregional" not in scopes

    # every recommendation cites a known source and says why
    for rec in recs:
        assert rec["source"]["id"] in SOURCES
        assert len(rec["source"]["passage"]) >= 25
        assert rec["title"] and rec["detail"] and rec["rule"]
        assert rec["because"] and all(isinstance(r, str) and r for r in rec["because"])

    # by kind in the contract's order, then by rule
    keys = [(KIND_ORDER.index(r["kind"]), r["rule"]) for r in recs]
    assert keys == sorted(keys)


@SETTINGS
@given(valid_cases())
def test_it_gives_the_same_result_for_the_same_case(data):
    first = evaluate(data, today=TODAY)
    assert evaluate(copy.deepcopy(data), today=TODAY) == first
    assert evaluate(json.loads(json.dumps(data)), today=TODAY) == first
    assert json.loads(json.dumps(first)) == first


# --- garbage -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["2024-02-30", "2024-04-10", "2030-01-01", "lung", "positive", "2+", ""]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["site", "lesions", "cbc", "sites", "er"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@st.composite
def damaged_cases(draw) -> dict:
    """A valid case with some of its values, or those of its sites or workup, replaced."""
    data = draw(valid_cases())
    keys = [
        *data,
        *OPTIONAL,
        "prior_tamoxifen",
        "tamoxifen_end_date",
        "prior_aromatase_inhibitor",
        "aromatase_inhibitor_end_date",
        "symptomatic_sites",
    ]
    for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3)):
        data[key] = draw(json_values)
    if isinstance(data.get("sites"), list) and data["sites"] and draw(st.booleans()):
        i = draw(st.integers(0, len(data["sites"]) - 1))
        target = data["sites"][i]
        if isinstance(target, dict):
            target[draw(st.sampled_from(["site", "lesions", "extra"]))] = draw(json_values)
    if draw(st.booleans()):
        data[draw(st.text(max_size=8))] = draw(json_values)
    return data


def evaluate_or_refuse(data):
    try:
        result = evaluate(data, today=TODAY)
    except CaseRefused as refused:
        assert refused.errors
        for error in refused.errors:
            assert isinstance(error["field"], str)
            assert isinstance(error["code"], str) and isinstance(error["message"], str)
        return None
    assert isinstance(result, dict)
    return result


@SETTINGS
@given(json_values)
def test_it_refuses_garbage_with_case_refused_only(data):
    evaluate_or_refuse(data)


@SETTINGS
@given(st.from_type(dict) | st.from_type(list) | st.from_type(str))
def test_it_refuses_values_of_any_type_with_case_refused_only(data):
    evaluate_or_refuse(data)


@settings(SETTINGS, max_examples=200)
@given(damaged_cases())
def test_it_refuses_damaged_cases_with_case_refused_only(data):
    evaluate_or_refuse(data)
