"""`get_many` costs a few queries per page, not per question: cold, warm or stale, on SQLite and PostgreSQL."""

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guidance.indicators import singleflight
from guidance.indicators.models import CacheEntry
from guidance.indicators.service import Absence, Question, get_many
from guidance.inserjeunes.codes import Certification, CodeKind, parse_region, parse_uai
from tests.indicators.test_service import _age
from tests.indicators.test_single_flight import _run_in_threads
from tests.inserjeunes.conftest import payload

# One SELECT (two when the parsed answers are not memoised in the process), no write; for the misses: the advisory
# locks (PostgreSQL: take, let go), one SELECT under them, one upsert; for a stale batch refreshed inline: the same,
# plus one UPDATE for 304s and one for failures. Generous bounds, but bounds that must not depend on the number of
# questions.
MAX_COLD = 12
MAX_WARM = 3
MAX_STALE = 12

pytestmark = pytest.mark.django_db


def _questions(count, *, offset=0):
    """`count` distinct questions of the three kinds a school page asks (national, regional, school)."""
    questions = []
    for i in range(offset, offset + count):
        cert = Certification(CodeKind.CFD, f"4003{i:04d}")
        questions.append(
            [
                Question.national(cert),
                Question.regional(cert, parse_region("11")),
                Question.school(parse_uai("0755026P"), cert),
            ][i % 3]
        )
    return questions


def _mock_every_route(upstream, response_for):
    """Answer each figures route with `response_for(path)`."""

    def answer(request):
        return response_for(request.url.path)

    return upstream.route(method="GET", path__startswith="/api/inserjeunes/").mock(side_effect=answer)


def _fixture_for(path):
    if path.startswith("/api/inserjeunes/regionales/"):
        return "regional"
    if path.startswith("/api/inserjeunes/formations/"):
        return "school_apprentissage"
    return "national_apprentissage"


def _ok_or_not_found(path):
    if path.endswith("3"):  # a few questions have no data: their JSON 404 is cached too
        return httpx.Response(404, json=payload("404_pas_de_donnees"))
    return httpx.Response(200, json=payload(_fixture_for(path)), headers={"etag": f'W/"{path}"'})


@pytest.mark.parametrize("count", [5, 30])
def test_a_cold_get_many_costs_a_constant_number_of_queries(upstream, django_assert_max_num_queries, count):
    route = _mock_every_route(upstream, _ok_or_not_found)
    questions = _questions(count)

    with django_assert_max_num_queries(MAX_COLD):
        results = get_many(questions)

    assert route.call_count == count
    assert CacheEntry.objects.count() == count
    for question, result in zip(questions, results, strict=True):
        assert result.question == question
        assert result.fetched_at is not None
        assert not result.is_stale
        if question.cache_key.endswith("3"):
            assert result.absence is Absence.NO_DATA
        else:
            assert result.figures is not None
    assert set(CacheEntry.objects.values_list("status", flat=True)) == {200, 404}
    assert not CacheEntry.objects.filter(status=200, etag="").exists()


@pytest.mark.parametrize("count", [5, 30])
def test_a_warm_get_many_costs_a_constant_number_of_queries(upstream, django_assert_max_num_queries, count):
    route = _mock_every_route(upstream, _ok_or_not_found)
    questions = _questions(count)
    cold = get_many(questions)

    with django_assert_max_num_queries(MAX_WARM):
        warm = get_many(questions)

    assert route.call_count == count
    assert [r.fetched_at for r in warm] == [r.fetched_at for r in cold]


def test_the_number_of_queries_does_not_grow_with_the_number_of_questions(upstream):
    _mock_every_route(upstream, _ok_or_not_found)
    counts = {}
    for count, offset in ((5, 0), (30, 100)):
        questions = _questions(count, offset=offset)
        with CaptureQueriesContext(connection) as cold:
            get_many(questions)
        with CaptureQueriesContext(connection) as warm:
            get_many(questions)
        counts[count] = (len(cold), len(warm))
    assert counts[5] == counts[30]


