"""Contract 2.0, written out a second time by hand from guideline-contract.md.

Kept apart from the engine's own tables and code on purpose: the tests compare the engine
with this independent reading of the contract. The vocabulary comes first (section 1 and 3),
then `expected()`, which derives the facts (section 2) and the codes, kinds and prognosis
(section 4) of a valid case without using any of the engine's code.
"""

import calendar
import datetime as dt

KIND_ORDER = ("treatment", "consider", "workup", "monitoring", "supportive", "warning", "info")

ERROR_CODES = (
    "required",
    "unknown_field",
    "invalid_choice",
    "invalid_date",
    "future_date",
    "date_order",
    "min_value",
    "max_value",
    "duplicate_site",
    "symptomatic_site_not_present",
    "tamoxifen_end_without_tamoxifen",
    "aromatase_inhibitor_end_without_aromatase_inhibitor",
    "breast_site_after_mastectomy",
    "de_novo_without_distant_site",
    "wrong_type",
)

SOURCE_IDS = (
    "guideline-recurrence-2025",
    "patient-guide-recurrence-2015",
    "pockaj-2010",
    "soomro-2021",
    "severance-liver",
)

LOCOREGIONAL_SITES = (
    "breast",
    "chest_wall",
    "axillary_nodes",
    "infraclavicular_nodes",
    "supraclavicular_nodes",
    "internal_mammary_nodes",
)
DISTANT_SITES = (
    "bone",
    "lung",
    "pleura",
    "liver",
    "brain",
    "distant_nodes",
    "adrenal",
    "ovary",
    "peritoneum",
    "contralateral_breast",
    "skin_distant",
    "other_distant",
)
VISCERAL_SITES = ("lung", "pleura", "liver", "peritoneum", "adrenal", "ovary")

WORKUP_ITEMS = (
    "cbc",
    "liver_function",
    "renal_function",
    "alkaline_phosphatase",
    "calcium",
    "chest_imaging",
    "abdominal_imaging",
    "bone_scan",
    "brain_imaging",
)

NOT_EASILY_MEASURABLE = ("bone", "pleura", "peritoneum")

# Section 4, "Both categories". A tuple: the kinds a code can take, depending on the case.
BOTH_CODES = {
    "WORKUP_CBC": "workup",
    "WORKUP_LIVER_FUNCTION": "workup",
    "WORKUP_RENAL_FUNCTION": "workup",
    "WORKUP_ALKALINE_PHOSPHATASE": "workup",
    "WORKUP_CALCIUM": "workup",
    "WORKUP_CHEST_IMAGING": "workup",
    "WORKUP_ABDOMINAL_IMAGING": "workup",
    "WORKUP_BONE_SCAN": "workup",
    "WORKUP_BRAIN_IMAGING": "workup",
    "HISTOLOGY_CONFIRMATION": "workup",
    "CONTRALATERAL_NEW_PRIMARY_CHECK": ("warning", "workup"),
    "RECEPTOR_REASSESSMENT": "workup",
    "HER2_ISH_CONFIRMATION": "workup",
    "PERFORMANCE_STATUS_ASSESSMENT": "workup",
    "MENOPAUSAL_STATUS_ASSESSMENT": "workup",
    "WARN_POOR_PERFORMANCE_STATUS": "warning",
    "SYMPTOM_FOCUSED_CARE": "consider",
    "SHARED_DECISION": "info",
    "PSYCHOSOCIAL_SUPPORT": "supportive",
}
# The codes of that table whose kind is always "workup".
WORKUP_CODES = {code: kind for code, kind in BOTH_CODES.items() if kind == "workup"}

# Section 4, "Isolated local-regional recurrence".
LOCOREGIONAL_CODES = {
    "LRR_CURATIVE_INTENT": ("treatment", "consider"),
    "LRR_RADICAL_RESECTION": ("treatment", "consider"),
    "LRR_MASTECTOMY_AFTER_BCT": ("treatment", "consider"),
    "NEOADJUVANT_SYSTEMIC_THERAPY": ("treatment", "consider"),
    "NEOADJUVANT_RESPONSE_MONITORING": "monitoring",
    "LRR_ADJUVANT_SYSTEMIC": ("treatment", "consider"),
    "LRR_RADIOTHERAPY": ("treatment", "consider"),
    "WARN_PRIOR_RADIOTHERAPY": "warning",
    "WARN_UNDERTREATMENT_LRR": "warning",
    "CONTRALATERAL_MASTECTOMY_DISCUSS": "consider",
}

