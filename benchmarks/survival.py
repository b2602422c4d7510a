"""How fast survival analysis is, against fetching the same rows from PostgreSQL.

    python benchmarks/survival.py [--patients 100000] [--seed 11] [--repeats 7]

Creates a scratch schema (bench_survival) in the database of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/test), fills it with synthetic follow-ups made with a
fixed seed, then times, in this one run and interleaved: (a) fetching the rows into
Python with psycopg2 and (b) the same fetch followed by Kaplan-Meier per group and the
log-rank test through evidence.survival.analyse (the code behind the outcome pages and
the survival_report command). Prints the median of each and the ratio b/a. Target: at
most 2x. At this size evidence.survival takes its numpy path (lifelines' formulas, held
equal to lifelines by the tests); the same analysis forced through lifelines is timed
too, for comparison. The schema is dropped afterwards. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pandas as pd
import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence.survival import LARGE_COHORT, analyse  # noqa: E402

TARGET = 2.0
SCHEMA = "bench_survival"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
DAYS_PER_MONTH = 365.25 / 12
# Synthetic subtypes with their median survival in months (illustrative, not clinical).
GROUPS = {"HR+/HER2-": 48.0, "HER2+": 40.0, "Triple-negative": 18.0}
COLUMNS = ["subtype", "months", "died"]
QUERY = f"SELECT subtype, months, died FROM {SCHEMA}.follow_up"


def connect(url: str):
    parts = urlsplit(url)
    return psycopg2.connect(
        dbname=unquote(parts.path.lstrip("/")),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        host=parts.hostname or "",
        port=parts.port or 5432,
    )


def synthetic(patients: int, seed: int) -> io.StringIO:
    """Exponential survival per subtype, censored by 0-10 years of follow-up, in whole days
    as dates of last contact would give."""
    rng = np.random.default_rng(seed)
    names = list(GROUPS)
    group = rng.integers(0, len(names), patients)
    medians = np.array(list(GROUPS.values()))[group]
    death = rng.exponential(medians / np.log(2) * DAYS_PER_MONTH)
    censor = rng.uniform(0, 120 * DAYS_PER_MONTH, patients)
    days = np.ceil(np.minimum(death, censor))
    died = death <= censor
    lines = (
        f"{names[g]}\t{d / DAYS_PER_MONTH!r}\t{'t' if e else 'f'}\n"
        for g, d, e in zip(group.tolist(), days.tolist(), died.tolist(), strict=True)
    )
    return io.StringIO("".join(lines))


def setup(conn, patients: int, seed: int) -> None:
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
        cur.execute(
            f"CREATE TABLE {SCHEMA}.follow_up (id serial PRIMARY KEY, subtype text NOT NULL, "
            "months double precision NOT NULL, died boolean NOT NULL)"
        )
        cur.copy_expert(
            f"COPY {SCHEMA}.follow_up ({', '.join(COLUMNS)}) FROM STDIN", synthetic(patients, seed)
        )
        cur.execute(f"ANALYZE {SCHEMA}.follow_up")
    conn.commit()


def fetch(conn) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(QUERY)
        return cur.fetchall()


def fetch_and_analyse(conn, method="auto"):
    frame = pd.DataFrame(fetch(conn), columns=COLUMNS)
    return analyse(frame, "months", "died", "subtype", at=(12, 24, 36, 60), method=method)


def fetch_and_analyse_with_lifelines(conn):
    return fetch_and_analyse(conn, method="lifelines")


def timed(fn, conn) -> float:
    start = time.perf_counter()
    fn(conn)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    conn = connect(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    try:
        setup(conn, args.patients, args.seed)
        result = fetch_and_analyse(conn)  # warm up caches and imports
        fetch_times, analysis_times, lifelines_times = [], [], []
        for _ in range(args.repeats):
            fetch_times.append(timed(fetch, conn))
            analysis_times.append(timed(fetch_and_analyse, conn))
            lifelines_times.append(timed(fetch_and_analyse_with_lifelines, conn))
    finally:
        conn.rollback()
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.commit()
        conn.close()

    baseline = statistics.median(fetch_times)
    measured = statistics.median(analysis_times)
    with_lifelines = statistics.median(lifelines_times)
    ratio = measured / baseline
    path = "numpy" if args.patients >= LARGE_COHORT else "lifelines"
    print(f"survival: {args.patients:,} synthetic follow-ups, median of {args.repeats}")
    print(f"  fetch rows (baseline):                 {baseline * 1000:7.1f} ms")
    print(f"  fetch + Kaplan-Meier + log-rank:       {measured * 1000:7.1f} ms ({path} path)")
    print(
        f"  the same forced through lifelines:     {with_lifelines * 1000:7.1f} ms "
        f"({with_lifelines / baseline:.2f}x, for comparison)"
    )
    for km in result.groups:
        median = "not reached" if km.median is None else f"{km.median:.1f} months"
        print(f"    {km.label}: n={km.n:,}, events={km.events:,}, median {median}")
    test = result.logrank
    print(f"    log-rank chi-square {test.statistic:.1f} on {test.df} df, p = {test.p:.3g}")
    print(f"  ratio (fetch + analysis) / fetch: {ratio:.2f}x")
    print(f"  target <= {TARGET:g}x: {'meets' if ratio <= TARGET else 'MISSES'}")


if __name__ == "__main__":
    main()
