"""The five patients the evidence panel is judged on, as contract case bodies."""

from __future__ import annotations

STAGED = {"chest_imaging": True, "abdominal_imaging": True, "cbc": True, "liver_function": True}

SOLITARY_LIVER = {
    "presentation": "recurrence",
    "recurrence_date": "2024-06-10",
    "primary_diagnosis_date": "2018-02-01",
    "age": 55,
    "menopausal_status": "postmenopausal",
    "er": "positive",
    "pr": "positive",
    "her2_ihc": "1+",
    "ki67_percent": 10,
    "receptors_tested_on": "recurrence",
    "histology_confirmed": True,
    "ecog": 0,
    "resectable": True,
    "bulky_disease": False,
    "sites": [{"site": "liver", "lesions": 1}],
    "workup": STAGED,
}

VISCERAL_CRISIS_FOUR_ORGANS = {
    "presentation": "recurrence",
    "recurrence_date": "2024-06-10",
    "primary_diagnosis_date": "2020-05-01",
    "age": 51,
    "menopausal_status": "postmenopausal",
    "er": "negative",
    "pr": "negative",
    "her2_ihc": "0",
    "receptors_tested_on": "recurrence",
    "histology_confirmed": True,
    "ecog": 2,
    "visceral_crisis": True,
    "neurological_symptoms": True,
    "sites": [
        {"site": "liver", "lesions": None},
        {"site": "lung", "lesions": 4},
        {"site": "bone", "lesions": None},
        {"site": "brain", "lesions": 2},
    ],
    "workup": {**STAGED, "brain_imaging": True},
}

TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED = {
    "presentation": "de_novo_stage_iv",
    "recurrence_date": "2024-06-10",
    "age": 48,
    "menopausal_status": "premenopausal",
    "er": "negative",
    "pr": "negative",
    "her2_ihc": "0",
    "histology_confirmed": True,
    "ecog": 0,
    "systemic_disease_controlled": True,
    "sites": [{"site": "bone", "lesions": 2}, {"site": "lung", "lesions": 1}],
    "workup": STAGED,
}

TRIPLE_NEGATIVE_DE_NOVO_PROGRESSING = {
    **TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED,
    "systemic_disease_controlled": False,
}

BONE_ONLY = {
    "presentation": "recurrence",
    "recurrence_date": "2024-06-10",
    "primary_diagnosis_date": "2016-09-01",
    "age": 63,
    "menopausal_status": "postmenopausal",
    "er": "positive",
    "pr": "positive",
    "her2_ihc": "0",
    "ki67_percent": 30,
    "receptors_tested_on": "recurrence",
    "histology_confirmed": True,
    "ecog": 1,
    "bone_pain": True,
    "sites": [{"site": "bone", "lesions": 3}],
    "workup": {**STAGED, "bone_scan": True},
}

PATIENTS = {
    "solitary-liver": SOLITARY_LIVER,
    "visceral-crisis-four-organs": VISCERAL_CRISIS_FOUR_ORGANS,
    "triple-negative-de-novo-controlled": TRIPLE_NEGATIVE_DE_NOVO_CONTROLLED,
    "triple-negative-de-novo-progressing": TRIPLE_NEGATIVE_DE_NOVO_PROGRESSING,
    "bone-only": BONE_ONLY,
}
