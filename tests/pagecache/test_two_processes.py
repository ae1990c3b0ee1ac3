"""Issue 10 acceptance: two app processes sharing one PostgreSQL and one Redis.

- a page cached by one is served by the other;
- 20 concurrent cold visits across both make one upstream call per distinct question (the page cache, and under
  it the cross-process single flight of `guidance.indicators.singleflight`: PostgreSQL advisory locks).

Three subprocesses: the replica (`serve_replica`, its request log counted) and two gunicorn servers with the
project's gunicorn.conf.py, all stopped at the end. Skipped, saying why, without PostgreSQL or Redis.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_formation, real_bac_pro

# Redis db 2 is flushed here and by test_page_cache: one worker runs them all (make test: --dist loadgroup).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("redis")]

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = "redis://127.0.0.1:6379/2"
API_KEY = "two-processes-key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_or_skip():
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")
    return client


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, str, bytes]:
    # One public host name for both, as behind the proxy in front of them (the page key holds the absolute URL).
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("X-Page-Cache", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", error.read()


def _wait_until_up(port: int, process: subprocess.Popen, log: Path, path: str = "/healthz") -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"process on port {port} died:\n{log.read_text()[-3000:]}")
        try:
            _get(port, path, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answers on port {port}:\n{log.read_text()[-3000:]}")


@pytest.fixture
def servers(tmp_path, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): SQLite has no cross-process single flight")
    redis_client = _redis_or_skip()
    redis_client.flushdb()  # db 2 is this test's own
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guidance.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "OPENDATA_DIR": settings.OPENDATA_DIR,
    }
    replica_port = _free_port()
    ports = [_free_port(), _free_port()]
    processes = []
    logs = {}
    handles = []

    def log_to(name):
        logs[name] = tmp_path / f"{name}.log"
        handles.append(logs[name].open("w"))
        return handles[-1]

    try:
        replica = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve_replica",
                "--port",
                str(replica_port),
                "--api-key",
                API_KEY,
                "--latency-ms",
                "150",
            ],
            cwd=ROOT,
            env={**base_env, "LOG_LEVEL": "DEBUG"},
            stdout=subprocess.DEVNULL,
            stderr=log_to("replica"),
        )
        processes.append(replica)
        _wait_until_up(replica_port, replica, logs["replica"], "/api")
        app_env = {
            **base_env,
            "REDIS_URL": REDIS_URL,
            "INSERJEUNES_API_URL": f"http://127.0.0.1:{replica_port}",
            "INSERJEUNES_API_KEY": API_KEY,
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "10",
            "GUNICORN_ACCESSLOG": "",
        }
        for index, port in enumerate(ports):
            app = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "guidance.wsgi"],
                cwd=ROOT,
                env={**app_env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=log_to(f"app{index}"),
            )
            processes.append(app)
            _wait_until_up(port, app, logs[f"app{index}"])
        yield ports, logs["replica"]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for handle in handles:
            handle.close()
        redis_client.flushdb()


def _upstream_calls(replica_log: Path) -> Counter:
    return Counter(re.findall(r'"GET (/api/inserjeunes/\S+) HTTP', replica_log.read_text()))


def test_two_app_processes_share_the_page_cache_and_make_one_upstream_call_per_question(servers):
    real = real_bac_pro()
    make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    (port_a, port_b), replica_log = servers
    url = f"/formations/{real.cfd}/"

    with ThreadPoolExecutor(max_workers=20) as pool:
        visits = list(pool.map(lambda i: _get((port_a, port_b)[i % 2], url), range(20)))

    assert {status for status, _, _ in visits} == {200}
    calls = _upstream_calls(replica_log)
    assert calls, "the cold visits asked the replica nothing: the test would prove nothing"
    assert {path: n for path, n in calls.items() if n > 1} == {}  # one call per distinct question

    # A page cached by one process is served by the other.
    other = f"{url}?region=11"
    status_a, state_a, body_a = _get(port_a, other)
    status_b, state_b, body_b = _get(port_b, other)
    assert (status_a, state_a) == (200, "miss")
    assert (status_b, state_b) == (200, "hit")
    assert body_b == body_a
