"""Distance search latency (issue 22) on the full open-data catalogue, SQLite and PostgreSQL (target: p50 ≤ 30 ms
warm).

What a page does around a place, for the 40 most populous communes with a point (Paris to small towns): the schools
within 30 km nearest first (`search_schools(around=…)` and its first 20 rows), the formations taught within 30 km
(`search_formations(around=…)` and its first 20 rows) and the distance line of those 20 cards (`teaching_near`).
Each database is measured in a fresh interpreter on the benchmark database of `bench_search` (BENCH_SQLITE_URL,
BENCH_PG_URL; created and imported on first use).

    make bench BENCH_ARGS=bench_nearby
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

from benchmarks.bench_search import _percentile, _postgres_ready

TARGET_P50_MS = 30.0
ROUNDS = 3
COMMUNES = 40
RADIUS_KM = 30

_WORKER = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
import django
django.setup()
from io import StringIO
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("import_opendata", "--if-changed", stdout=StringIO(), stderr=StringIO())
from benchmarks.bench_nearby import measure
print(json.dumps(measure()))
"""


def measure() -> dict:
    """Every call ROUNDS times in this process, after one warm-up pass; timings in ms."""
    import time

    from guidance.catalog.models import School
    from guidance.orientation.models import Commune
    from guidance.search.engine import search_formations, search_schools
    from guidance.search.nearby import Around, teaching_near

    communes = list(
        Commune.objects.exclude(latitude=None)
        .order_by("-population", "insee_code")
        .values_list("insee_code", "latitude", "longitude")[:COMMUNES]
    )

    def schools(around):
        return list(search_schools("", around=around)[:20])

    def formations(around):
        return list(search_formations("", around=around)[:20])

    def cards(around):
        return teaching_near(around, list(search_formations("", around=around)[:20]))

    calls = [
        (name, function) for name, function in (("schools", schools), ("formations", formations), ("cards", cards))
    ]
    arounds = [Around(lat, lon, RADIUS_KM) for _, lat, lon in communes]
    for around in arounds:  # warm-up: connection, caches, the index's pages
        for _, function in calls:
            function(around)
    timings: dict[str, list[float]] = {name: [] for name, _ in calls}
    worst = (0.0, "")
    for _round in range(ROUNDS):
        for (code, _, _), around in zip(communes, arounds, strict=True):
            for name, function in calls:
                started = time.perf_counter()
                function(around)
                elapsed = (time.perf_counter() - started) * 1000
                timings[name].append(elapsed)
                worst = max(worst, (elapsed, f"{name} around {code}"))
    every = [t for values in timings.values() for t in values]
    return {
        "schools": School.objects.count(),
        "placed": School.objects.exclude(latitude=None).count(),
        "calls": len(every),
        "p50": statistics.median(every),
        "p95": _percentile(every, 0.95),
        **{f"p50_{name}": statistics.median(values) for name, values in timings.items()},
        "worst": worst,
    }


def _run(label: str, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_ENV": "development", "DEBUG": "0"}
    env.setdefault("OPENDATA_DIR", settings.OPENDATA_DIR)
    completed = subprocess.run(
        [sys.executable, "-c", _WORKER], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=900
    )
    if completed.returncode != 0:
        print(f"{label}: FAILED\n{completed.stderr[-2000:]}")
        return
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    verdict = "OK" if result["p50"] <= TARGET_P50_MS else "OVER TARGET"
    print(
        f"{label}: {result['placed']} of {result['schools']} schools with a point, {result['calls']} calls around "
        f"{COMMUNES} communes ({RADIUS_KM} km) — p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms "
        f"(target p50 ≤ {TARGET_P50_MS:.0f} ms) {verdict}; p50 schools {result['p50_schools']:.1f} ms, "
        f"formations {result['p50_formations']:.1f} ms, cards {result['p50_cards']:.1f} ms; "
        f"slowest {result['worst'][0]:.1f} ms {result['worst'][1]}"
    )


def main() -> None:
    if not settings.OPENDATA_DIR or not Path(settings.OPENDATA_DIR).is_dir():
        print("OPENDATA_DIR absent: nothing to measure")
        return
    bench_dir = Path(tempfile.gettempdir()) / "guidance-bench"
    bench_dir.mkdir(exist_ok=True)
    _run("SQLite", os.environ.get("BENCH_SQLITE_URL", f"sqlite:///{bench_dir / 'catalog.sqlite3'}"))
    pg_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/guidance_bench")
    if _postgres_ready(pg_url):
        _run("PostgreSQL", pg_url)
    else:
        print(f"PostgreSQL: skipped ({pg_url} unreachable)")