# Section 4, "Metastatic disease".
METASTATIC_CODES = {
    "MET_PALLIATIVE_INTENT": "treatment",
    "ENDOCRINE_FIRST_LINE": "treatment",
    "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION": "treatment",
    "ENDO_AI_OVARIAN_SUPPRESSION": "consider",
    "ENDO_AROMATASE_INHIBITOR": "treatment",
    "ENDO_TAMOXIFEN_ALTERNATIVE": "consider",
    "ENDO_SECOND_LINE_OPTIONS": ("consider", "info"),
    "MONITOR_ENDOCRINE_RESPONSE": "monitoring",
    "ENDOCRINE_RESISTANCE_CHECK": "warning",
    "WARN_NO_CHEMO_ENDOCRINE_COMBINATION": "warning",
    "WARN_STOP_INEFFECTIVE_ENDOCRINE": "warning",
    "CHEMOTHERAPY": ("treatment", "consider"),
    "CHEMO_SINGLE_AGENT_PREFERRED": "consider",
    "CHEMO_RAPID_RESPONSE": "info",
    "CHEMO_REGIMEN_OPTIONS": "info",
    "CHEMO_DURATION": "info",
    "CHEMO_LATER_LINES": "info",
    "MONITOR_CHEMO_RESPONSE": "monitoring",
    "WARN_NO_HIGH_DOSE_CHEMO": "warning",
    "HER2_TRASTUZUMAB": ("treatment", "consider"),
    "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB": "warning",
    "HER2_CARDIAC_MONITORING": "monitoring",
    "HER2_LAPATINIB_OPTION": "info",
    "HR_HER2_BOTH_BRANCHES": "info",
    "BONE_BISPHOSPHONATE": "supportive",
    "PALLIATIVE_RADIOTHERAPY": "supportive",
    "SURGERY_LIMITED_METASTATIC": "consider",
    "PRIMARY_TUMOUR_SURGERY": "consider",
    "LIVER_RESECTION": "consider",
    "MONITOR_TUMOUR_MARKERS": "monitoring",
    "SYSTEMIC_CHOICE_AWAITS_RECEPTORS": "info",
}

# Section 4, "Prognostic factors": the source's favourable factors only.
PROGNOSTIC_CODES = (
    "PF_LONG_DFI",
    "PF_LIMITED_SITES",
    "PF_NO_VISCERAL",
    "PF_HR_POSITIVE",
    "PF_HER2_NEGATIVE",
)
FAVOURABLE_CODES = PROGNOSTIC_CODES
# "Codes removed" in "Changes from version 1.0".
REMOVED_CODES = (
    "PF_SHORT_DFI",
    "PF_MULTIPLE_SITES",
    "PF_VISCERAL",
    "PF_HR_NEGATIVE",
    "PF_HER2_POSITIVE",
)

RECOMMENDATION_KINDS = {**BOTH_CODES, **LOCOREGIONAL_CODES, **METASTATIC_CODES}
ALL_CODES = (*RECOMMENDATION_KINDS, *PROGNOSTIC_CODES)


def kind_allowed(code: str, kind: str) -> bool:
    expected_kind = RECOMMENDATION_KINDS[code]
    return kind in expected_kind if isinstance(expected_kind, tuple) else kind == expected_kind


# --- the second reading: a valid case in, the contract's derived fields, codes, kinds out --


def months(start: dt.date, end: dt.date) -> int:
    """Section 2, whole calendar months."""
    count = (end.year - start.year) * 12 + end.month - start.month
    anniversary = min(start.day, calendar.monthrange(end.year, end.month)[1])
    return count if end.day >= anniversary else count - 1


