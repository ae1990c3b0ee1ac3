"""The long tail (issue 24): real traffic spread over the site's own sitemap, not a handful of hot pages.

Protocol, for each database (SQLite file; PostgreSQL `BENCH_PG_URL` when it answers), gunicorn as
`gunicorn.conf.py` sets it with production settings (as bench_http):
1. `BENCH_LONGTAIL_PAGES` (2,000) formation and school pages drawn at random, seed `BENCH_LONGTAIL_SEED` (24), from
   the sitemap the site serves (its index, then every section);
2. a cold pass: the figure cache and the page cache emptied, every page requested once, 4 at a time, as a crawler
   does: pages/s, p50, p99;
3. wrk, 20 connections, `BENCH_SECONDS` (10) against the minimal view, then the pages at random (a Lua script
   reading the URL list), then the minimal view again: req/s as a share of the minimal view's (mean of its two
   runs), p50, p99, errors;
4. in process (Django's test client, page cache off, figures warm): the render time of formation, school and
   school × formation pages (`RENDER_PAGES` of each, drawn with the same seed), p50 / p90 and SQL queries.
`BENCH_LONGTAIL_ONLY=render` runs step 4 alone (no gunicorn, no wrk): the quick loop when tuning templates;
`BENCH_RENDER_REPEAT=5` times each page 5 times and keeps the fastest (1 by default).
Each line states the load average (`uptime`) when it was measured: the machine has 2 cores and is shared.
Targets (issue 24): long tail ≥ 10 % of the minimal view and p99 ≤ 250 ms; cold pass p99 ≤ 500 ms; formation
render ≤ 8 ms.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from benchmarks.bench_http import ACCEPT_ENCODING, MINIMAL, SECONDS, Gunicorn, _env, _free_port, _manage, wrk
from benchmarks.bench_search import _postgres_ready

PAGES = int(os.environ.get("BENCH_LONGTAIL_PAGES", 2000))
SEED = int(os.environ.get("BENCH_LONGTAIL_SEED", 24))
CRAWLERS = 4
RENDER_PAGES = 30
ONLY = os.environ.get("BENCH_LONGTAIL_ONLY", "")
# Each page rendered this many times, the fastest kept: on a shared machine, the fastest approaches a quiet one.
RENDER_REPEAT = int(os.environ.get("BENCH_RENDER_REPEAT", 1))
TARGET_SHARE, TARGET_P99_MS, TARGET_COLD_P99_MS, TARGET_RENDER_MS = 10.0, 250.0, 500.0, 8.0

# Each wrk thread draws its own sequence (seeded by its number) from the same list.
_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", %d + counter)
end
function init(args)
  math.randomseed(seed)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""

_RENDER = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
import django
django.setup()
from benchmarks.bench_longtail import render_times
print(json.dumps(render_times(%d)))
"""


