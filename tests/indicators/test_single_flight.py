"""Single flight: many concurrent requests for one cold key make one upstream call."""

import threading
import time

import httpx
import pytest
from django.db import connection, connections

from guidance.indicators import singleflight
from guidance.indicators.models import CacheEntry
from guidance.indicators.service import Question, get
from guidance.inserjeunes.codes import parse_certification
from tests.inserjeunes.conftest import payload

CFD = parse_certification("CFD:40031212")


def _slow_answer(request):
    time.sleep(0.3)  # long enough for every thread to pile up on the cold key
    return httpx.Response(200, json=payload("national_apprentissage"))


def _run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_on_a_cold_key_make_one_upstream_call(is_postgres, upstream):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (advisory locks)")
    route = upstream.get("/api/inserjeunes/certifications/CFD:40031212").mock(side_effect=_slow_answer)

    results = _run_in_threads(20, lambda: get(Question.national(CFD)))

    assert route.call_count == 1
    assert all(result.ok for result in results)
    assert {result.figures.nb_annee_term for result in results} == {152}
    assert CacheEntry.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_locked_by_another_process_waits_for_it(is_postgres):
    """The advisory lock is what guards other processes: a second connection holding it blocks `hold`."""
    if not is_postgres:
        pytest.skip("needs PostgreSQL (advisory locks)")
    key = Question.national(CFD).cache_key
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [singleflight.advisory_key(key)])
    try:

        def try_hold():
            started = time.monotonic()
            with singleflight.hold([key], timeout=0.3) as held:
                return held, time.monotonic() - started

        ((held, waited),) = _run_in_threads(1, try_hold)
        assert held == set()
        assert waited >= 0.3
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [singleflight.advisory_key(key)])

    ((held, _),) = _run_in_threads(1, try_hold)
    assert held == {key}


def test_threads_in_one_process_share_the_key_lock():
    """The per-process half of the single flight (what SQLite relies on): one holder at a time."""
    key = Question.national(CFD).cache_key
    inside, peak, lock = [0], [0], threading.Lock()

    def hold_it():
        with singleflight._hold_process_lock(singleflight._STRIPES[singleflight._stripe(key)], time.monotonic() + 5):
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            time.sleep(0.02)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=hold_it) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert peak[0] == 1


def test_advisory_keys_are_stable_signed_64_bit_integers():
    key = Question.national(CFD).cache_key
    assert singleflight.advisory_key(key) == singleflight.advisory_key(key)
    assert -(2**63) <= singleflight.advisory_key(key) < 2**63
    assert singleflight.advisory_key(key) != singleflight.advisory_key(key + "?millesime=2023")
