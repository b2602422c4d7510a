"""The contract's vocabulary, written out by hand from guideline-contract.md.

Kept apart from the engine's own tables on purpose: the tests compare the engine with
this independent reading of the contract.
"""

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

# Section 4, "Both categories: initial assessment". None: the kind the table gives.
WORKUP_CODES = {
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
    "RECEPTOR_REASSESSMENT": "workup",
    "HER2_ISH_CONFIRMATION": "workup",
    "PERFORMANCE_STATUS_ASSESSMENT": "workup",
    "MENOPAUSAL_STATUS_ASSESSMENT": "workup",
}

# Section 4, "Isolated local-regional recurrence".
LOCOREGIONAL_CODES = {
    "LRR_CURATIVE_INTENT": "treatment",
    "LRR_RADICAL_RESECTION": "treatment",
    "LRR_MASTECTOMY_AFTER_BCT": "treatment",
    "NEOADJUVANT_SYSTEMIC_THERAPY": "treatment",
    "NEOADJUVANT_RESPONSE_MONITORING": "monitoring",
    "LRR_ADJUVANT_SYSTEMIC": "treatment",
    "LRR_RADIOTHERAPY": "treatment",
    "WARN_PRIOR_RADIOTHERAPY": "warning",
    "WARN_UNDERTREATMENT_LRR": "warning",
    "CONTRALATERAL_MASTECTOMY_DISCUSS": "consider",
}

# Section 4, "Metastatic disease". ENDO_AI_OVARIAN_SUPPRESSION's kind depends on the case.
METASTATIC_CODES = {
    "MET_PALLIATIVE_INTENT": "treatment",
    "ENDOCRINE_FIRST_LINE": "treatment",
    "ENDO_TAMOXIFEN_OVARIAN_SUPPRESSION": "treatment",
    "ENDO_AI_OVARIAN_SUPPRESSION": ("treatment", "consider"),
    "ENDO_AROMATASE_INHIBITOR": "treatment",
    "ENDO_TAMOXIFEN_ALTERNATIVE": "consider",
    "ENDO_SECOND_LINE_OPTIONS": "info",
    "MONITOR_ENDOCRINE_RESPONSE": "monitoring",
    "WARN_NO_CHEMO_ENDOCRINE_COMBINATION": "warning",
    "WARN_STOP_INEFFECTIVE_ENDOCRINE": "warning",
    "CHEMOTHERAPY": "treatment",
    "CHEMO_SINGLE_AGENT_PREFERRED": "consider",
    "CHEMO_REGIMEN_OPTIONS": "info",
    "MONITOR_CHEMO_RESPONSE": "monitoring",
    "WARN_NO_HIGH_DOSE_CHEMO": "warning",
    "HER2_TRASTUZUMAB": "treatment",
    "HER2_CARDIAC_MONITORING": "monitoring",
    "HER2_LAPATINIB_OPTION": "consider",
    "BONE_BISPHOSPHONATE": "supportive",
    "PALLIATIVE_RADIOTHERAPY": "supportive",
    "SYMPTOM_FOCUSED_CARE": "consider",
    "SURGERY_LIMITED_METASTATIC": "consider",
    "PRIMARY_TUMOUR_SURGERY": "consider",
    "LIVER_RESECTION": "consider",
    "MONITOR_TUMOUR_MARKERS": "monitoring",
}

# Section 4, "Prognostic factors": (favourable, unfavourable).
PROGNOSTIC_PAIRS = (
    ("PF_LONG_DFI", "PF_SHORT_DFI"),
    ("PF_LIMITED_SITES", "PF_MULTIPLE_SITES"),
    ("PF_NO_VISCERAL", "PF_VISCERAL"),
    ("PF_HR_POSITIVE", "PF_HR_NEGATIVE"),
    ("PF_HER2_NEGATIVE", "PF_HER2_POSITIVE"),
)
FAVOURABLE_CODES = tuple(pair[0] for pair in PROGNOSTIC_PAIRS)
UNFAVOURABLE_CODES = tuple(pair[1] for pair in PROGNOSTIC_PAIRS)

RECOMMENDATION_KINDS = {**WORKUP_CODES, **LOCOREGIONAL_CODES, **METASTATIC_CODES}
ALL_CODES = (*RECOMMENDATION_KINDS, *FAVOURABLE_CODES, *UNFAVOURABLE_CODES)


def kind_allowed(code: str, kind: str) -> bool:
    expected = RECOMMENDATION_KINDS[code]
    return kind in expected if isinstance(expected, tuple) else kind == expected