def load() -> str:
    """The 1-minute load average, as `uptime` says it."""
    return f"load {os.getloadavg()[0]:.2f}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def sitemap_paths(base: str) -> list[str]:
    """Every formation and school page of the sitemap the site serves (paths, no host)."""
    locs = re.findall(r"<loc>([^<]+)</loc>", _fetch(base + "/sitemap.xml"))
    paths: list[str] = []
    for section in locs:
        if "formations" in section or "etablissements" in section:
            paths += [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", _fetch(section))]
    return paths


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode()


def draw(paths: list[str], count: int = PAGES, seed: int = SEED) -> list[str]:
    """`count` of `paths` at random, the same ones for the same list and seed."""
    return random.Random(seed).sample(sorted(paths), min(count, len(paths)))


def cold_pass(base: str, paths: list[str]) -> dict:
    """Every path once, `CRAWLERS` at a time: pages/s, latency percentiles (ms), non-200 answers."""

    def one(path: str) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return (time.perf_counter() - started) * 1000, status

    started = time.perf_counter()
    with ThreadPoolExecutor(CRAWLERS) as pool:
        done = list(pool.map(one, paths))
    elapsed = time.perf_counter() - started
    latencies = [ms for ms, _ in done]
    return {
        "pages_per_s": len(paths) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "errors": sum(1 for _, status in done if status != 200),
    }


def render_times(count: int) -> dict:
    """In process, page cache off, figures warm: render time (ms) and SQL queries per page type."""
    import time

    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from guidance.catalog.models import Formation, Offer, School

    rng = random.Random(SEED)
    formations = list(Formation.objects.order_by("cfd").values_list("cfd", flat=True))
    schools = list(School.objects.order_by("uai").values_list("uai", flat=True))
    offers = list(Offer.objects.order_by("pk").values_list("school__uai", "formation__cfd"))
    kinds = {
        "formation": [f"/formations/{cfd}/" for cfd in rng.sample(formations, min(count, len(formations)))],
        "school": [f"/etablissements/{uai}/" for uai in rng.sample(schools, min(count, len(schools)))],
        "school × formation": [
            f"/etablissements/{uai}/formations/{cfd}/" for uai, cfd in rng.sample(offers, min(count, len(offers)))
        ],
    }
    client = Client(HTTP_HOST="127.0.0.1")  # production settings: an allowed host
    report = {}
    with override_settings(PAGECACHE_ENABLED=False):
        for kind, urls in kinds.items():
            times, queries, sizes = [], [], []
            for url in urls:
                client.get(url)  # figures fetched and memoised: what follows is the render
                fastest = float("inf")
                for _ in range(RENDER_REPEAT):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(url)
                        fastest = min(fastest, (time.perf_counter() - started) * 1000)
                times.append(fastest)
                queries.append(len(captured))
                sizes.append(len(response.content))
            report[kind] = {
                "p50": percentile(times, 0.5),
                "p90": percentile(times, 0.9),
                "queries": max(queries),
                "kb": percentile(sizes, 0.5) / 1024,
            }
    return report


def run(label: str, database_url: str, work: Path) -> None:
    port = _free_port()
    env = _env(database_url, port)
    print(f"\n## {label} (wrk asks Accept-Encoding: {ACCEPT_ENCODING or 'nothing'})", flush=True)
    _manage(env, "migrate", "--noinput")
    _manage(env, "import_opendata", "--if-changed")
    _manage(env, "collectstatic", "--noinput", "-v0")
    if ONLY == "render":
        render_lines(env)
        return
    _manage(env, "indicators_purge", "--all")
    _manage(env, "pagecache_purge")
    base = f"http://127.0.0.1:{port}"
    with Gunicorn(env, work):
        paths = draw(sitemap_paths(base))
        urls = work / "longtail.txt"
        urls.write_text("\n".join(paths) + "\n")
        cold_load = load()
        cold = cold_pass(base, paths)
        first = wrk(base + MINIMAL, 20, SECONDS)
        script = work / "longtail.lua"
        script.write_text(_LUA % (urls, SEED))
        tail_load = load()
        tail = wrk(base + "/", 20, SECONDS, script)
        last = wrk(base + MINIMAL, 20, SECONDS)
    minimal = (first["rps"] + last["rps"]) / 2
    share = 100 * tail["rps"] / minimal if minimal else 0.0
    print(
        f"cold pass, {len(paths)} pages, {CRAWLERS} at a time ({cold_load}): {cold['pages_per_s']:.0f} pages/s, "
        f"p50 {cold['p50']:.0f} ms, p99 {cold['p99']:.0f} ms (target ≤ {TARGET_COLD_P99_MS:.0f}), "
        f"{cold['errors']} non-200"
    )
    print(
        f"long tail, 20 connections, {SECONDS} s ({tail_load}): {tail['rps']:,.0f} req/s = {share:.1f} % of the "
        f"minimal view ({first['rps']:,.0f} / {last['rps']:,.0f} req/s before / after; target ≥ {TARGET_SHARE:.0f} "
        f"%), p50 {tail['p50']:.1f} ms, p99 {tail['p99']:.1f} ms (target ≤ {TARGET_P99_MS:.0f}), "
        f"{tail['errors']} errors in {tail['requests']:,} requests"
    )
    render_lines(env)


def render_lines(env: dict[str, str]) -> None:
    """Step 4, in a fresh process with the bench's environment: one line per page type."""
    render_load = load()
    done = subprocess.run(
        [sys.executable, "-c", _RENDER % RENDER_PAGES],
        env={**env, "LOG_LEVEL": "ERROR"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        print(f"in-process render failed:\n{done.stderr[-1500:]}")
        return
    for kind, row in json.loads(done.stdout.strip().splitlines()[-1]).items():
        target = f" (target ≤ {TARGET_RENDER_MS:.0f} ms)" if kind == "formation" else ""
        print(
            f"in-process render, {kind} ({render_load}): p50 {row['p50']:.1f} ms{target}, p90 {row['p90']:.1f} ms, "
            f"at most {row['queries']} SQL queries, {row['kb']:.0f} KB of HTML"
        )


def main() -> None:
    import shutil

    if not shutil.which("wrk"):
        print("wrk absent: `make bench` installs it (Debian package wrk)")
        return
    if not settings.OPENDATA_DIR or not Path(settings.OPENDATA_DIR).is_dir():
        print("OPENDATA_DIR absent: nothing to measure")
        return
    work = Path(tempfile.gettempdir()) / "guidance-bench-http"
    work.mkdir(exist_ok=True)
    wanted = set(os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(","))
    if "sqlite" in wanted:
        run("SQLite", os.environ.get("BENCH_SQLITE_URL", f"sqlite:///{work / 'catalog.sqlite3'}"), work)
    if "postgres" in wanted:
        pg_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/guidance_bench")
        if _postgres_ready(pg_url):
            run("PostgreSQL", pg_url, work)
        else:
            print(f"PostgreSQL: skipped ({pg_url} unreachable)")
