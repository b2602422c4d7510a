"""How fast the guideline engine is, against a plain JSON round trip of the same cases.

    python benchmarks/engine.py [--cases 20000] [--seed 7]

Generates valid cases with a fixed seed, then times, in this one process, (a) a JSON
dump and load of every case and (b) parse, derive and evaluate of every case. Prints
cases per second and the ratio b/a. Target: at least 20,000 cases per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recurrence.guideline import evaluate  # noqa: E402
from recurrence.guideline.schema import (  # noqa: E402
    DISTANT_SITES,
    HER2_IHC_SCORES,
    HER2_ISH_RESULTS,
    LOCOREGIONAL_SITES,
    MENOPAUSAL_STATUSES,
    RECEPTOR_RESULTS,
    WORKUP_ITEMS,
)

TODAY = dt.date(2030, 1, 1)
TARGET = 20_000


def generate(rng: random.Random) -> dict:
    presentation = rng.choice(("recurrence", "recurrence", "de_novo_stage_iv"))
    primary = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(3000))
    recurrence = primary + dt.timedelta(days=rng.randrange(30, 4000))
    pool = (
        list(DISTANT_SITES)
        if presentation == "de_novo_stage_iv"
        else list(LOCOREGIONAL_SITES + DISTANT_SITES)
    )
    chosen = rng.sample(pool, rng.randint(1, 4))
    if presentation == "recurrence" and rng.random() < 0.4:
        chosen = rng.sample(list(LOCOREGIONAL_SITES), rng.randint(1, 2))
    case = {
        "presentation": presentation,
        "recurrence_date": recurrence.isoformat(),
        "primary_diagnosis_date": primary.isoformat() if presentation == "recurrence" else None,
        "age": rng.randint(25, 90),
        "menopausal_status": rng.choice(MENOPAUSAL_STATUSES),
        "er": rng.choice(RECEPTOR_RESULTS),
        "pr": rng.choice(RECEPTOR_RESULTS),
        "her2_ihc": rng.choice(HER2_IHC_SCORES),
        "her2_ish": rng.choice(HER2_ISH_RESULTS),
        "ki67_percent": rng.choice((None, rng.randint(0, 100))),
        "ecog": rng.choice((None, 0, 1, 2, 3, 4)),
        "prior_tamoxifen": rng.random() < 0.4,
        "prior_aromatase_inhibitor": rng.random() < 0.3,
        "bulky_disease": rng.choice((None, True, False)),
        "visceral_crisis": rng.random() < 0.1,
        "endocrine_resistance": rng.random() < 0.2,
        "bone_pain": rng.random() < 0.3,
        "neurological_symptoms": rng.random() < 0.1,
        "resectable": rng.choice((None, True, False)),
        "systemic_disease_controlled": rng.choice((None, True, False)),
        "sites": [{"site": s, "lesions": rng.choice((None, 1, 2, 3))} for s in chosen],
        "symptomatic_sites": chosen[:1] if rng.random() < 0.3 else [],
        "workup": {item: rng.random() < 0.7 for item in WORKUP_ITEMS},
    }
    return case


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    cases = [generate(rng) for _ in range(args.cases)]

    def json_round_trip():
        for case in cases:
            json.loads(json.dumps(case))

    def engine():
        for case in cases:
            evaluate(case, today=TODAY)

    engine()  # warm up, and a refused generated case would raise here
    baseline = best_of(args.repeats, json_round_trip)
    measured = best_of(args.repeats, engine)
    rate = args.cases / measured
    print(f"guideline engine: {args.cases} cases, best of {args.repeats}")
    print(f"  JSON round trip (baseline): {baseline:.3f} s ({args.cases / baseline:,.0f} cases/s)")
    print(f"  parse + derive + evaluate:  {measured:.3f} s ({rate:,.0f} cases/s)")
    print(f"  ratio engine / JSON round trip: {measured / baseline:.1f}x")
    verdict = "meets" if rate >= TARGET else "MISSES"
    print(f"  target >= {TARGET:,} cases/s: {verdict}")


if __name__ == "__main__":
    main()
