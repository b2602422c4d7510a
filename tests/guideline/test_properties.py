"""Properties of the engine over many generated cases, valid and not."""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recurrence.guideline import RULES, SOURCES, CaseRefused, evaluate
from tests.guideline.cases import TODAY, codes
from tests.guideline.contract import (
    DISTANT_SITES,
    KIND_ORDER,
    LOCOREGIONAL_SITES,
    VISCERAL_SITES,
    WORKUP_ITEMS,
    kind_allowed,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
    "prior_aromatase_inhibitor": st.booleans(),
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

    for name, strategy in OPTIONAL.items():
        if draw(st.integers(0, 3)):
            data[name] = draw(strategy)
    return data


# --- an independent reading of the contract ----------------------------------------------


def months(start: dt.date, end: dt.date) -> int:
    count = (end.year - start.year) * 12 + end.month - start.month
    anniversary = min(start.day, calendar.monthrange(end.year, end.month)[1])
    return count if end.day >= anniversary else count - 1


def expected(data: dict) -> tuple[dict, set[str], dict[str, str]]:
    """The derived fields, the codes and the kinds the contract gives for a valid case."""
    get = data.get
    presentation = data["presentation"]
    workup = {item: False for item in WORKUP_ITEMS} | (get("workup") or {})
    er, pr = get("er", "unknown"), get("pr", "unknown")
    ihc, ish = get("her2_ihc", "unknown"), get("her2_ish", "not_done")
    ki67, ecog = get("ki67_percent"), get("ecog")
    menopausal = get("menopausal_status", "unknown")
    crisis, resistance = get("visceral_crisis", False), get("endocrine_resistance", False)
    in_situ = get("primary_in_situ", presentation == "de_novo_stage_iv")
    recurrence = dt.date.fromisoformat(data["recurrence_date"])
    primary = get("primary_diagnosis_date")

    hr = (
        "positive"
        if "positive" in (er, pr)
        else "negative"
        if (er, pr) == ("negative", "negative")
        else "unknown"
    )
    if ihc == "3+" or ish == "amplified":
        her2 = "positive"
    elif ihc in ("0", "1+") or ish == "not_amplified":
        her2 = "negative"
    elif ihc == "2+":
        her2 = "equivocal"
    else:
        her2 = "unknown"
    if hr == "unknown" or her2 not in ("positive", "negative"):
        subtype = "undetermined"
    elif hr == "negative":
        subtype = "triple_negative" if her2 == "negative" else "her2_enriched"
    elif her2 == "positive":
        subtype = "luminal_b_her2"
    elif ki67 is not None and (ki67 >= 20 or pr == "negative"):
        subtype = "luminal_b"
    elif ki67 is not None and pr == "positive":
        subtype = "luminal_a"
    else:
        subtype = "luminal_unspecified"

    names = [s["site"] for s in data["sites"]]
    distant = [n for n in names if n in DISTANT_SITES]
    metastatic = presentation == "de_novo_stage_iv" or bool(distant)
    counts = [s.get("lesions") for s in data["sites"] if s["site"] in DISTANT_SITES]
    oligo = metastatic and None not in counts and sum(counts) <= 5
    dfi = None
    if presentation == "recurrence" and primary:
        dfi = months(dt.date.fromisoformat(primary), recurrence)
    end = get("tamoxifen_end_date")
    recent_tamoxifen = bool(get("prior_tamoxifen")) and (
        end is None or months(dt.date.fromisoformat(end), recurrence) <= 12
    )

    fired = {
        "WORKUP_CBC": not workup["cbc"],
        "WORKUP_LIVER_FUNCTION": not workup["liver_function"],
        "WORKUP_RENAL_FUNCTION": not workup["renal_function"],
        "WORKUP_ALKALINE_PHOSPHATASE": not workup["alkaline_phosphatase"],
        "WORKUP_CALCIUM": not workup["calcium"],
        "WORKUP_CHEST_IMAGING": not workup["chest_imaging"],
        "WORKUP_ABDOMINAL_IMAGING": not workup["abdominal_imaging"],
        "WORKUP_BONE_SCAN": get("bone_pain", False) and not workup["bone_scan"],
        "WORKUP_BRAIN_IMAGING": get("neurological_symptoms", False) and not workup["brain_imaging"],
        "HISTOLOGY_CONFIRMATION": not get("histology_confirmed", False),
        "RECEPTOR_REASSESSMENT": (
            presentation == "recurrence" and get("receptors_tested_on", "primary") == "primary"
        )
        or "unknown" in (er, pr)
        or her2 == "unknown",
        "HER2_ISH_CONFIRMATION": her2 == "equivocal",
        "PERFORMANCE_STATUS_ASSESSMENT": ecog is None,
        "MENOPAUSAL_STATUS_ASSESSMENT": metastatic and hr == "positive" and menopausal == "unknown",
    }
    kinds = {}
    resectable = get("resectable")
    if not metastatic:
        fired |= {
            "LRR_CURATIVE_INTENT": True,
            "LRR_RADICAL_RESECTION": resectable is not False,
            "LRR_MASTECTOMY_AFTER_BCT": resectable is not False
            and "breast" in names
            and get("prior_breast_surgery") == "breast_conserving",
            "NEOADJUVANT_SYSTEMIC_THERAPY": resectable is False,
            "NEOADJUVANT_RESPONSE_MONITORING": resectable is False,
            "LRR_ADJUVANT_SYSTEMIC": True,
            "LRR_RADIOTHERAPY": not get("prior_breast_radiotherapy", False),
            "WARN_PRIOR_RADIOTHERAPY": get("prior_breast_radiotherapy", False),
            "WARN_UNDERTREATMENT_LRR": True,
            "CONTRALATERAL_MASTECTOMY_DISCUSS": "breast" in names,
        }
    else:
        endocrine = hr == "positive" and not crisis and not resistance
        chemo = hr == "negative" or resistance or crisis
        pre, post = menopausal == "premenopausal", menopausal == "postmenopausal"
        only = distant[0] if len(distant) == 1 else None
        fired |= {
            "MET_PALLIATIVE_INTENT": True,
            "ENDOCRINE_FIRST_LINE": endocrine,
            "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION": endocrine and pre and not recent_tamoxifen,
            "ENDO_AI_OVARIAN_SUPPRESSION": endocrine and pre,
            "ENDO_AROMATASE_INHIBITOR": endocrine and post,
            "ENDO_TAMOXIFEN_ALTERNATIVE": endocrine and post,
            "ENDO_SECOND_LINE_OPTIONS": endocrine and post,
            "MONITOR_ENDOCRINE_RESPONSE": endocrine,
            "WARN_NO_CHEMO_ENDOCRINE_COMBINATION": hr == "positive",
            "WARN_STOP_INEFFECTIVE_ENDOCRINE": hr == "positive" and resistance,
            "CHEMOTHERAPY": chemo,
            "CHEMO_SINGLE_AGENT_PREFERRED": chemo,
            "CHEMO_REGIMEN_OPTIONS": chemo,
            "MONITOR_CHEMO_RESPONSE": chemo,
            "WARN_NO_HIGH_DOSE_CHEMO": chemo,
            "HER2_TRASTUZUMAB": her2 == "positive",
            "HER2_CARDIAC_MONITORING": her2 == "positive",
            "HER2_LAPATINIB_OPTION": her2 == "positive",
            "BONE_BISPHOSPHONATE": "bone" in names or get("hypercalcaemia", False),
            "PALLIATIVE_RADIOTHERAPY": bool(get("symptomatic_sites")),
            "SYMPTOM_FOCUSED_CARE": ecog in (3, 4),
            "SURGERY_LIMITED_METASTATIC": oligo and (ecog is None or ecog <= 2),
            "PRIMARY_TUMOUR_SURGERY": presentation == "de_novo_stage_iv"
            and in_situ
            and get("systemic_disease_controlled") is True,
            "LIVER_RESECTION": only == "liver" and ecog in (0, 1),
            "MONITOR_TUMOUR_MARKERS": only == "bone",
        }
        kinds["ENDO_AI_OVARIAN_SUPPRESSION"] = "treatment" if recent_tamoxifen else "consider"
    wanted = {code for code, holds in fired.items() if holds}

    if dfi is not None and dfi >= 24:
        wanted.add("PF_LONG_DFI")
    if dfi is not None and dfi < 12:
        wanted.add("PF_SHORT_DFI")
    if metastatic:
        wanted.add("PF_LIMITED_SITES" if len(distant) == 1 or oligo else "PF_MULTIPLE_SITES")
        visceral = set(distant) & set(VISCERAL_SITES)
        wanted.add("PF_VISCERAL" if visceral else "PF_NO_VISCERAL")
    if hr != "unknown":
        wanted.add("PF_HR_POSITIVE" if hr == "positive" else "PF_HR_NEGATIVE")
    if her2 in ("positive", "negative"):
        wanted.add("PF_HER2_NEGATIVE" if her2 == "negative" else "PF_HER2_POSITIVE")

    derived = {
        "category": "metastatic" if metastatic else "isolated_locoregional",
        "intent": "palliative" if metastatic else "curative",
        "hr": hr,
        "her2": her2,
        "subtype": subtype,
        "oligometastatic": oligo,
        "disease_free_interval_months": dfi,
    }
    return derived, wanted, kinds


# --- properties of valid cases -----------------------------------------------------------


@SETTINGS
@given(valid_cases())
def test_it_agrees_with_an_independent_reading_of_the_contract(data):
    result = evaluate(data, today=TODAY)
    derived, wanted, kinds = expected(data)
    assert {field: result[field] for field in derived} == derived
    assert codes(result) == wanted
    for rec in result["recommendations"]:
        assert kind_allowed(rec["code"], rec["kind"]), rec["code"]
        if rec["code"] in kinds:
            assert rec["kind"] == kinds[rec["code"]], rec["code"]


@SETTINGS
@given(valid_cases())
def test_it_keeps_the_promises_of_the_result_for_every_valid_case(data):
    result = evaluate(data, today=TODAY)
    assert result["ruleset"] == {"id": "mbc-recurrence", "version": "1.0"}
    recs = result["recommendations"]

    # each code at most once
    every = [r["code"] for r in recs]
    every += result["prognosis"]["favourable"] + result["prognosis"]["unfavourable"]
    assert len(every) == len(set(every))

    # local-regional and metastatic codes never meet
    scopes = {SCOPE[r["code"]] for r in recs}
    if result["category"] == "isolated_locoregional":
        assert "metastatic" not in scopes
    else:
        assert "isolated_locoregional" not in scopes

    # every recommendation cites a known source and says why
    for rec in recs:
        assert rec["source"]["id"] in SOURCES
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
    keys = [*data, *OPTIONAL, "prior_tamoxifen", "tamoxifen_end_date", "symptomatic_sites"]
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
