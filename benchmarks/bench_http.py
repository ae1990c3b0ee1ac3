"""Pages as a visitor's traffic hits them: gunicorn (the project's gunicorn.conf.py, production settings) + wrk.

For each database (SQLite file; PostgreSQL `BENCH_PG_URL` when it answers): migrate and import into a bench
database, start gunicorn, measure one cold formation page's upstream calls, warm the figure cache (the replica in
process), then for each page `wrk -t2 -c20 -d10s --latency`, as a share of a minimal Django view served by the same
gunicorn in the same run; then a mixed load (50 connections, `BENCH_MIXED_SECONDS`, default 120) rotating the URLs,
with its errors (non-2xx/3xx and socket errors). Last, the bytes of a first visit of a formation page in headless
Chromium at phone width. Prints a table (the numbers go in the issue's closing note, not in a file).

Needs `wrk` (the Makefile's `bench` target installs Debian's) and, for the first visit, /usr/bin/chromium.
Knobs: BENCH_SECONDS (10), BENCH_MIXED_SECONDS (120), BENCH_SQLITE_URL, BENCH_PG_URL, BENCH_DATABASES
(sqlite,postgres), PAGECACHE_ENABLED=0 (measure the render path), GUNICORN_WORKER_CLASS / GUNICORN_WORKERS /
GUNICORN_THREADS (passed to gunicorn.conf.py), BENCH_ACCEPT_ENCODING (what wrk asks for; "gzip, deflate, br" as a
browser by default, empty for a client asking for nothing).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from benchmarks.bench_search import _postgres_ready

BASE = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
MIXED_SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", 120))
MINIMAL = "/__bench__/minimal/"
FIXED_PAGES = [
    "/formations/40031213/",
    "/formations/50022139/?region=76",
    "/etablissements/0010001W/",
    "{pair}",
    "/formations/?q=cuisine",
    "/etablissements/?q=lyon",
    "/",
]
FIRST_VISIT = "/formations/40031213/"

# One school × formation pair with figures, from the bench catalogue.
_PAIR = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
import django
django.setup()
from guidance.catalog.models import Offer
offer = (Offer.objects.filter(formation__has_figures=True, school__uai="0010001W").select_related("school", "formation")
         .order_by("formation__cfd").first()
         or Offer.objects.filter(formation__has_figures=True).select_related("school", "formation")
         .order_by("school__uai", "formation__cfd").first())
print(f"/etablissements/{offer.school.uai}/formations/{offer.formation.cfd}/")
"""

_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(database_url: str, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        # The site's settings with the bench's URLconf (the site's URLs + the minimal view), never deployed.
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-only-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DEBUG": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    env.setdefault("OPENDATA_DIR", settings.OPENDATA_DIR)
    return env


def _manage(env: dict, *args: str, timeout: int = 1800) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], env=env, cwd=BASE, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _get(port: int, path: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        response.read()
        return response.status


class Gunicorn:
    def __init__(self, env: dict, log_dir: Path):
        self.env = env
        self.log = log_dir / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.env["GUNICORN_ACCESSLOG"] = str(self.log.with_name("access.log"))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "guidance.wsgi"],
            env=self.env,
            cwd=BASE,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )
        port = int(self.env["GUNICORN_BIND"].rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(port, MINIMAL) == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()[-2000:]}")

    def upstream_calls(self) -> int:
        return self.log.read_text().count("inserjeunes GET ")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


# Browsers, crawlers and CDNs all ask for gzip, and the page cache keeps pages gzipped: a hit is then sent as stored.
# BENCH_ACCEPT_ENCODING="" measures a client that asks for nothing (each hit decompressed: ~1 ms for a 130 KB page).
ACCEPT_ENCODING = os.environ.get("BENCH_ACCEPT_ENCODING", "gzip, deflate, br")