@pytest.mark.parametrize("count", [5, 30])
def test_a_stale_batch_is_refreshed_in_a_constant_number_of_queries(upstream, django_assert_max_num_queries, count):
    """200s, 304s and failures in one refresh: one upsert, one 304 UPDATE, one failure UPDATE."""
    route = _mock_every_route(upstream, _ok_or_not_found)
    questions = _questions(count)
    get_many(questions)
    created = dict(CacheEntry.objects.values_list("key", "created_at"))
    week_ago = _age(days=7)

    def mixed(path):
        if path.endswith(("1", "4")):
            return httpx.Response(304)
        if path.endswith("2"):
            return httpx.Response(502)
        return _ok_or_not_found(path)

    route.side_effect = lambda request: mixed(request.url.path)
    with django_assert_max_num_queries(MAX_STALE):
        served = get_many(questions)  # refreshed inline in tests

    assert all(r.is_stale and r.fetched_at == week_ago for r in served)  # stale-while-revalidate
    for entry in CacheEntry.objects.all():
        assert entry.created_at == created[entry.key]
        if entry.key.endswith("2"):  # stale-if-error: the answer is kept, the failure noted
            assert entry.fetched_at == week_ago
            assert entry.last_error.startswith("Unavailable: server_error")
            assert entry.last_error_at is not None
        else:
            assert entry.is_fresh()
            assert entry.last_error == ""
    # The refresh sent back the ETag of each 200 (the 404s have none).
    conditional = [call.request for call in route.calls if "if-none-match" in call.request.headers]
    assert len(conditional) == sum(1 for q in questions if not q.cache_key.endswith("3"))
    assert all(request.headers["if-none-match"] == f'W/"{request.url.path}"' for request in conditional)
    renewed = [q for q in questions if q.cache_key.endswith(("1", "4"))]
    assert all(not r.is_stale for r in get_many(renewed))


@pytest.mark.parametrize("count", [5, 30])
def test_cold_failures_store_nothing_in_a_constant_number_of_queries(
    upstream, django_assert_max_num_queries, settings, count
):
    settings.INSERJEUNES_CIRCUIT_FAILURES = 1000  # every question reaches the failing upstream
    _mock_every_route(upstream, lambda path: httpx.Response(500, json=payload("500")))
    with django_assert_max_num_queries(MAX_COLD):
        results = get_many(_questions(count))
    assert {r.absence for r in results} == {Absence.UNAVAILABLE}
    assert not CacheEntry.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_advisory_locks_of_a_batch_take_one_statement_and_wait_in_order(is_postgres):
    """One statement takes the locks of 30 keys, one lets them go; a key another session holds is waited for,
    then left out at the deadline, and nothing is left locked."""
    if not is_postgres:
        pytest.skip("needs PostgreSQL (advisory locks)")
    keys = [q.cache_key for q in _questions(30)]

    with CaptureQueriesContext(connection) as queries, singleflight.hold(keys, timeout=5) as held:
        assert held == set(keys)
    assert len(queries) == 2

    busy = sorted(keys, key=singleflight.advisory_key)[10]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [singleflight.advisory_key(busy)])
    try:

        def hold_all():
            with singleflight.hold(keys, timeout=0.3) as held:
                pass
            return held, _advisory_locks_of_this_session()

        ((held, left_behind),) = _run_in_threads(1, hold_all)
        assert held == set(keys) - {busy}
        assert left_behind == 0  # all let go on the way out
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [singleflight.advisory_key(busy)])

    with CaptureQueriesContext(connection) as queries, singleflight.hold(keys, timeout=5) as held:
        assert held == set(keys)  # the busy key is free again
    assert _advisory_locks_of_this_session() == 0


def _advisory_locks_of_this_session():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


def test_while_waiting_only_the_sorted_prefix_of_the_locks_is_kept(monkeypatch):
    """Ordered locking with batched attempts: what was got past the first busy lock is let go until that one is
    had, so two callers never each hold a lock the other waits for."""
    busy_attempts = [2]  # lock 20 is someone else's for two attempts
    taken, released, attempts = set(), [], []

    def try_locks(ids):
        attempts.append(list(ids))
        got = {i for i in ids if i != 20 or not busy_attempts[0]}
        busy_attempts[0] = max(0, busy_attempts[0] - 1)
        taken.update(got)
        return got

    def release(ids):
        released.append(sorted(ids))
        taken.difference_update(ids)

    monkeypatch.setattr(singleflight, "_try_advisory_locks", try_locks)
    monkeypatch.setattr(singleflight, "_release_advisory_locks", release)
    monkeypatch.setattr(singleflight, "POLL_INTERVAL", 0)
    with singleflight._hold_advisory_locks({30, 10, 20, 40}, deadline=float("inf")) as held:
        assert held == {10, 20, 30, 40}
        assert released == [[30, 40], [30, 40]]  # got past the busy 20, let go at once
        assert attempts == [[10, 20, 30, 40], [20, 30, 40], [20, 30, 40]]
    assert released[-1] == [10, 20, 30, 40]
    assert not taken
