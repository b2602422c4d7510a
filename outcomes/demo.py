"""A synthetic cohort with follow-up, so that a new user sees survival curves at once.

Every patient here is invented (synthetic=True, case numbers SYN-...), and every page that
shows them says so. The survival times are drawn from exponential distributions with a
fixed seed; the hazards differ a little by subtype and site pattern only so that the
curves are not all alike. They carry no clinical meaning.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from django.db import transaction

from outcomes.revision import bump_cohort_revision
from recurrence.followup import parse_follow_up
from recurrence.guideline.schema import LOCOREGIONAL_SITES, WORKUP_ITEMS
from recurrence.models import Case, CaseChange, CaseSite, FollowUp, Treatment
from recurrence.services import apply_payload, creation_changes, validate_body

COHORT_SIZE = 300
SEED = 20240601
CENSOR_DATE = dt.date(2025, 10, 31)

_RECEPTORS = [
    # (er, pr, her2_ihc, ki67, weight)
    ("positive", "positive", "1+", 10, 30),
    ("positive", "negative", "0", 35, 20),
    ("positive", "positive", "3+", 30, 12),
    ("negative", "negative", "3+", 40, 10),
    ("negative", "negative", "0", 70, 18),
]
_MONTHLY_HAZARD = {
    "luminal_a": 0.012,
    "luminal_b": 0.018,
    "luminal_b_her2": 0.017,
    "her2_enriched": 0.022,
    "triple_negative": 0.035,
}
_PATTERN_FACTOR = {
    "locoregional": 0.4,
    "bone_only": 0.8,
    "lung_only": 1.0,
    "liver_only": 1.2,
    "brain_only": 1.8,
    "brain": 1.8,
    "visceral": 1.4,
    "non_visceral": 1.0,
}
_DISTANT_PATTERNS = [
    (["bone"], 25),
    (["lung"], 12),
    (["liver"], 10),
    (["bone", "lung"], 14),
    (["bone", "liver"], 12),
    (["lung", "pleura"], 6),
    (["brain", "lung"], 5),
    (["distant_nodes"], 6),
]


def _pick(rng: random.Random, weighted):
    return rng.choices(
        [w[:-1] if len(w) > 2 else w[0] for w in weighted], weights=[w[-1] for w in weighted]
    )[0]


def _body(rng: random.Random, i: int) -> dict:
    presentation = "de_novo_stage_iv" if rng.random() < 0.25 else "recurrence"
    recurrence = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 12))
    er, pr, her2, ki67 = _pick(rng, _RECEPTORS)
    if presentation == "recurrence" and rng.random() < 0.25:
        sites = [{"site": rng.choice(LOCOREGIONAL_SITES[:3]), "lesions": rng.randint(1, 2)}]
    else:
        sites = [
            {"site": s, "lesions": rng.choice([1, 1, 2, 3, None])}
            for s in _pick(rng, _DISTANT_PATTERNS)
        ]
    body = {
        "case_number": f"SYN-C{i:04d}",
        "presentation": presentation,
        "recurrence_date": recurrence.isoformat(),
        "age": rng.randint(30, 85),
        "menopausal_status": rng.choice(["premenopausal", "postmenopausal", "postmenopausal"]),
        "er": er,
        "pr": pr,
        "her2_ihc": her2,
        "ki67_percent": ki67,
        "receptors_tested_on": "recurrence",
        "histology_confirmed": True,
        "ecog": rng.choice([0, 1, 1, 2, 3]),
        "sites": sites,
        "workup": {item: True for item in WORKUP_ITEMS},
    }
    if presentation == "recurrence":
        body["primary_diagnosis_date"] = (
            recurrence - dt.timedelta(days=rng.randrange(200, 365 * 10))
        ).isoformat()
    else:
        body["systemic_disease_controlled"] = rng.random() < 0.5
    return body


def _months(days: float) -> dt.timedelta:
    return dt.timedelta(days=round(days))


def seed_cohort(user, *, size: int = COHORT_SIZE, seed: int = SEED) -> str:
    """Seed `size` synthetic patients with follow-up and treatments. Each case is validated
    and derived as recurrence.services.case_create does it, then every table is written
    with bulk inserts, so that ten thousand patients take seconds (benchmarks/scale.py)."""
    rng = random.Random(seed)
    cases, sites, plans = [], [], []
    for i in range(1, size + 1):
        payload = validate_body(_body(rng, i))
        case = Case(synthetic=True, created_by=user, updated_by=user)
        case_sites = apply_payload(case, payload)
        cases.append(case)
        sites.append(case_sites)
        plans.append(_plan(rng, case, case_sites))
    with transaction.atomic():
        for chunk in range(0, size, _CHUNK):
            Case.objects.bulk_create(cases[chunk : chunk + _CHUNK])
        for case, case_sites in zip(cases, sites, strict=True):
            for site in case_sites:
                site.case = case
        CaseSite.objects.bulk_create(
            [s for case_sites in sites for s in case_sites], batch_size=_CHUNK
        )
        CaseChange.objects.bulk_create(
            [
                CaseChange(
                    case=case,
                    version=1,
                    action="create",
                    changed_by=user,
                    changes=creation_changes(case, case_sites),
                )
                for case, case_sites in zip(cases, sites, strict=True)
            ],
            batch_size=_CHUNK,
        )
        follow_ups, treatments = [], []
        for case, (record, planned) in zip(cases, plans, strict=True):
            record.case = case
            follow_ups.append(record)
            for treatment in planned:
                treatment.case = case
                treatments.append(treatment)
        FollowUp.objects.bulk_create(follow_ups, batch_size=_CHUNK)
        Treatment.objects.bulk_create(treatments, batch_size=_CHUNK)
        # Bulk inserts send no signals: move the cohort revision by hand.
        transaction.on_commit(bump_cohort_revision)
    return f" and a synthetic cohort of {size} patients with follow-up"


_CHUNK = 2000


def _plan(rng: random.Random, case: Case, case_sites: list[CaseSite]):
    """The follow-up and treatments of one synthetic patient (not yet saved)."""
    had_surgery = case.category == "metastatic" and rng.random() < 0.3
    hazard = _MONTHLY_HAZARD.get(case.subtype, 0.02) * _PATTERN_FACTOR.get(case.site_pattern, 1.0)
    hazard *= 0.85 if had_surgery else 1.0
    death_days = -math.log(1 - rng.random()) / hazard * 30.4375
    progression_days = death_days * rng.uniform(0.3, 0.9)
    death = case.recurrence_date + _months(death_days)
    last_contact = min(CENSOR_DATE, case.recurrence_date + _months(rng.uniform(60, 3000)))
    dead = death <= last_contact
    progression = case.recurrence_date + _months(progression_days)
    record = {
        "last_contact_date": (death if dead else last_contact).isoformat(),
        "vital_status": "dead" if dead else "alive",
        "death_date": death.isoformat() if dead else None,
        "progression_date": progression.isoformat()
        if progression <= (death if dead else last_contact)
        else None,
    }
    parsed = parse_follow_up(record, recurrence_date=case.recurrence_date, today=CENSOR_DATE)
    follow_up = FollowUp(
        last_contact_date=parsed.last_contact_date,
        vital_status=parsed.vital_status,
        death_date=parsed.death_date,
        progression_date=parsed.progression_date,
    )
    start = case.recurrence_date + dt.timedelta(days=rng.randint(7, 40))
    treatments = [Treatment(kind="systemic_line", line=1, start_date=start)]
    if had_surgery:
        surgery = start + dt.timedelta(days=rng.randint(60, 150))
        if surgery <= parsed.last_contact_date:
            primary = case.presentation == "de_novo_stage_iv"
            distant = [s.site for s in case_sites if s.site not in LOCOREGIONAL_SITES]
            treatments.append(
                Treatment(
                    kind="primary_surgery" if primary else "metastasectomy",
                    site="" if primary else distant[0],
                    start_date=surgery,
                )
            )
    return follow_up, treatments


def cohort_exists() -> bool:
    return Case.objects.filter(case_number__startswith="SYN-C").exists()
