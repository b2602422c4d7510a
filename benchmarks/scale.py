"""Server time of the pages as the cohort grows, against a minimal view at each size.

    python benchmarks/scale.py [--sizes 1000,10000] [--rounds 15]
    python benchmarks/scale.py --sizes 1000,10000,100000

Each size has a database of its own, seeded once with a synthetic cohort with follow-up
(outcomes.demo.seed_cohort) and kept for reruns: on PostgreSQL (DATABASE_URL) the database
`scale_<size>` beside the one DATABASE_URL names, on SQLite a file `mbc-scale-<size>.sqlite3`
in the temporary directory. `--reseed` drops and seeds them again.

Each size runs in a process of its own, through Django's test client, signed in as a
coordinator. Every figure is the median time of repeated requests, measured in turn with
a minimal signed-in view (the baseline), so a burst of load on the machine weighs on both.
It prints, per page: the median, its ratio to the baseline, the query count, the growth of
the time from the previous size, the cold time (the first request after a write to the
cohort) and the verdict against its target. The CSV's peak memory (tracemalloc, while its
response is read) is printed too. Targets are read, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
urlpatterns: list = []  # the child's, set once Django is set up
DEFAULT_SIZES = "1000,10000"

# name: (target ratio or None, the size from which the target holds (None: every size))
TARGETS = {
    "case page": (3.0, None),
    "case list": (3.0, None),
    "search GET": (3.0, None),
    "search posted": (3.0, None),
    "outcomes page": (10.0, 100_000),
    "outcomes CSV": (10.0, 10_000),
    "similar panel": (3.0, None),
    "similar chart": (3.0, None),
    "API list": (3.0, None),
    "API evaluate": (None, None),
}
COLD = {"outcomes page": 10_000.0}  # ms, the cold outcomes page at 100,000


def database_url(size: int) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path=f"/scale_{size}"))
    return f"sqlite:///{tempfile.gettempdir()}/mbc-scale-{size}.sqlite3"


# ---------------------------------------------------------------- the child: one size


def _ensure_postgres_database(url: str, *, drop: bool) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        if drop:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


PROJECT_APPS = ("mbc_site", "recurrence", "evidence", "outcomes", "board", "interop")


def _stale_migrations(url: str) -> set[str]:
    """Migrations a kept database records that the code no longer has (renamed or removed):
    such a database cannot be migrated forward and is seeded afresh."""
    on_disk = {
        f"{app}.{path.stem}"
        for app in PROJECT_APPS
        for path in (ROOT / app).glob("migrations/0*.py")
    }
    query = "SELECT app, name FROM django_migrations WHERE app IN %s"
    try:
        if url.startswith("sqlite"):
            import sqlite3

            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                return set()
            with sqlite3.connect(path) as connection:
                marks = ",".join("?" * len(PROJECT_APPS))
                rows = connection.execute(query.replace("%s", f"({marks})"), PROJECT_APPS)
                recorded = {f"{app}.{name}" for app, name in rows}
        else:
            import psycopg2

            connection = psycopg2.connect(url)
            with connection.cursor() as cursor:
                cursor.execute(query, [PROJECT_APPS])
                recorded = {f"{app}.{name}" for app, name in cursor.fetchall()}
            connection.close()
    except Exception:  # no database yet, or no migrations table: nothing is stale
        return set()
    return recorded - on_disk


def child(size: int, rounds: int, reseed: bool, only: list[str] | None = None) -> dict:
    url = database_url(size)
    stale = _stale_migrations(url)
    if stale:
        print(
            f"{size} cases: the kept database records migrations the code no longer has "
            f"({', '.join(sorted(stale))}); seeding it afresh",
            file=sys.stderr,
        )
        reseed = True
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if reseed and path.exists():
            path.unlink()
    else:
        _ensure_postgres_database(url, drop=reseed)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MBC_DEVELOPMENT", "1")
    os.environ.setdefault("DEBUG", "0")  # as in production: cached templates
    os.environ["DJANGO_SETTINGS_MODULE"] = "mbc_site.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    global urlpatterns
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import include, path

    @login_required
    def ping(request):
        return HttpResponse("ok")

    # The application's URLs plus the baseline: a minimal view behind the sign-in.
    urlpatterns = [path("bench/ping/", ping), path("", include("mbc_site.urls"))]
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]
    if "KEY_PREFIX" in settings.CACHES["default"]:
        # One Redis serves every size: keep their keys apart.
        cache.key_prefix = f"{cache.key_prefix}-scale-{size}"
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics for the indexes a migration just added

    from django.contrib.auth.models import Group, User

    from outcomes.demo import seed_cohort
    from recurrence.models import Case

    user, _ = User.objects.get_or_create(username="scale-bench")
    user.groups.add(Group.objects.get(name="coordinator"))
    seeded = Case.objects.filter(case_number__startswith="SYN-C").count()
    seconds = None
    if seeded != size:
        if seeded:
            raise SystemExit(f"{url} holds {seeded} cases, not {size}: run with --reseed")
        start = time.perf_counter()
        seed_cohort(user, size=size)
        seconds = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return measure(size, rounds, user, seconds, only)


def measure(size: int, rounds: int, user, seed_seconds, only: list[str] | None = None) -> dict:
    import tracemalloc

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from recurrence import services
    from recurrence.models import Case

    # A metastatic case in the middle of the cohort, with follow-up and treatments.
    case = (
        Case.objects.filter(case_number__startswith="SYN-C", category="metastatic")
        .order_by("id")
        .only("id")[size // 4]
        if size > 8
        else Case.objects.first()
    )
    # The writes before the cold requests are to this case: a follow-up saved moves the
    # cohort revision and this case's page token, so every page's cold time is a true one.
    writer = case
    client = Client()
    client.force_login(user)
    evaluate_body = json.dumps(services.case_body(Case.objects.get(pk=case.pk)) | {}, default=str)
    evaluate_body = json.dumps(
        {
            k: v
            for k, v in json.loads(evaluate_body).items()
            if k not in ("case_number", "hospital_number")
        }
    )
    prefix = f"SYN-C{size // 2:04d}"[:-1]  # a case-number prefix that matches a few cases
    urls_exist = {"similar panel": _has_url("outcomes-similar-panel")}

    def read(response) -> int:
        if response.status_code != 200:
            raise SystemExit(f"a benchmarked request answered {response.status_code}")
        if getattr(response, "streaming", False):
            return sum(len(chunk) for chunk in response.streaming_content)
        return len(response.content)

    calls = {
        "baseline": lambda: client.get("/bench/ping/"),
        "case page": lambda: client.get(f"/cases/{case.pk}/"),
        "case list": lambda: client.get("/"),
        "search GET": lambda: client.get("/", {"q": prefix}),
        "search posted": lambda: client.post("/", {"q": prefix}),
        "outcomes page": lambda: client.get("/outcomes/"),
        "outcomes CSV": lambda: client.get("/outcomes/data.csv"),
        "similar chart": lambda: client.get(f"/outcomes/similar/{case.pk}.svg"),
        "API list": lambda: client.get("/api/v1/cases/"),
        "API evaluate": lambda: client.post(
            "/api/v1/recommendations/evaluate/", data=evaluate_body, content_type="application/json"
        ),
    }
    if urls_exist["similar panel"]:
        from django.urls import reverse

        panel = reverse("outcomes-similar-panel", args=[case.pk])
        calls["similar panel"] = lambda: client.get(panel)

    if only:
        calls = {name: call for name, call in calls.items() if name == "baseline" or name in only}

    def timed(call) -> float:
        start = time.perf_counter()
        read(call())
        return (time.perf_counter() - start) * 1000

    # A write first, so that the warm-up computes rather than reads what an earlier run of
    # this kept database left in the cache: imports and first-use costs out of the way.
    _write(writer, user)
    for call in calls.values():
        read(call())
    # Cold: the first request after a write to the cohort (a follow-up saved).
    cold = {}
    for name, call in calls.items():
        if name == "baseline":
            continue
        _write(writer, user)
        cold[name] = timed(call)

    for call in calls.values():
        read(call())  # warm again: the cold requests ran after writes
    queries = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            read(call())
        queries[name] = len(captured.captured_queries)

    def peak_kib() -> float:
        tracemalloc.start()
        read(calls["outcomes CSV"]())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return peak / 1024

    warm_peak = cold_peak = 0.0
    if "outcomes CSV" in calls:
        warm_peak = peak_kib()
        _write(writer, user)
        cold_peak = peak_kib()  # from the database cursor, not the cache

    samples = {name: [] for name in calls}
    budget = {name: 0.0 for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            if len(samples[name]) >= 3 and budget[name] > 20_000:
                continue  # a slow page: enough samples for its median
            ms = timed(call)
            samples[name].append(ms)
            budget[name] += ms
    medians = {name: statistics.median(times) for name, times in samples.items()}
    return {
        "size": size,
        "vendor": connection.vendor,
        "cache": _cache_name(),
        "database": connection.settings_dict["NAME"],
        "seed_seconds": seed_seconds,
        "medians": medians,
        "samples": {name: len(times) for name, times in samples.items()},
        "queries": queries,
        "cold": cold,
        "csv_peak_kib": max(warm_peak, cold_peak),
        "csv_peak_cold_kib": cold_peak,
        "csv_peak_warm_kib": warm_peak,
    }


def _cache_name() -> str:
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    return "Redis" if "redis" in backend.lower() else "the database cache"


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


_flip = [False]


def _write(case, user) -> None:
    """Save a follow-up through the service, alternating its last contact date."""
    from recurrence import services
    from recurrence.models import Case

    case = Case.objects.select_related("follow_up").get(pk=case.pk)
    follow_up = case.follow_up
    _flip[0] = not _flip[0]
    last = follow_up.last_contact_date
    if follow_up.death_date is None:
        import datetime as dt

        last = max(case.recurrence_date, last - dt.timedelta(days=1 if _flip[0] else -1))
    services.follow_up_save(
        case_id=case.pk,
        data={
            "last_contact_date": last.isoformat(),
            "vital_status": follow_up.vital_status,
            "death_date": follow_up.death_date.isoformat() if follow_up.death_date else None,
            "progression_date": follow_up.progression_date.isoformat()
            if follow_up.progression_date
            else None,
        },
        version=case.version,
        user=user,
    )


# ---------------------------------------------------------------- the parent: the table


def verdict(name: str, size: int, ratio: float) -> str:
    target, from_size = TARGETS[name]
    if target is None:
        return "-"
    if from_size is not None and size != from_size:
        return f"(<= {target:.0f}x at {from_size:,})"
    return f"{'meets' if ratio <= target else 'MISSES'} <= {target:.0f}x"


def report(results: list[dict]) -> None:
    previous = None
    for result in results:
        size = result["size"]
        medians = dict(result["medians"])
        baseline = medians.pop("baseline")
        head = f"\n{size:,} cases on {result['vendor']} ({result['database']})"
        head += f", {result.get('cache', 'the database cache')}"
        if result["seed_seconds"] is not None:
            head += f", seeded in {result['seed_seconds']:.1f} s"
        print(head)
        print(f"  baseline (minimal signed-in view): {baseline:.2f} ms")
        print(
            f"  {'page':<15} {'median ms':>10} {'ratio':>7} {'queries':>7} {'growth':>7}"
            f" {'cold ms':>9}  verdict"
        )
        for name, ms in medians.items():
            ratio = ms / baseline
            growth = ""
            if previous and name in previous["medians"]:
                growth = f"{ms / previous['medians'][name]:.1f}x"
            cold = result["cold"][name]
            line = (
                f"  {name:<15} {ms:>10.1f} {ratio:>6.1f}x {result['queries'][name]:>7}"
                f" {growth:>7} {cold:>9.0f}  {verdict(name, size, ratio)}"
            )
            if name in COLD and size == 100_000:
                ok = "meets" if cold <= COLD[name] else "MISSES"
                line += f"; cold {ok} <= {COLD[name] / 1000:.0f} s"
            print(line)
        peak = result["csv_peak_kib"]
        if not peak:
            previous = result
            continue
        line = (
            f"  outcomes CSV peak memory: {peak:,.0f} KiB (from the database"
            f" {result.get('csv_peak_cold_kib', peak):,.0f}, from the cache"
            f" {result.get('csv_peak_warm_kib', peak):,.0f})"
        )
        if previous and previous["csv_peak_kib"]:
            line += f", {peak / previous['csv_peak_kib']:.2f}x the previous size's"
        print(line)
        previous = result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated cohort sizes")
    parser.add_argument("--rounds", type=int, default=15, help="requests per page (median)")
    parser.add_argument("--reseed", action="store_true", help="drop the kept databases first")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--only", help="comma-separated pages to measure (e.g. 'case page,case list')"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        only = [name.strip() for name in args.only.split(",")] if args.only else None
        print(json.dumps(child(args.one, args.rounds, args.reseed, only)))
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = []
    print(f"scale benchmark: median of up to {args.rounds} requests per page and size")
    for size in sizes:
        command = [sys.executable, __file__, "--one", str(size), "--rounds", str(args.rounds)]
        if args.reseed:
            command.append("--reseed")
        if args.only:
            command += ["--only", args.only]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"the benchmark at {size} cases failed")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
