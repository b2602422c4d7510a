"""Synthetic demo cases, one or more down every branch of the guideline algorithm.

None of these is a real patient; every one is stored with synthetic=True and shown with a
"Synthetic" label.
"""

from __future__ import annotations

import copy

FULL_WORKUP = {
    "cbc": True,
    "liver_function": True,
    "renal_function": True,
    "alkaline_phosphatase": True,
    "calcium": True,
    "chest_imaging": True,
    "abdominal_imaging": True,
    "bone_scan": True,
    "brain_imaging": True,
}

_BASE = {
    "presentation": "recurrence",
    "menopausal_status": "postmenopausal",
    "er": "positive",
    "pr": "positive",
    "her2_ihc": "1+",
    "ki67_percent": 15,
    "receptors_tested_on": "recurrence",
    "histology_confirmed": True,
    "ecog": 1,
    "workup": FULL_WORKUP,
}

# (label, overrides): the label says which branch the case exercises.
SCENARIOS: list[tuple[str, dict]] = [
    # Isolated local-regional recurrence
    (
        "In-breast recurrence after breast-conserving therapy",
        dict(
            recurrence_date="2025-03-12",
            primary_diagnosis_date="2017-05-02",
            age=61,
            prior_breast_surgery="breast_conserving",
            prior_breast_radiotherapy=True,
            prior_tamoxifen=True,
            tamoxifen_end_date="2022-05-01",
            resectable=True,
            sites=[{"site": "breast", "lesions": 1}],
        ),
    ),
    (
        "Chest wall after mastectomy, no prior radiotherapy",
        dict(
            recurrence_date="2025-06-03",
            primary_diagnosis_date="2021-01-20",
            age=54,
            prior_breast_surgery="mastectomy",
            er="negative",
            pr="negative",
            her2_ihc="0",
            ki67_percent=70,
            receptors_tested_on="primary",
            sites=[
                {"site": "chest_wall", "lesions": 2},
                {"site": "axillary_nodes", "lesions": None},
            ],
        ),
    ),
    (
        "Unresectable chest wall recurrence",
        dict(
            recurrence_date="2025-08-19",
            primary_diagnosis_date="2020-02-11",
            age=67,
            prior_breast_surgery="mastectomy",
            prior_breast_radiotherapy=True,
            resectable=False,
            sites=[{"site": "chest_wall", "lesions": 3}],
            symptomatic_sites=["chest_wall"],
        ),
    ),
    (
        "Supraclavicular nodes, HER2-positive",
        dict(
            recurrence_date="2025-01-28",
            primary_diagnosis_date="2022-06-30",
            age=48,
            menopausal_status="premenopausal",
            prior_breast_surgery="mastectomy",
            er="negative",
            pr="negative",
            her2_ihc="3+",
            ki67_percent=40,
            sites=[{"site": "supraclavicular_nodes", "lesions": 1}],
        ),
    ),
    (
        "Axillary recurrence, workup not yet done",
        dict(
            recurrence_date="2025-10-02",
            primary_diagnosis_date="2023-11-15",
            age=72,
            prior_breast_surgery="breast_conserving",
            prior_breast_radiotherapy=True,
            histology_confirmed=False,
            workup={},
            ecog=None,
            sites=[{"site": "axillary_nodes", "lesions": 2}],
        ),
    ),
    (
        "In-breast recurrence, receptors only from the primary",
        dict(
            recurrence_date="2024-11-05",
            primary_diagnosis_date="2014-09-09",
            age=69,
            prior_breast_surgery="breast_conserving",
            prior_breast_radiotherapy=True,
            receptors_tested_on="primary",
            sites=[
                {"site": "breast", "lesions": 1},
                {"site": "internal_mammary_nodes", "lesions": 1},
            ],
        ),
    ),
    # Metastatic, hormone receptor positive
    (
        "Postmenopausal luminal A, bone only",
        dict(
            recurrence_date="2024-09-14",
            primary_diagnosis_date="2016-04-21",
            age=66,
            bone_pain=True,
            sites=[{"site": "bone", "lesions": 3}],
            symptomatic_sites=["bone"],
        ),
    ),
    (
        "Postmenopausal luminal B, bone and liver",
        dict(
            recurrence_date="2025-02-07",
            primary_diagnosis_date="2019-07-13",
            age=63,
            ki67_percent=35,
            bone_pain=True,
            workup={**FULL_WORKUP, "bone_scan": False},
            sites=[{"site": "bone", "lesions": None}, {"site": "liver", "lesions": 4}],
        ),
    ),
    (
        "Premenopausal, no tamoxifen for years",
        dict(
            recurrence_date="2025-04-22",
            primary_diagnosis_date="2015-03-03",
            age=44,
            menopausal_status="premenopausal",
            prior_tamoxifen=True,
            tamoxifen_end_date="2020-03-01",
            sites=[{"site": "lung", "lesions": 2}],
        ),
    ),
    (
        "Premenopausal, tamoxifen stopped recently",
        dict(
            recurrence_date="2025-05-30",
            primary_diagnosis_date="2019-12-01",
            age=41,
            menopausal_status="premenopausal",
            pr="negative",
            ki67_percent=None,
            prior_tamoxifen=True,
            tamoxifen_end_date="2024-12-01",
            sites=[{"site": "lung", "lesions": None}, {"site": "bone", "lesions": None}],
        ),
    ),
    (
        "Premenopausal, still on tamoxifen",
        dict(
            recurrence_date="2025-07-08",
            primary_diagnosis_date="2022-02-14",
            age=39,
            menopausal_status="premenopausal",
            prior_tamoxifen=True,
            sites=[{"site": "distant_nodes", "lesions": 2}],
        ),
    ),
    (
        "Hormone receptor positive, menopausal status unknown",
        dict(
            recurrence_date="2025-09-16",
            primary_diagnosis_date="2018-08-08",
            age=51,
            menopausal_status="unknown",
            sites=[{"site": "pleura", "lesions": None}],
        ),
    ),
    (
        "Visceral crisis in liver and lung",
        dict(
            recurrence_date="2025-03-03",
            primary_diagnosis_date="2017-10-10",
            age=58,
            ki67_percent=30,
            visceral_crisis=True,
            ecog=2,
            sites=[{"site": "liver", "lesions": None}, {"site": "lung", "lesions": None}],
        ),
    ),
    (
        "Endocrine resistant, several organs, poor performance",
        dict(
            recurrence_date="2024-12-12",
            primary_diagnosis_date="2016-06-06",
            age=74,
            endocrine_resistance=True,
            ecog=3,
            prior_aromatase_inhibitor=True,
            sites=[
                {"site": "bone", "lesions": None},
                {"site": "liver", "lesions": None},
                {"site": "peritoneum", "lesions": None},
            ],
        ),
    ),
    (
        "Hypercalcaemia with lytic bone disease",
        dict(
            recurrence_date="2025-05-05",
            primary_diagnosis_date="2020-05-05",
            age=70,
            hypercalcaemia=True,
            bone_pain=True,
            sites=[{"site": "bone", "lesions": 6}],
            symptomatic_sites=["bone"],
        ),
    ),
    (
        "Short disease-free interval",
        dict(
            recurrence_date="2025-06-20",
            primary_diagnosis_date="2024-10-01",
            age=57,
            ki67_percent=45,
            sites=[{"site": "lung", "lesions": 1}, {"site": "adrenal", "lesions": 1}],
        ),
    ),
    # Metastatic, hormone receptor negative
    (
        "Triple negative, lung",
        dict(
            recurrence_date="2025-02-18",
            primary_diagnosis_date="2022-04-04",
            age=46,
            menopausal_status="premenopausal",
            er="negative",
            pr="negative",
            her2_ihc="0",
            ki67_percent=80,
            sites=[{"site": "lung", "lesions": 3}],
        ),
    ),
    (
        "Triple negative, neurological symptoms",
        dict(
            recurrence_date="2025-08-01",
            primary_diagnosis_date="2023-01-09",
            age=43,
            er="negative",
            pr="negative",
            her2_ihc="1+",
            ki67_percent=65,
            neurological_symptoms=True,
            workup={**FULL_WORKUP, "brain_imaging": False},
            sites=[{"site": "lung", "lesions": None}],
        ),
    ),
    (
        "Triple negative, brain metastases",
        dict(
            recurrence_date="2025-04-11",
            primary_diagnosis_date="2022-10-17",
            age=50,
            er="negative",
            pr="negative",
            her2_ihc="0",
            neurological_symptoms=True,
            ecog=2,
            sites=[{"site": "brain", "lesions": 2}],
            symptomatic_sites=["brain"],
        ),
    ),
    # HER2 branches
    (
        "HER2-enriched, single liver metastasis",
        dict(
            recurrence_date="2025-01-15",
            primary_diagnosis_date="2019-09-25",
            age=55,
            er="negative",
            pr="negative",
            her2_ihc="3+",
            ki67_percent=50,
            ecog=0,
            sites=[{"site": "liver", "lesions": 1}],
        ),
    ),
    (
        "Luminal B HER2-positive, lung and bone",
        dict(
            recurrence_date="2025-07-27",
            primary_diagnosis_date="2018-03-19",
            age=60,
            her2_ihc="2+",
            her2_ish="amplified",
            sites=[{"site": "lung", "lesions": None}, {"site": "bone", "lesions": None}],
        ),
    ),
    (
        "HER2 IHC 2+ awaiting in-situ hybridisation",
        dict(
            recurrence_date="2025-10-14",
            primary_diagnosis_date="2017-12-12",
            age=64,
            her2_ihc="2+",
            sites=[{"site": "lung", "lesions": 2}],
        ),
    ),
    # De novo stage IV
    (
        "De novo triple negative, disease controlled",
        dict(
            presentation="de_novo_stage_iv",
            recurrence_date="2024-10-10",
            age=47,
            er="negative",
            pr="negative",
            her2_ihc="0",
            ki67_percent=60,
            systemic_disease_controlled=True,
            receptors_tested_on="primary",
            sites=[{"site": "breast", "lesions": 1}, {"site": "lung", "lesions": 2}],
        ),
    ),
    (
        "De novo luminal B HER2-positive, not yet controlled",
        dict(
            presentation="de_novo_stage_iv",
            recurrence_date="2025-09-02",
            age=52,
            menopausal_status="premenopausal",
            her2_ihc="3+",
            systemic_disease_controlled=False,
            sites=[{"site": "breast", "lesions": 1}, {"site": "bone", "lesions": 2}],
        ),
    ),
    (
        "De novo luminal A bone only, controlled",
        dict(
            presentation="de_novo_stage_iv",
            recurrence_date="2024-06-18",
            age=68,
            systemic_disease_controlled=True,
            sites=[{"site": "bone", "lesions": 1}],
        ),
    ),
    (
        "De novo HER2-enriched, liver, controlled",
        dict(
            presentation="de_novo_stage_iv",
            recurrence_date="2024-03-25",
            age=58,
            er="negative",
            pr="negative",
            her2_ihc="3+",
            systemic_disease_controlled=True,
            ecog=1,
            sites=[{"site": "breast", "lesions": 1}, {"site": "liver", "lesions": 2}],
        ),
    ),
    # Unknowns and edges
    (
        "Receptor status unknown",
        dict(
            recurrence_date="2025-03-27",
            primary_diagnosis_date="2015-11-30",
            age=71,
            er="unknown",
            pr="unknown",
            her2_ihc="unknown",
            ki67_percent=None,
            receptors_tested_on="primary",
            sites=[{"site": "lung", "lesions": 1}, {"site": "bone", "lesions": 1}],
        ),
    ),
    (
        "Oligometastatic lung, fit, not bulky",
        dict(
            recurrence_date="2025-05-16",
            primary_diagnosis_date="2018-02-02",
            age=59,
            ecog=0,
            ki67_percent=10,
            bulky_disease=False,
            resectable=True,
            sites=[{"site": "lung", "lesions": 2}],
        ),
    ),
    (
        "Skin and distant nodes, symptomatic",
        dict(
            recurrence_date="2025-06-06",
            primary_diagnosis_date="2020-09-09",
            age=76,
            ecog=2,
            sites=[
                {"site": "skin_distant", "lesions": 3},
                {"site": "distant_nodes", "lesions": None},
            ],
            symptomatic_sites=["skin_distant"],
        ),
    ),
    (
        "Bedbound (ECOG 4), widespread disease",
        dict(
            recurrence_date="2025-09-29",
            primary_diagnosis_date="2012-07-07",
            age=83,
            ecog=4,
            er="negative",
            pr="negative",
            her2_ihc="1+",
            sites=[
                {"site": "liver", "lesions": None},
                {"site": "lung", "lesions": None},
                {"site": "bone", "lesions": None},
            ],
        ),
    ),
    # Ruleset 2.0 gates
    (
        "Relapse while taking an aromatase inhibitor",
        dict(
            recurrence_date="2025-04-14",
            primary_diagnosis_date="2021-03-01",
            age=66,
            prior_aromatase_inhibitor=True,
            sites=[{"site": "lung", "lesions": None}, {"site": "bone", "lesions": None}],
        ),
    ),
    (
        "Relapse within a year of both tamoxifen and an aromatase inhibitor",
        dict(
            recurrence_date="2025-07-01",
            primary_diagnosis_date="2018-01-15",
            age=63,
            prior_tamoxifen=True,
            tamoxifen_end_date="2024-09-01",
            prior_aromatase_inhibitor=True,
            sites=[{"site": "bone", "lesions": None}],
        ),
    ),
    (
        "Visceral crisis with twelve liver lesions",
        dict(
            recurrence_date="2025-02-17",
            primary_diagnosis_date="2019-08-08",
            age=52,
            ecog=1,
            visceral_crisis=True,
            er="negative",
            pr="negative",
            her2_ihc="0",
            sites=[{"site": "liver", "lesions": 12}],
        ),
    ),
    (
        "HER2 amplified by in-situ hybridisation",
        dict(
            recurrence_date="2025-05-20",
            primary_diagnosis_date="2020-04-04",
            age=49,
            menopausal_status="premenopausal",
            er="negative",
            pr="negative",
            her2_ihc="3+",
            her2_ish="amplified",
            sites=[{"site": "lung", "lesions": None}, {"site": "bone", "lesions": None}],
        ),
    ),
    (
        "HER2 IHC 3+ without in-situ hybridisation",
        dict(
            recurrence_date="2025-06-24",
            primary_diagnosis_date="2019-11-11",
            age=57,
            her2_ihc="3+",
            her2_ish="not_done",
            sites=[{"site": "lung", "lesions": None}],
        ),
    ),
    (
        "In-breast recurrence after breast conservation without radiotherapy",
        dict(
            recurrence_date="2025-01-28",
            primary_diagnosis_date="2019-06-17",
            age=72,
            prior_breast_surgery="breast_conserving",
            prior_breast_radiotherapy=False,
            sites=[{"site": "breast", "lesions": 1}],
        ),
    ),
    (
        "Chest wall recurrence at ECOG 3",
        dict(
            recurrence_date="2025-08-05",
            primary_diagnosis_date="2016-03-21",
            age=81,
            ecog=3,
            prior_breast_surgery="mastectomy",
            sites=[{"site": "chest_wall", "lesions": 1}],
        ),
    ),
    (
        "Tumour in the opposite breast alone",
        dict(
            recurrence_date="2025-09-09",
            primary_diagnosis_date="2018-05-30",
            age=60,
            histology_confirmed=False,
            prior_breast_surgery="mastectomy",
            sites=[{"site": "contralateral_breast", "lesions": 1}],
        ),
    ),
    (
        "Bone only, staging incomplete, primary date not known",
        dict(
            recurrence_date="2025-10-02",
            age=68,
            sites=[{"site": "bone", "lesions": 2}],
            workup={**FULL_WORKUP, "abdominal_imaging": False},
        ),
    ),
]


def demo_cases() -> list[tuple[str, dict]]:
    """(label, case body) for every scenario, numbered DEMO-001 onwards."""
    out = []
    for i, (label, overrides) in enumerate(SCENARIOS, start=1):
        body = copy.deepcopy(_BASE)
        body.update(copy.deepcopy(overrides))
        body["case_number"] = f"DEMO-{i:03d}"
        body["hospital_number"] = f"SYN{i:05d}"
        out.append((label, body))
    return out
