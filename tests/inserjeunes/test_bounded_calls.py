"""A call to the upstream is bounded: a deadline for the whole of it (connect, headers, every read of a body that
drips) and a maximum answer size, streamed and cut. Against real sockets on loopback (tests/loopback.py).

The bounds asserted here are generous: they prove the deadline exists (a hanging or dripping upstream would hold the
call for minutes without it); the speed of pages is measured by the benchmarks and the acceptance numbers."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.codes import parse_certification
from guidance.inserjeunes.errors import Unavailable, UnavailableCause
from guidance.inserjeunes.routes import national_request
from tests.inserjeunes.conftest import payload
from tests.loopback import Loopback, answer_json, drip, hang, huge

REQUEST = national_request(parse_certification("CFD:40031212"))
MB = 1_000_000


_clients: list[InserJeunesClient] = []


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    while _clients:
        _clients.pop().close()


def _client(url: str, **limits) -> InserJeunesClient:
    options = {"connect_timeout": 1.0, "read_timeout": 5.0, "call_timeout": 1.0, "max_answer_bytes": 5 * MB}
    _clients.append(InserJeunesClient(url, user_agent="tests", **{**options, **limits}))
    return _clients[-1]


def _timed_failure(client: InserJeunesClient, **kwargs) -> tuple[Unavailable, float]:
    started = time.monotonic()
    with pytest.raises(Unavailable) as excinfo:
        client.fetch(REQUEST, **kwargs)
    return excinfo.value, time.monotonic() - started


def test_a_normal_answer_goes_through():
    with Loopback(answer_json(payload("national_apprentissage"))) as upstream:
        client = _client(upstream.url)
        fetched = client.fetch(REQUEST)
    assert fetched.payload["code_certification"] == "40031212"


def test_a_hanging_upstream_ends_at_the_calls_deadline_not_at_its_read_timeout():
    with Loopback(hang) as upstream:
        error, took = _timed_failure(_client(upstream.url, read_timeout=30.0, call_timeout=1.0))
    assert error.cause is UnavailableCause.TIMEOUT
    assert took < 10  # the read timeout (30 s) never comes into it


def test_a_dripping_body_ends_at_the_calls_deadline_though_no_read_ever_times_out():
    # One byte every 0.3 s never trips a 5 s read timeout: only a deadline for the whole call ends it.
    with Loopback(drip(0.3, length=2000)) as upstream:
        client = _client(upstream.url, read_timeout=5.0, call_timeout=1.5)
        error, took = _timed_failure(client)
        upstream.behave(answer_json(payload("national_apprentissage")))
        assert client.fetch(REQUEST).payload  # the cut connection was thrown away, not reused
    assert error.cause is UnavailableCause.TIMEOUT
    assert took < 10  # dripped to its end, the body would take 600 s


def test_a_callers_sooner_deadline_wins_over_the_calls_own():
    with Loopback(drip(0.3)) as upstream:
        error, took = _timed_failure(_client(upstream.url, call_timeout=60.0), deadline=time.monotonic() + 1.0)
    assert error.cause is UnavailableCause.TIMEOUT
    assert took < 10


def test_no_call_is_made_once_the_deadline_has_passed():
    with Loopback(answer_json(payload("national_apprentissage"))) as upstream:
        error, _ = _timed_failure(_client(upstream.url), deadline=time.monotonic() - 1)
        assert upstream.paths == []
    assert error.cause is UnavailableCause.TIMEOUT


def test_a_huge_answer_is_cut_at_the_size_limit_while_it_streams():
    with Loopback(huge(200 * MB)) as upstream:
        error, _ = _timed_failure(_client(upstream.url, call_timeout=30.0, max_answer_bytes=5 * MB))
        sent = upstream.sent
    assert error.cause is UnavailableCause.TOO_LARGE
    # The client stopped reading past 5 MB: what was written is that plus what the sockets' buffers took.
    assert sent < 40 * MB


def test_an_announced_length_above_the_limit_is_refused_before_reading():
    with Loopback(huge(200 * MB, declared=True)) as upstream:
        error, _ = _timed_failure(_client(upstream.url, call_timeout=30.0, max_answer_bytes=5 * MB))
        sent = upstream.sent
    assert error.cause is UnavailableCause.TOO_LARGE
    assert sent < 40 * MB


# Measured in a process of its own: the peak memory (ru_maxrss) of a client reading a 200 MB answer, against the
# peak before the call. Without the limit, the whole body (and its decoded text) sat in memory.
_MEASURE = textwrap.dedent(
    """
    import resource, sys
    from django.conf import settings
    settings.configure()
    from guidance.inserjeunes.client import InserJeunesClient
    from guidance.inserjeunes.codes import parse_certification
    from guidance.inserjeunes.errors import Unavailable
    from guidance.inserjeunes.routes import national_request

    client = InserJeunesClient(sys.argv[1], user_agent="tests", call_timeout=60.0, max_answer_bytes=5_000_000)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        client.fetch(national_request(parse_certification("CFD:40031212")))
    except Unavailable as error:
        print(error.cause)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
    """
)


def test_a_200_mb_answer_leaves_the_workers_memory_under_50_mb_more():
    with Loopback(huge(200 * MB)) as upstream:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, upstream.url],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[2],
        )
    assert done.returncode == 0, done.stderr[-2000:]
    cause, grown_mb = done.stdout.split()
    assert cause == "too_large"
    assert int(grown_mb) < 50
