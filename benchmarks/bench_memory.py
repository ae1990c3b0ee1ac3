"""Memory of one worker over many distinct URLs: one gunicorn worker (production settings, the replica in process),
20,000 requests each on a URL not asked before (formation pages, embeds and badges of distinct formation × region
pairs: every one asks the upstream questions of its own, many answered "no data"). Target: the worker's RSS grows by
less than 50 MB from the 5,000th request to the 20,000th (per-process memos bounded in bytes, no exception kept).

Prints the worker's RSS every 2,500 requests. Needs the full open data (OPENDATA_DIR). Knobs: BENCH_MEMORY_REQUESTS
(20000), BENCH_MEMORY_CLIENTS (4 concurrent connections), BENCH_MEMORY_DB (a SQLite URL; default a file of its own).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings

from benchmarks.bench_http import BASE, Gunicorn, _env, _free_port, _manage

REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", 20_000))
CLIENTS = int(os.environ.get("BENCH_MEMORY_CLIENTS", 4))
WARM_UP = 5_000
SAMPLE_EVERY = 2_500
TARGET_GROWTH_MB = 50

_URLS = """
import os, random
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
import django
django.setup()
from guidance.catalog.models import Formation
from guidance.inserjeunes.territories import REGIONS
pairs = [(cfd, region) for cfd in Formation.objects.order_by("cfd").values_list("cfd", flat=True) for region in REGIONS]
random.Random(19).shuffle(pairs)
kinds = ("/formations/{cfd}/?region={region}", "/formations/{cfd}/integrer/?region={region}",
         "/formations/{cfd}/badge.svg?region={region}")
for number, (cfd, region) in enumerate(pairs[: int(os.environ["BENCH_MEMORY_REQUESTS"])]):
    print(kinds[number % 3].format(cfd=cfd, region=region))
"""


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"one gunicorn worker expected, found {children}")
    return int(children[0])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def _drive(port: int, urls: list[str], pid: int) -> tuple[dict[int, float], dict[int, int], float]:
    """Ask every URL once, `CLIENTS` at a time on keep-alive connections; RSS sampled every `SAMPLE_EVERY`."""
    lock = threading.Lock()
    state = {"next": 0, "done": 0}
    samples: dict[int, float] = {0: _rss_mb(pid)}
    statuses: dict[int, int] = {}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if state["next"] >= len(urls):
                    break
                url = urls[state["next"]]
                state["next"] += 1
            try:
                connection.request("GET", url)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                state["done"] += 1
                if state["done"] % SAMPLE_EVERY == 0:
                    samples[state["done"]] = _rss_mb(pid)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples[len(urls)] = _rss_mb(pid)
    return samples, statuses, time.monotonic() - started


def main() -> None:
    if not settings.OPENDATA_DIR or not Path(settings.OPENDATA_DIR).is_dir():
        print("OPENDATA_DIR absent: nothing to measure")
        return
    work = Path(tempfile.gettempdir()) / "guidance-bench-memory"
    work.mkdir(exist_ok=True)
    port = _free_port()
    env = _env(os.environ.get("BENCH_MEMORY_DB", f"sqlite:///{work / 'catalog.sqlite3'}"), port)
    # One worker, never recycled during the run: its memory is what is measured.
    env.update(GUNICORN_WORKERS="1", GUNICORN_MAX_REQUESTS="0", GUNICORN_MAX_REQUESTS_JITTER="0")
    # The replica's private lists open, as the real API's are to the site: pages ask the regional peers too.
    env.setdefault("REPLICA_API_KEY", "bench-replica-key")
    env["BENCH_MEMORY_REQUESTS"] = str(REQUESTS)
    _manage(env, "migrate", "--noinput")
    _manage(env, "import_opendata", "--if-changed")
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "indicators_purge", "--all")
    listing = subprocess.run(
        [sys.executable, "-c", _URLS], env=env, cwd=BASE, capture_output=True, text=True, check=True
    ).stdout.split()
    urls = list(dict.fromkeys(listing))
    print(f"{len(urls)} distinct URLs, {CLIENTS} connections, one worker ({env.get('GUNICORN_THREADS', 4)} threads)")
    with Gunicorn(env, work) as server:
        pid = _worker_pid(server.process.pid)
        samples, statuses, took = _drive(port, urls, pid)
    print("| requests | worker RSS |")
    print("|---|---|")
    for done, rss in sorted(samples.items()):
        print(f"| {done:,} | {rss:.0f} MB |")
    warm = samples.get(WARM_UP, samples[min(samples, key=lambda n: abs(n - WARM_UP))])
    growth = samples[len(urls)] - warm
    print(f"statuses: {dict(sorted(statuses.items()))}; {len(urls) / took:.0f} req/s over {took:.0f} s")
    verdict = "OK" if growth < TARGET_GROWTH_MB else "OVER TARGET"
    print(
        f"RSS growth after the first {WARM_UP:,} requests: {growth:+.1f} MB "
        f"(target < {TARGET_GROWTH_MB} MB over {len(urls):,} distinct URLs): {verdict}"
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
    import django

    django.setup()
    main()
