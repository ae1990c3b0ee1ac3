"""Page latency and SQL queries on the full catalogue, with the offline replica as the upstream.

Runs in a fresh interpreter on the SQLite benchmark database of bench_search (imported on first use). For each page
type, a handful of real pages: the first render with an empty indicators cache (upstream questions go to the
in-process replica) and later renders served from the cache. Targets: a cached page under 100 ms at p95 and in a
bounded number of queries (no N+1).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

WARM_ROUNDS = 5
TARGET_WARM_P95_MS = 100.0

_WORKER = """
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
import django
django.setup()
from io import StringIO
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("import_opendata", "--if-changed", stdout=StringIO(), stderr=StringIO())
from benchmarks.bench_pages import measure
print(json.dumps(measure()))
"""


def _pages() -> dict[str, list[str]]:
    from django.db.models import Count

    from guidance.catalog.models import Formation, School

    formations = list(
        Formation.objects.filter(has_figures=True).order_by("-offer_count", "cfd").values_list("cfd", flat=True)[:5]
    )
    schools = list(
        School.objects.annotate(n=Count("offers"))
        .filter(n__gt=10)
        .order_by("-n", "uai")
        .values_list("uai", flat=True)[:5]
    )
    return {
        "formation": [f"/formations/{cfd}/" for cfd in formations],
        "formation+region": [f"/formations/{cfd}/?region=76" for cfd in formations],
        "school": [f"/etablissements/{uai}/" for uai in schools],
        # Hot paths: partners' pages call these on every view (before any shared cache).
        "embed": [f"/formations/{cfd}/integrer/" for cfd in formations],
        "embed+region": [f"/formations/{cfd}/integrer/?region=76&layout=full" for cfd in formations],
        "badge": [f"/formations/{cfd}/badge.svg?region=76" for cfd in formations],
        "export json": [f"/formations/{cfd}/export.json" for cfd in formations],
        "formation search": ["/formations/?q=cuisine", "/formations/?q=bac+pro+commerce", "/formations/?q=bts"],
        "school search": ["/etablissements/?q=toulouse", "/etablissements/?q=lycee+professionnel"],
        "home": ["/"],
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure() -> dict:
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from guidance.indicators import service
    from guidance.indicators.models import CacheEntry
    from guidance.replica.app import get_default_app

    service.reset_for_tests(refresh_mode="off")
    CacheEntry.objects.all().delete()
    client = Client()
    # Load the replica's dataset (≈1 s, once per process) and the search vocabulary outside the timings.
    get_default_app()
    client.get("/formations/?q=x")
    report = {}
    for kind, urls in _pages().items():
        cold, warm, queries = [], [], []
        for url in urls:
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            cold.append((time.perf_counter() - started) * 1000)
            for _ in range(WARM_ROUNDS):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    client.get(url)
                    warm.append((time.perf_counter() - started) * 1000)
                queries.append(len(captured))
        report[kind] = {
            "pages": len(urls),
            "cold_median": sorted(cold)[len(cold) // 2],
            "cold_max": max(cold),
            "warm_p50": _percentile(warm, 0.5),
            "warm_p95": _percentile(warm, 0.95),
            "queries_max": max(queries),
        }
    return report


def main() -> None:
    bench_dir = Path(tempfile.gettempdir()) / "guidance-bench"
    bench_dir.mkdir(exist_ok=True)
    database_url = os.environ.get("BENCH_SQLITE_URL", f"sqlite:///{bench_dir / 'catalog.sqlite3'}")
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_ENV": "development", "DEBUG": "0", "LOG_LEVEL": "ERROR"}
    env.pop("INSERJEUNES_API_URL", None)  # the in-process replica, as in development and CI
    env.setdefault("OPENDATA_DIR", settings.OPENDATA_DIR)
    done = subprocess.run(
        [sys.executable, "-c", _WORKER],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for kind, row in report.items():
        verdict = "OK" if row["warm_p95"] < TARGET_WARM_P95_MS else "SLOW"
        print(
            f"{kind:<17} {row['pages']} pages — empty cache: median {row['cold_median']:.0f} ms, "
            f"max {row['cold_max']:.0f} ms; cached: p50 {row['warm_p50']:.1f} ms, p95 {row['warm_p95']:.1f} ms "
            f"(target < {TARGET_WARM_P95_MS:.0f} ms) {verdict}; at most {row['queries_max']} SQL queries"
        )
