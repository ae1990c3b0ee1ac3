"""The replica's start-up time and memory (targets: < 5 s, < 300 MB) and its answer times in process.

Start-up is measured in a fresh interpreter so the resident memory is the replica's own (Python + Django + data).
"""

import json
import statistics
import subprocess
import sys
import time

from django.conf import settings

_PROBE = """
import json, os, resource, sys, time, tracemalloc
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
import django
django.setup()
from guidance.replica.dataset import load_dataset
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
dataset = load_dataset(sys.argv[1])
seconds = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
# A second load under tracemalloc (slow) tells what the dataset itself holds.
del dataset
tracemalloc.start()
dataset = load_dataset(sys.argv[1])
current, peak = tracemalloc.get_traced_memory()
print(json.dumps({
    "seconds": seconds,
    "held_mb": current / 2**20,
    "peak_mb": peak / 2**20,
    "rss_mb": rss / 1024,
    "rss_before_mb": before / 1024,
    "national": len(dataset.national),
    "regional": len(dataset.regional),
    "uais": len(dataset.uais),
}))
"""

PATHS = [
    "/api/inserjeunes/certifications/23830023102",
    "/api/inserjeunes/certifications/23810031211",
    "/api/inserjeunes/certifications/40031212?vue=filieres",
    "/api/inserjeunes/regionales/75001/certifications/23830031212",
    "/api/inserjeunes/certifications/00000000",
]


def main() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, settings.OPENDATA_DIR], capture_output=True, text=True, check=True
    )
    numbers = json.loads(probe.stdout.strip().splitlines()[-1])
    print(f"start-up (load_dataset, cold interpreter): {numbers['seconds']:.2f} s   target < 5 s")
    print(
        f"memory: {numbers['held_mb']:.0f} MB held by the dataset (peak {numbers['peak_mb']:.0f} MB while loading), "
        f"process RSS {numbers['rss_mb']:.0f} MB (Django alone {numbers['rss_before_mb']:.0f} MB)   target < 300 MB"
    )
    print(f"indexes: {numbers['national']} national codes, {numbers['regional']} region × code, {numbers['uais']} UAI")

    import httpx

    from guidance.replica.app import create_app
    from guidance.replica.dataset import load_dataset

    app = create_app(load_dataset(settings.OPENDATA_DIR), api_key="bench")
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://replica.local") as client:
        for path in PATHS:
            timings = []
            for _ in range(200):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            print(f"{path}: median {statistics.median(timings):.2f} ms, p95 {timings[int(len(timings) * 0.95)]:.2f} ms")
        started = time.perf_counter()
        response = client.get("/api/inserjeunes/regionales.csv", params={"items_par_page": 100000, "apiKey": "bench"})
        print(
            f"/regionales.csv, every row of the latest period: {time.perf_counter() - started:.2f} s, "
            f"{len(response.content) / 2**20:.1f} MB"
        )
