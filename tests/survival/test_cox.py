"""Cox proportional hazards: known effects on synthetic data, dummy coding, and too little data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evidence.survival import InvalidSurvivalData, cox
from tests.survival.freireich import rows

SUBTYPE_HAZARD = {"HR+/HER2-": 1.0, "HER2+": 1.5, "Triple-negative": 3.0}


def synthetic(size=3000, seed=1) -> pd.DataFrame:
    """Exponential survival: hazard 0.02 a month, doubled by surgery-free status, times
    exp(0.03) per year of age over 60, times the subtype's factor; censored at 0-60 months."""
    rng = np.random.default_rng(seed)
    no_surgery = rng.integers(0, 2, size)
    age = rng.normal(60, 10, size)
    subtype = rng.choice(list(SUBTYPE_HAZARD), size)
    hazard = 0.02 * 2.0**no_surgery * np.exp(0.03 * (age - 60))
    hazard *= np.array([SUBTYPE_HAZARD[s] for s in subtype])
    death = rng.exponential(1 / hazard)
    censor = rng.uniform(0, 60, size)
    return pd.DataFrame(
        {
            "months": np.minimum(death, censor),
            "died": (death <= censor).astype(int),
            "no_surgery": no_surgery,
            "age": age,
            "subtype": subtype,
        }
    )


def test_it_recovers_a_known_hazard_ratio():
    result = cox(synthetic(), "months", "died", ["no_surgery", "age"])
    assert result.message is None
    term = result.term("no_surgery")
    assert term.hazard_ratio == pytest.approx(2.0, rel=0.12)
    assert term.ci_low < 2.0 < term.ci_high
    assert term.p < 1e-6
    assert result.term("age").hazard_ratio == pytest.approx(math.exp(0.03), rel=0.01)


def test_it_points_the_right_way_when_the_effect_is_protective():
    frame = synthetic()
    frame["surgery"] = 1 - frame["no_surgery"]
    term = cox(frame, "months", "died", ["surgery"]).term("surgery")
    assert term.hazard_ratio < 1
    assert term.ci_high < 1


def test_a_categorical_covariate_is_dummy_coded_against_its_first_level():
    result = cox(synthetic(), "months", "died", ["subtype", "no_surgery"])
    # Sorted by text, "HER2+" comes first and is the reference.
    names = [t.name for t in result.terms]
    assert names == [
        "subtype: HR+/HER2- vs HER2+",
        "subtype: Triple-negative vs HER2+",
        "no_surgery",
    ]
    assert result.term("subtype: Triple-negative vs HER2+").hazard_ratio == pytest.approx(
        3.0 / 1.5, rel=0.15
    )


def test_the_reference_level_can_be_named():
    result = cox(synthetic(), "months", "died", ["subtype"], reference={"subtype": "HR+/HER2-"})
    triple = result.term("subtype: Triple-negative vs HR+/HER2-")
    assert (triple.covariate, triple.level, triple.reference) == (
        "subtype",
        "Triple-negative",
        "HR+/HER2-",
    )
    assert triple.hazard_ratio == pytest.approx(3.0, rel=0.12)
    assert result.term("subtype: HER2+ vs HR+/HER2-").hazard_ratio == pytest.approx(1.5, rel=0.15)


def test_a_reference_level_that_does_not_occur_is_refused():
    with pytest.raises(InvalidSurvivalData) as caught:
        cox(synthetic(), "months", "died", ["subtype"], reference={"subtype": "Luminal C"})
    assert caught.value.code == "bad_reference"
    assert caught.value.column == "subtype"


def test_freireich_textbook_value():
    # 6-MP against placebo with Efron's ties: HR 4.82 for placebo (R coxph: coef 1.572).
    frame = pd.DataFrame(rows(), columns=["drug", "weeks", "relapsed"])
    result = cox(frame, "weeks", "relapsed", ["drug"])
    term = result.term("drug: Placebo vs 6-MP")
    assert term.hazard_ratio == pytest.approx(4.817, abs=5e-3)
    assert term.p == pytest.approx(1.4e-4, rel=0.05)


