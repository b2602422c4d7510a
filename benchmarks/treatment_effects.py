"""How fast the treatment comparisons are, against fetching the same rows from PostgreSQL.

    python benchmarks/treatment_effects.py [--patients 100000] [--seed 11] [--repeats 5]

Creates a scratch schema (bench_treatment) in the database of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/test), fills it with synthetic follow-ups and
treatment times made with a fixed seed, then times, in this one run and interleaved:
(a) fetching the rows into Python with psycopg2 and (b) the same fetch followed by what
the Outcomes page computes for a treatment split: the landmark comparison at 6 months and
the time-dependent Cox model (evidence.survival, numpy path at this size). Prints the
median of each and the ratio b/a. Target: at most 3x. The time-dependent model forced
through lifelines is timed once on a 5,000-patient sample, for comparison (it grows much
faster than linearly). The schema is dropped afterwards. Figures only; nothing asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.survival import DAYS_PER_MONTH, DEFAULT_URL, connect  # noqa: E402
from evidence.survival import landmark_comparison, time_dependent_cox  # noqa: E402

TARGET = 3.0
SCHEMA = "bench_treatment"
COLUMNS = ["months", "died", "treated_months"]
QUERY = f"SELECT months, died, treated_months FROM {SCHEMA}.follow_up"
LANDMARK = 6.0
SAMPLE = 5_000
NULL = "\\N"  # as COPY reads a missing value


def synthetic(patients: int, seed: int) -> io.StringIO:
    """Death at a constant hazard (median 24 months), 0-10 years of follow-up, in whole
    days; half the patients get a treatment that changes nothing, at a random time before
    the end of their follow-up (mean 6 months)."""
    rng = np.random.default_rng(seed)
    death = rng.exponential(24 / np.log(2) * DAYS_PER_MONTH, patients)
    censor = rng.uniform(0, 120 * DAYS_PER_MONTH, patients)
    days = np.ceil(np.minimum(death, censor))
    died = death <= censor
    planned = np.ceil(rng.exponential(6 * DAYS_PER_MONTH, patients))
    treated = (rng.random(patients) < 0.5) & (planned <= days)
    rows = zip(days.tolist(), died.tolist(), planned.tolist(), treated.tolist(), strict=True)
    lines = (
        f"{d / DAYS_PER_MONTH!r}\t{'t' if e else 'f'}\t{repr(p / DAYS_PER_MONTH) if t else NULL}\n"
        for d, e, p, t in rows
    )
    return io.StringIO("".join(lines))


def setup(conn, patients: int, seed: int) -> None:
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
        cur.execute(
            f"CREATE TABLE {SCHEMA}.follow_up (id serial PRIMARY KEY, months double precision "
            "NOT NULL, died boolean NOT NULL, treated_months double precision)"
        )
        cur.copy_expert(
            f"COPY {SCHEMA}.follow_up ({', '.join(COLUMNS)}) FROM STDIN", synthetic(patients, seed)
        )
        cur.execute(f"ANALYZE {SCHEMA}.follow_up")
    conn.commit()


def fetch(conn) -> pd.DataFrame:
    with conn.cursor() as cur:
        cur.execute(QUERY)
        rows = cur.fetchall()
    return pd.DataFrame(rows, columns=COLUMNS).astype({"died": int, "treated_months": float})


def fetch_and_compare(conn):
    frame = fetch(conn)
    args = (frame["months"], frame["died"], frame["treated_months"])
    return landmark_comparison(*args, LANDMARK), time_dependent_cox(*args)


def timed(fn, conn) -> float:
    start = time.perf_counter()
    fn(conn)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    conn = connect(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    try:
        setup(conn, args.patients, args.seed)
        landmark, effect = fetch_and_compare(conn)  # warm up caches and imports
        fetch_times, compare_times = [], []
        for _ in range(args.repeats):
            fetch_times.append(timed(fetch, conn))
            compare_times.append(timed(fetch_and_compare, conn))
        sample = fetch(conn).head(SAMPLE)
        start = time.perf_counter()
        slow = time_dependent_cox(
            sample["months"], sample["died"], sample["treated_months"], method="lifelines"
        )
        lifelines_sample = time.perf_counter() - start
        start = time.perf_counter()
        time_dependent_cox(
            sample["months"], sample["died"], sample["treated_months"], method="numpy"
        )
        numpy_sample = time.perf_counter() - start
    finally:
        conn.rollback()
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.commit()
        conn.close()

    baseline = statistics.median(fetch_times)
    measured = statistics.median(compare_times)
    ratio = measured / baseline
    print(f"treatment effects: {args.patients:,} synthetic follow-ups, median of {args.repeats}")
    print(f"  fetch rows (baseline):                      {baseline * 1000:8.1f} ms")
    print(
        f"  fetch + landmark + time-dependent Cox:      {measured * 1000:8.1f} ms ({effect.method})"
    )
    print(
        f"    landmark {LANDMARK:g} months: n={landmark.n:,}, HR {landmark.effect.hazard_ratio:.3f}; "
        f"time-dependent HR {effect.hazard_ratio:.3f} "
        f"({effect.ci_low:.3f}-{effect.ci_high:.3f}), {effect.intervals:,} intervals"
    )
    print(
        f"  {SAMPLE:,}-patient sample, time-dependent Cox: lifelines {lifelines_sample * 1000:.0f} ms, "
        f"numpy {numpy_sample * 1000:.0f} ms (HR {slow.hazard_ratio:.4f} both ways)"
    )
    print(f"  ratio (fetch + comparisons) / fetch: {ratio:.2f}x")
    print(f"  target <= {TARGET:g}x: {'meets' if ratio <= TARGET else 'MISSES'}")


if __name__ == "__main__":
    main()
