"""The vocabulary of a case, as fixed by the guideline contract (section 1).

Everything that forms, serializers and the command line need to know about the
shape of a case lives here, so that there is one list of sites, one list of
choices and one label per field.
"""

from __future__ import annotations

RULESET_ID = "mbc-recurrence"
RULESET_VERSION = "2.0"
RULESET_NOTE = (
    "Encodes one guideline summary (Treatment of Breast Carcinoma Recurrence, last updated "
    "2025-11-05, marked by its publisher as educational and pending human review) and one patient "
    "guide (2012, revised 2015); it is not a complete or current statement of care."
)

PRESENTATIONS = ("recurrence", "de_novo_stage_iv")
MENOPAUSAL_STATUSES = ("premenopausal", "postmenopausal", "unknown")
PRIOR_BREAST_SURGERIES = ("none", "breast_conserving", "mastectomy")
RECEPTOR_RESULTS = ("positive", "negative", "unknown")
HER2_IHC_SCORES = ("0", "1+", "2+", "3+", "unknown")
HER2_ISH_RESULTS = ("amplified", "not_amplified", "not_done")
RECEPTOR_TISSUES = ("recurrence", "primary")

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
SITES = LOCOREGIONAL_SITES + DISTANT_SITES
# Brain is deliberately absent: the contract counts it on its own.
VISCERAL_SITES = frozenset({"lung", "pleura", "liver", "peritoneum", "adrenal", "ovary"})
# Disease at these sites alone is "not easily measurable" (contract section 2).
NOT_EASILY_MEASURABLE_SITES = frozenset({"bone", "pleura", "peritoneum"})

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

KINDS = ("treatment", "consider", "workup", "monitoring", "supportive", "warning", "info")

SITE_LABELS = {
    "breast": "breast (same side)",
    "chest_wall": "chest wall",
    "axillary_nodes": "axillary nodes",
    "infraclavicular_nodes": "infraclavicular nodes",
    "supraclavicular_nodes": "supraclavicular nodes",
    "internal_mammary_nodes": "internal mammary nodes",
    "bone": "bone",
    "lung": "lung",
    "pleura": "pleura",
    "liver": "liver",
    "brain": "brain",
    "distant_nodes": "distant lymph nodes",
    "adrenal": "adrenal gland",
    "ovary": "ovary",
    "peritoneum": "peritoneum",
    "contralateral_breast": "opposite breast",
    "skin_distant": "skin (distant)",
    "other_distant": "other distant site",
}

WORKUP_LABELS = {
    "cbc": "complete blood count",
    "liver_function": "liver function tests",
    "renal_function": "renal function tests",
    "alkaline_phosphatase": "alkaline phosphatase",
    "calcium": "serum calcium",
    "chest_imaging": "chest imaging",
    "abdominal_imaging": "abdominal imaging (ultrasound or CT)",
    "bone_scan": "bone scintigraphy",
    "brain_imaging": "brain imaging (CT or MRI)",
}

FIELD_LABELS = {
    "presentation": "Presentation",
    "recurrence_date": "Recurrence date",
    "primary_diagnosis_date": "Primary diagnosis date",
    "age": "Age",
    "menopausal_status": "Menopausal status",
    "prior_breast_surgery": "Prior breast surgery",
    "prior_breast_radiotherapy": "Prior breast or chest wall radiotherapy",
    "prior_tamoxifen": "Prior tamoxifen",
    "tamoxifen_end_date": "Tamoxifen end date",
    "prior_aromatase_inhibitor": "Prior aromatase inhibitor",
    "aromatase_inhibitor_end_date": "Aromatase inhibitor end date",
    "primary_in_situ": "Primary tumour in place",
    "sites": "Sites",
    "er": "Oestrogen receptor (ER)",
    "pr": "Progesterone receptor (PR)",
    "her2_ihc": "HER2 immunohistochemistry",
    "her2_ish": "HER2 in-situ hybridisation",
    "ki67_percent": "Ki-67",
    "receptors_tested_on": "Tissue tested for receptors",
    "histology_confirmed": "Histology confirmed",
    "ecog": "ECOG performance status",
    "visceral_crisis": "Visceral crisis",
    "endocrine_resistance": "Endocrine resistance",
    "neurological_symptoms": "Neurological symptoms",
    "bone_pain": "Bone pain",
    "hypercalcaemia": "Hypercalcaemia",
    "symptomatic_sites": "Symptomatic sites",
    "systemic_disease_controlled": "Systemic disease controlled",
    "resectable": "Resectable",
    "bulky_disease": "Bulky disease",
    "workup": "Workup",
}

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