def test_too_few_events_gives_a_message():
    frame = pd.DataFrame({"months": [3, 5, 8, 9], "died": [1, 0, 0, 0], "age": [50, 60, 70, 80]})
    result = cox(frame, "months", "died", ["age"])
    assert result.terms == ()
    assert (
        result.message == "Too few events for a Cox model (1 event; at least 2 needed for 1 term)."
    )


def test_more_terms_than_events_gives_a_message():
    frame = synthetic(size=40).head(6)
    frame["died"] = [1, 1, 0, 0, 0, 0]
    result = cox(frame, "months", "died", ["subtype", "age"])
    assert result.message.startswith("Too few events for a Cox model (2 events; at least 3")


def test_a_covariate_without_variance_gives_a_message():
    frame = synthetic(size=200)
    frame["sex"] = "female"
    result = cox(frame, "months", "died", ["sex"])
    assert result.message == (
        "Covariate 'sex' has the same value for every patient: "
        "its hazard ratio cannot be estimated."
    )


def test_a_level_without_events_gives_a_message_naming_it():
    frame = synthetic(size=300)
    frame.loc[frame["subtype"] == "HER2+", "died"] = 0
    result = cox(frame, "months", "died", ["subtype"], reference={"subtype": "HR+/HER2-"})
    assert result.message == (
        "No events among patients with subtype 'HER2+': "
        "the hazard ratios of 'subtype' cannot be estimated."
    )


def test_a_reference_level_without_events_gives_a_message_naming_it():
    frame = synthetic(size=300)
    frame.loc[frame["subtype"] == "HR+/HER2-", "died"] = 0
    result = cox(frame, "months", "died", ["subtype"], reference={"subtype": "HR+/HER2-"})
    assert result.message.startswith("No events among patients with subtype 'HR+/HER2-'")


@pytest.mark.filterwarnings("ignore::lifelines.exceptions.ConvergenceWarning")
def test_a_covariate_that_separates_events_gives_a_message():
    frame = synthetic(size=200)
    frame["marker"] = frame["died"].astype(float)
    result = cox(frame, "months", "died", ["marker"])
    assert result.terms == ()
    assert result.message.startswith("The Cox model did not converge")


def test_few_events_per_term_carry_a_note():
    result = cox(synthetic(size=60, seed=4), "months", "died", ["no_surgery", "age", "subtype"])
    assert result.message is None
    assert result.note.startswith("Fewer than 10 events per model term")


@pytest.mark.parametrize(
    ("change", "column", "code"),
    [
        ({"age": np.nan}, "age", "missing_value"),
        ({"months": -1.0}, "months", "negative_time"),
        ({"died": 3}, "died", "bad_event"),
    ],
)
def test_malformed_input_is_refused_naming_the_column(change, column, code):
    frame = synthetic(size=50)
    for name, value in change.items():
        frame.loc[7, name] = value
    with pytest.raises(InvalidSurvivalData) as caught:
        cox(frame, "months", "died", ["age"])
    assert (caught.value.column, caught.value.code) == (column, code)


def test_a_missing_column_is_named():
    with pytest.raises(InvalidSurvivalData) as caught:
        cox(synthetic(size=50), "months", "died", ["ecog"])
    assert caught.value.code == "missing_column"
    assert "'ecog'" in str(caught.value)


def test_results_are_plain_python_data():
    data = cox(synthetic(size=300), "months", "died", ["no_surgery"]).as_dict()
    (term,) = data["terms"]
    assert set(term) == {"name", "covariate", "level", "reference", "hazard_ratio", "ci", "p"}
    assert all(type(v) is float for v in [term["hazard_ratio"], *term["ci"], term["p"]])
    assert type(data["concordance"]) is float
