"""Server time of the case page and of the evaluate endpoint, against a minimal view.

    python benchmarks/pages.py [--requests 200]

Runs in-process through Django's test client against a scratch database (SQLite in a
temporary file, or the database of DATABASE_URL with a test_ prefix), with a signed-in
coordinator. Each figure is the median time of one request; the baseline is a minimal
login-protected view that returns a few bytes, measured in the same run. Targets: case
page at most 3x the baseline, evaluate endpoint at most 2x.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MBC_DEVELOPMENT", "1")
os.environ.setdefault(
    "DEBUG", "0"
)  # as in production: cached templates, no debug toolbar of queries
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/mbc-bench-pages.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "mbc_site.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402


@login_required
def ping(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ping/", ping), path("", include("mbc_site.urls"))]

TARGETS = {"case page": 3.0, "evaluate endpoint": 2.0}


def timed(call) -> float:
    start = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"a benchmarked request answered {response.status_code}")
    return elapsed


def interleaved_medians_ms(calls: dict, rounds: int) -> dict[str, float]:
    """Median time of each call, measured in turn within every round, so that a burst of
    load on the machine weighs on the baseline and the pages alike."""
    for call in calls.values():
        timed(call)  # warm up
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            samples[name].append(timed(call))
    return {name: statistics.median(times) * 1000 for name, times in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    settings.ROOT_URLCONF = __name__  # the real URLs plus the baseline view
    # No setup_test_environment(): it instruments template rendering, which would be timed.
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.db import connection

    creation = connection.creation
    db_name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.contrib.auth.models import Group, User
        from django.test import Client

        from recurrence.services import case_create, case_update
        from tests.conftest import BASE_CASE

        user = User.objects.create_user("bench", password="bench-password-123")
        user.groups.add(Group.objects.get(name="coordinator"))
        case = case_create(data=dict(BASE_CASE), user=user)
        for version in range(1, 11):  # a case with some history, as a board would have
            case = case_update(
                case_id=case.pk, data={**BASE_CASE, "ecog": version % 3}, version=version, user=user
            )
        client = Client()
        client.force_login(user)
        evaluate_body = json.dumps(
            {k: v for k, v in BASE_CASE.items() if k not in ("case_number", "hospital_number")}
        )

        medians = interleaved_medians_ms(
            {
                "baseline": lambda: client.get("/bench/ping/"),
                "case page": lambda: client.get(f"/cases/{case.pk}/"),
                "evaluate endpoint": lambda: client.post(
                    "/api/v1/recommendations/evaluate/",
                    data=evaluate_body,
                    content_type="application/json",
                ),
            },
            args.requests,
        )
        baseline = medians.pop("baseline")
        figures = medians
        print(
            f"page benchmark on {connection.vendor} ({db_name}), median of {args.requests} requests"
        )
        print(f"  minimal authenticated view (baseline): {baseline:.2f} ms")
        for name, ms in figures.items():
            ratio = ms / baseline
            verdict = "meets" if ratio <= TARGETS[name] else "MISSES"
            print(
                f"  {name}: {ms:.2f} ms = {ratio:.1f}x baseline (target <= {TARGETS[name]:.0f}x: {verdict})"
            )
    finally:
        creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