def wrk(url: str, connections: int, seconds: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if ACCEPT_ENCODING:
        command += ["-H", f"Accept-Encoding: {ACCEPT_ENCODING}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    if "Requests/sec" not in out or "Latency Distribution" not in out:
        print(f"wrk gave no usable numbers for {url}:\n{out[-1500:]}", flush=True)
        return {"rps": 0.0, "p50": float("nan"), "p99": float("nan"), "errors": -1, "requests": 0}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(m) for p, m in re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M)}
    non_2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = sum(int(n) for line in re.findall(r"Socket errors: (.*)", out) for n in re.findall(r"\d+", line))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": rps,
        "p50": latency.get("50", float("nan")),
        "p99": latency.get("99", float("nan")),
        "errors": non_2xx + socket_errors,
        "requests": total,
        "detail": "; ".join(re.findall(r"(Socket errors: .*|Non-2xx or 3xx responses: \d+)", out)),
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def first_visit_bytes(port: int) -> tuple[int, int]:
    """(bytes transferred, requests) for a first visit of a formation page at phone width (CDP encodedDataLength)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=3)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        sizes: dict[str, float] = {}
        cdp.on(
            "Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"])
        )
        page.goto(f"http://127.0.0.1:{port}{FIRST_VISIT}", wait_until="networkidle")
        page.wait_for_timeout(500)
        browser.close()
    return int(sum(sizes.values())), len(sizes)


def _row(label: str, result: dict, base_rps: float) -> str:
    share = 100 * result["rps"] / base_rps if base_rps else 0
    return (
        f"| `{label}` | {result['rps']:,.0f} | {share:.1f} % | {result['p50']:.1f} ms | {result['p99']:.1f} ms "
        f"| {result['errors']} |"
    )


def run(label: str, database_url: str, work: Path) -> None:
    port = _free_port()
    env = _env(database_url, port)
    print(
        f"\n## {label} ({env.get('GUNICORN_WORKER_CLASS', 'gthread')}, page cache "
        f"{'off' if env.get('PAGECACHE_ENABLED') == '0' else 'on'}, "
        f"wrk asks Accept-Encoding: {ACCEPT_ENCODING or 'nothing'})",
        flush=True,
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "import_opendata", "--if-changed")
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "indicators_purge", "--all")
    pair = subprocess.run(
        [sys.executable, "-c", _PAIR], env=env, cwd=BASE, capture_output=True, text=True, check=True
    ).stdout.strip()
    pages = [p.format(pair=pair) for p in FIXED_PAGES]
    base = f"http://127.0.0.1:{port}"
    with Gunicorn(env, work) as server:
        before = server.upstream_calls()
        started = time.perf_counter()
        _get(port, FIRST_VISIT)
        cold_ms = (time.perf_counter() - started) * 1000
        cold_calls = server.upstream_calls() - before
        for path in pages:  # warm the figure cache, then the page cache of every worker (a short burst each)
            _get(port, path)
            wrk(base + path, 20, 1)
        # The yardstick is measured before and after the pages (a machine shared with other work drifts): the
        # shares are of the mean of the two runs.
        first = wrk(base + MINIMAL, 20, SECONDS)
        results = {path: wrk(base + path, 20, SECONDS) for path in pages}
        last = wrk(base + MINIMAL, 20, SECONDS)
        results[MINIMAL] = {
            key: (first[key] + last[key]) / 2 if key in ("rps", "p50", "p99") else first[key] + last[key]
            for key in ("rps", "p50", "p99", "errors", "requests")
        }
        print(f"minimal view: {first['rps']:,.0f} req/s before the pages, {last['rps']:,.0f} after", flush=True)
        script = work / "mixed.lua"
        script.write_text(_LUA % ", ".join(f'"{p}"' for p in pages))
        mixed = wrk(base + "/", 50, MIXED_SECONDS, script)
        try:
            visit_bytes, visit_requests = first_visit_bytes(port)
        except Exception as exc:  # no Chromium: the other numbers still stand
            visit_bytes, visit_requests = -1, repr(exc)[:80]
    base_rps = results[MINIMAL]["rps"]
    print("| page | req/s | share of the minimal view | p50 | p99 | errors |")
    print("|---|---|---|---|---|---|")
    print(_row("minimal Django view (mean of 2 runs)", results[MINIMAL], base_rps))
    for path in pages:
        print(_row(path, results[path], base_rps))
    print(
        f"\nmixed load, 50 connections, {MIXED_SECONDS} s: {mixed['rps']:,.0f} req/s, p50 {mixed['p50']:.1f} ms, "
        f"p99 {mixed['p99']:.1f} ms, {mixed['errors']} errors in {mixed['requests']:,} requests {mixed['detail']}"
    )
    print(f"cold formation page {FIRST_VISIT}: {cold_calls} upstream call(s), {cold_ms:.0f} ms")
    print(f"first visit of {FIRST_VISIT} at phone width: {visit_bytes / 1024:.0f} KB in {visit_requests} requests")


def main() -> None:
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


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
    import django

    django.setup()
    main()