def expected(data: dict) -> tuple[dict, set[str], dict[str, str], dict[str, set[str]]]:
    """For a valid case: the derived result fields, the recommendation codes, the kind of
    every code, and the prognosis lists, as contract 2.0 states them."""
    get = data.get
    presentation = data["presentation"]
    workup = {item: False for item in WORKUP_ITEMS} | (get("workup") or {})
    er, pr = get("er", "unknown"), get("pr", "unknown")
    ihc, ish = get("her2_ihc", "unknown"), get("her2_ish", "not_done")
    ki67, ecog = get("ki67_percent"), get("ecog")
    menopausal = get("menopausal_status", "unknown")
    crisis = get("visceral_crisis", False)
    resistance = get("endocrine_resistance", False)
    in_situ = get("primary_in_situ", presentation == "de_novo_stage_iv")
    controlled = get("systemic_disease_controlled")
    resectable = get("resectable")
    bulky = get("bulky_disease")
    recurrence = dt.date.fromisoformat(data["recurrence_date"])
    primary = get("primary_diagnosis_date")

    # section 2
    if er == "positive" or pr == "positive":
        hr = "positive"
    elif er == "negative" and pr == "negative":
        hr = "negative"
    else:
        hr = "unknown"
    if ihc == "3+" or ish == "amplified":
        her2 = "positive"
    elif ihc in ("0", "1+") or ish == "not_amplified":
        her2 = "negative"
    elif ihc == "2+" and ish == "not_done":
        her2 = "equivocal"
    else:
        her2 = "unknown"
    her2_confirmed = her2 == "positive" and ish == "amplified"
    if hr == "unknown" or her2 in ("unknown", "equivocal"):
        subtype = "undetermined"
    elif hr == "negative":
        subtype = "her2_enriched" if her2 == "positive" else "triple_negative"
    elif her2 == "positive":
        subtype = "luminal_b_her2"
    elif pr == "negative" or (ki67 is not None and ki67 >= 20):
        subtype = "luminal_b"
    elif pr == "positive" and ki67 is not None and ki67 < 20:
        subtype = "luminal_a"
    else:
        subtype = "luminal_unspecified"

    names = [s["site"] for s in data["sites"]]
    distant = [n for n in names if n in DISTANT_SITES]
    metastatic = not (presentation == "recurrence" and all(n in LOCOREGIONAL_SITES for n in names))
    counts = [s.get("lesions") for s in data["sites"] if s["site"] in DISTANT_SITES]
    counted = sum(c for c in counts if c is not None)
    oligo = metastatic and all(c is not None for c in counts) and counted <= 5
    staged = workup["chest_imaging"] and workup["abdominal_imaging"]
    contralateral_alone = distant == ["contralateral_breast"]
    fit = (
        oligo
        and staged
        and not crisis
        and bulky is not True
        and ecog is not None
        and ecog <= 2
        and controlled is not True
        and not contralateral_alone
    )
    poor = ecog in (3, 4)
    hard_to_measure = metastatic and bool(distant) and set(distant) <= set(NOT_EASILY_MEASURABLE)
    dfi = None
    if presentation == "recurrence" and primary:
        dfi = months(dt.date.fromisoformat(primary), recurrence)

    def recent(taken_key: str, end_key: str) -> bool:
        end = get(end_key)
        return bool(get(taken_key)) and (
            end is None or months(dt.date.fromisoformat(end), recurrence) <= 12
        )

    recent_tam = recent("prior_tamoxifen", "tamoxifen_end_date")
    recent_ai = recent("prior_aromatase_inhibitor", "aromatase_inhibitor_end_date")

    # section 4, both categories
    kinds: dict[str, str] = {}
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
        "CONTRALATERAL_NEW_PRIMARY_CHECK": "contralateral_breast" in names,
        "RECEPTOR_REASSESSMENT": (
            presentation == "recurrence" and get("receptors_tested_on", "primary") == "primary"
        )
        or er == "unknown"
        or pr == "unknown"
        or her2 == "unknown",
        "HER2_ISH_CONFIRMATION": her2 == "equivocal" or (her2 == "positive" and not her2_confirmed),
        "PERFORMANCE_STATUS_ASSESSMENT": ecog is None,
        "MENOPAUSAL_STATUS_ASSESSMENT": metastatic and hr == "positive" and menopausal == "unknown",
        "WARN_POOR_PERFORMANCE_STATUS": poor,
        "SYMPTOM_FOCUSED_CARE": poor,
        "SHARED_DECISION": True,
        "PSYCHOSOCIAL_SUPPORT": True,
    }
    kinds["CONTRALATERAL_NEW_PRIMARY_CHECK"] = "warning" if contralateral_alone else "workup"

    if not metastatic:
        treatment = "consider" if poor else "treatment"
        fired |= {
            "LRR_CURATIVE_INTENT": True,
            "LRR_RADICAL_RESECTION": resectable is not False,
            "LRR_MASTECTOMY_AFTER_BCT": resectable is not False
            and "breast" in names
            and get("prior_breast_surgery") == "breast_conserving"
            and get("prior_breast_radiotherapy", False),
            "NEOADJUVANT_SYSTEMIC_THERAPY": resectable is False,
            "NEOADJUVANT_RESPONSE_MONITORING": resectable is False,
            "LRR_ADJUVANT_SYSTEMIC": True,
            "LRR_RADIOTHERAPY": not get("prior_breast_radiotherapy", False),
            "WARN_PRIOR_RADIOTHERAPY": get("prior_breast_radiotherapy", False),
            "WARN_UNDERTREATMENT_LRR": not poor,
            "CONTRALATERAL_MASTECTOMY_DISCUSS": "breast" in names,
        }
        for code, kind in LOCOREGIONAL_CODES.items():
            kinds[code] = treatment if isinstance(kind, tuple) else kind
    else:
        endocrine = hr == "positive" and not crisis and not resistance
        chemo = hr == "negative" or resistance or crisis
        pre = menopausal == "premenopausal"
        post = menopausal == "postmenopausal"
        fired |= {
            "MET_PALLIATIVE_INTENT": True,
            "ENDOCRINE_FIRST_LINE": endocrine,
            "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION": endocrine and pre and not recent_tam,
            "ENDO_AI_OVARIAN_SUPPRESSION": endocrine and pre and not recent_ai,
            "ENDO_AROMATASE_INHIBITOR": endocrine and post and not recent_ai,
            "ENDO_TAMOXIFEN_ALTERNATIVE": endocrine and post and not recent_tam,
            "ENDO_SECOND_LINE_OPTIONS": endocrine and post,
            "MONITOR_ENDOCRINE_RESPONSE": endocrine,
            "ENDOCRINE_RESISTANCE_CHECK": endocrine and (pre or post) and recent_tam and recent_ai,
            "WARN_NO_CHEMO_ENDOCRINE_COMBINATION": hr == "positive",
            "WARN_STOP_INEFFECTIVE_ENDOCRINE": hr == "positive" and resistance,
            "CHEMOTHERAPY": chemo,
            "CHEMO_SINGLE_AGENT_PREFERRED": chemo and not crisis,
            "CHEMO_RAPID_RESPONSE": chemo and crisis,
            "CHEMO_REGIMEN_OPTIONS": chemo,
            "CHEMO_DURATION": chemo,
            "CHEMO_LATER_LINES": chemo,
            "MONITOR_CHEMO_RESPONSE": chemo,
            "WARN_NO_HIGH_DOSE_CHEMO": chemo,
            "HER2_TRASTUZUMAB": her2 == "positive",
            "WARN_NO_ANTHRACYCLINE_WITH_TRASTUZUMAB": her2 == "positive",
            "HER2_CARDIAC_MONITORING": her2 == "positive",
            "HER2_LAPATINIB_OPTION": her2 == "positive",
            "HR_HER2_BOTH_BRANCHES": hr == "positive" and her2 == "positive",
            "BONE_BISPHOSPHONATE": "bone" in names or get("hypercalcaemia", False),
            "PALLIATIVE_RADIOTHERAPY": bool(get("symptomatic_sites"))
            or ("brain" in names and get("neurological_symptoms", False))
            or ("bone" in names and get("bone_pain", False)),
            "SURGERY_LIMITED_METASTATIC": fit and resectable is not False,
            "PRIMARY_TUMOUR_SURGERY": presentation == "de_novo_stage_iv"
            and in_situ
            and controlled is True
            and not crisis
            and ecog is not None
            and ecog <= 2,
            "LIVER_RESECTION": distant == ["liver"]
            and fit
            and ecog in (0, 1)
            and resectable is not False,
            "MONITOR_TUMOUR_MARKERS": hard_to_measure,
            "SYSTEMIC_CHOICE_AWAITS_RECEPTORS": hr == "unknown" and not crisis and not resistance,
        }
        for code, kind in METASTATIC_CODES.items():
            if not isinstance(kind, tuple):
                kinds[code] = kind
        kinds["ENDO_SECOND_LINE_OPTIONS"] = "consider" if recent_ai else "info"
        kinds["CHEMOTHERAPY"] = "consider" if poor else "treatment"
        kinds["HER2_TRASTUZUMAB"] = "treatment" if her2_confirmed else "consider"
    for code, kind in BOTH_CODES.items():
        if not isinstance(kind, tuple):
            kinds[code] = kind
    wanted = {code for code, holds in fired.items() if holds}

    # section 4, prognostic factors
    prognosis: dict[str, set[str]] = {"favourable": set(), "absent": set(), "unknown": set()}

    def file(code: str, favourable: bool, absent: bool) -> None:
        prognosis["favourable" if favourable else "absent" if absent else "unknown"].add(code)

    if presentation == "recurrence":
        file("PF_LONG_DFI", dfi is not None and dfi >= 24, dfi is not None and dfi < 24)
    if metastatic:
        file("PF_LIMITED_SITES", oligo and staged and bulky is False, counted > 5 or bulky is True)
        seen = bool(set(distant) & set(VISCERAL_SITES)) or "brain" in distant
        file("PF_NO_VISCERAL", staged and not seen, seen)
    file("PF_HR_POSITIVE", hr == "positive", hr == "negative")
    file("PF_HER2_NEGATIVE", her2 == "negative", her2 == "positive")

    derived = {
        "category": "metastatic" if metastatic else "isolated_locoregional",
        "intent": "palliative" if metastatic else "curative",
        "hr": hr,
        "her2": her2,
        "subtype": subtype,
        "oligometastatic": oligo,
        "disease_free_interval_months": dfi,
    }
    return derived, wanted, kinds, prognosis
