"""Catalogue search latency on the full open-data catalogue, on SQLite and on PostgreSQL (target: p95 < 30 ms).

Each database is measured in a fresh interpreter pointed at its own benchmark database (created, migrated and
imported with `import_opendata --if-changed` on first use, so later runs skip the import):
- SQLite: `guidance-bench/catalog.sqlite3` in the temporary directory (or BENCH_SQLITE_URL);
- PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/guidance_bench), skipped when unreachable.
Latency is one call of `search_formations` / `search_schools` plus loading its first page of 20 instances, as a
results page does.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

TARGET_P95_MS = 30.0
ROUNDS = 5
FORMATION_QUERIES = [
    ("cuisine", {}),
    ("cusine", {}),
    ("boulanger", {}),
    ("bac pro commerce", {}),
    ("mecanique auto", {}),
    ("mécanique automobile", {}),
    ("bts sio", {}),
    ("aide-soignant", {}),
    ("coiffure", {}),
    ("électricien", {}),
    ("plombier chauffagiste", {}),
    # Job words the diploma labels do not hold (issue 11: ROME titles → Certif Info → CFDs).
    ("cariste", {}),
    ("mécanicien poids lourds", {}),
    ("assistante maternelle", {}),
    ("plombier", {}),
    ("vente", {}),
    ("cap", {}),
    ("bac pro", {}),
    ("bts", {}),
    ("maintenance", {}),
    ("logistique", {"niveau": "4"}),
    ("commerce", {"voie": "apprentissage"}),
    ("cuisine", {"region": "76"}),
    ("", {"domaine": "221"}),
    ("", {"region": "11", "voie": "scolaire"}),
    ("informatique", {"niveau": "5", "region": "84"}),
]
SCHOOL_QUERIES = [
    ("jean jaures", {}),
    ("toulouse", {}),
    ("lycée professionnel marseille", {}),
    ("cfa btp", {}),
    ("0311147D", {}),
    ("31000", {}),
    ("haute-garonne", {}),
    ("lycee", {}),
    ("saint", {"kind": "lp"}),
    ("", {"region": "76", "sector": "prive"}),
]

_WORKER = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
import django
django.setup()
from io import StringIO
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("import_opendata", "--if-changed", stdout=StringIO(), stderr=StringIO())
from benchmarks.bench_search import measure
print(json.dumps(measure()))
"""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure() -> dict:
    """Run every query ROUNDS times in this process (after one warm-up pass); timings in ms."""
    import time

    from guidance.search.engine import search_formations, search_schools

    calls = [(search_formations, q, kw) for q, kw in FORMATION_QUERIES]
    calls += [(search_schools, q, kw) for q, kw in SCHOOL_QUERIES]
    for function, query, kwargs in calls:  # warm-up: vocabulary, connection, caches
        function(query, **kwargs)[:20]
    timings: dict[str, list[float]] = {"formations": [], "schools": []}
    worst = (0.0, "")
    for _round in range(ROUNDS):
        for function, query, kwargs in calls:
            started = time.perf_counter()
            list(function(query, **kwargs)[:20])
            elapsed = (time.perf_counter() - started) * 1000
            timings["formations" if function is search_formations else "schools"].append(elapsed)
            worst = max(worst, (elapsed, f"{function.__name__}({query!r}, {kwargs})"))
    from guidance.catalog.models import Formation, School

    every = timings["formations"] + timings["schools"]
    return {
        "formations": Formation.objects.count(),
        "schools": School.objects.count(),
        "calls": len(every),
        "p50": statistics.median(every),
        "p95": _percentile(every, 0.95),
        "p95_formations": _percentile(timings["formations"], 0.95),
        "p95_schools": _percentile(timings["schools"], 0.95),
        "worst": worst,
    }


def _postgres_ready(url: str) -> bool:
    """Create the benchmark database when the server answers; False when there is no server."""
    try:
        import psycopg
    except ImportError:
        return False
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return False
    return True


def _run(label: str, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_ENV": "development", "DEBUG": "0"}
    env.setdefault("OPENDATA_DIR", settings.OPENDATA_DIR)
    completed = subprocess.run(
        [sys.executable, "-c", _WORKER],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        print(f"{label}: FAILED\n{completed.stderr[-2000:]}")
        return
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    verdict = "OK" if result["p95"] < TARGET_P95_MS else "OVER TARGET"
    print(
        f"{label}: {result['formations']} formations, {result['schools']} schools, {result['calls']} calls — "
        f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms (target < {TARGET_P95_MS:.0f} ms) {verdict}; "
        f"p95 formations {result['p95_formations']:.1f} ms, schools {result['p95_schools']:.1f} ms; "
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


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
    import django

    django.setup()
    main()
