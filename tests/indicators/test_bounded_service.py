"""The service never lets the upstream hold or fool a page: one deadline for a page's upstream work, a circuit
opened by timeouts as by 5xx, impossible figures refused (the last good ones kept), a memo of plain values bounded
in bytes. Upstreams that hang are real sockets on loopback (tests/loopback.py); bounds are generous on purpose."""

import gc
import logging
import time
from datetime import timedelta

import httpx
import pytest
from django.core.cache import cache
from django.utils import timezone

from guidance.indicators import budget, parsed
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.indicators.service import Absence, Question, get, get_many
from guidance.indicators.upstream import get_client, reset_client
from guidance.inserjeunes.codes import parse_certification, parse_millesime, parse_region
from guidance.inserjeunes.errors import NoFigures, NotFound, NotFoundReason
from guidance.pagecache import markers
from tests.inserjeunes.conftest import payload
from tests.loopback import Loopback, hang

pytestmark = pytest.mark.django_db

CFD = parse_certification("CFD:40031212")
NATIONAL_PATH = "/api/inserjeunes/certifications/CFD:40031212"
QUESTIONS = [Question.national(CFD, parse_millesime(str(year))) for year in range(2015, 2021)]


@pytest.fixture(autouse=True)
def _no_peers_kept():
    """The compact peer lists are kept in Django's cache, which outlives a test: each test asks afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hanging(settings):
    with Loopback(hang) as upstream:
        settings.INSERJEUNES_API_URL = upstream.url
        settings.INSERJEUNES_CALL_DEADLINE = 30.0  # only the page's deadline can end these calls
        settings.INSERJEUNES_READ_TIMEOUT = 30.0
        reset_client()
        yield upstream
        reset_client()


def _watched(call):
    token = markers.watch()
    try:
        return call(), markers.reasons()
    finally:
        markers.unwatch(token)


def test_a_pages_questions_share_one_deadline_whatever_their_number(hanging, settings):
    settings.INSERJEUNES_MAX_CONCURRENCY = 2  # six questions, three rounds: each would wait 30 s without it
    started = time.monotonic()
    with budget.page(1.0):
        results, reasons = _watched(lambda: get_many(QUESTIONS))
        again = get(Question.national(CFD))  # a later question of the same page: no time left, no call
    took = time.monotonic() - started
    assert [r.absence for r in results] == [Absence.UNAVAILABLE] * len(QUESTIONS)
    assert again.absence is Absence.UNAVAILABLE
    assert took < 10
    assert "figures unavailable" in reasons  # and the page is not kept in the page cache
    assert len(hanging.paths) <= len(QUESTIONS)


def test_outside_a_page_only_each_calls_own_deadline_applies(hanging, settings):
    settings.INSERJEUNES_CALL_DEADLINE = 0.5
    reset_client()
    assert budget.deadline() is None
    started = time.monotonic()
    assert get(Question.national(CFD)).absence is Absence.UNAVAILABLE
    assert time.monotonic() - started < 10


def test_timeouts_open_the_circuit_as_5xx_do(hanging, settings):
    settings.INSERJEUNES_CALL_DEADLINE = 0.3
    settings.INSERJEUNES_CIRCUIT_FAILURES = 3
    reset_client()
    for question in QUESTIONS[:3]:
        assert get(question).absence is Absence.UNAVAILABLE
    assert breaker.is_open()
    asked = len(hanging.paths)
    started = time.monotonic()
    assert get(QUESTIONS[3]).absence is Absence.UNAVAILABLE
    assert time.monotonic() - started < 1 and len(hanging.paths) == asked  # no call while it is open


def test_every_road_to_the_upstream_shares_the_circuit(upstream, settings):
    from guidance.indicators import bulk, peers

    settings.INSERJEUNES_CIRCUIT_FAILURES = 2
    down = upstream.get(url__regex=r".*").mock(return_value=httpx.Response(500))
    get(QUESTIONS[0])
    get(QUESTIONS[1])
    assert breaker.is_open() and down.call_count == 2
    # The peer lists and the list routes of the commands meet the open circuit too: no more calls.
    assert peers.regional_peers("76", "2022_2023") is None
    report = bulk.warm_from_lists(
        [Question.national(CFD)], final_year_mefs=set(), limiter=bulk.RateLimiter(1e6), client=get_client()
    )
    assert not report.covered and down.call_count == 2


IMPOSSIBLE = [
    {"taux_en_emploi_6_mois": -35},
    {"taux_en_formation": 180},
    {"nb_en_emploi_6_mois": -1},
    {"nb_poursuite_etudes": 5000},  # above its whole, nb_annee_term
    {"salaire_12_mois_q2": -1500},
]


@pytest.mark.parametrize("wrong", IMPOSSIBLE)
def test_impossible_figures_are_a_malformed_answer_logged_and_never_stored(upstream, caplog, wrong):
    upstream.get(NATIONAL_PATH).mock(
        return_value=httpx.Response(200, json={**payload("national_apprentissage"), **wrong})
    )
    with caplog.at_level(logging.WARNING, logger="guidance.indicators"):
        result = get(Question.national(CFD))
    assert result.absence is Absence.UNAVAILABLE and result.figures is None
    assert not CacheEntry.objects.exists()
    (name,) = wrong
    assert any("answer not used" in r.getMessage() and name in r.getMessage() for r in caplog.records)


def test_impossible_figures_in_a_refresh_keep_the_last_good_ones(upstream):
    route = upstream.get(NATIONAL_PATH)
    route.side_effect = [
        httpx.Response(200, json=payload("national_apprentissage")),
        httpx.Response(200, json={**payload("national_apprentissage"), "taux_en_emploi_6_mois": 180}),
    ]
    first = get(Question.national(CFD))
    CacheEntry.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    stale = get(Question.national(CFD))  # served at once, stale; the refresh (inline here) gets 180 %
    again = get(Question.national(CFD))

    assert route.call_count == 2
    assert first.figures.taux_en_emploi_6_mois == stale.figures.taux_en_emploi_6_mois == 40
    assert again.figures.taux_en_emploi_6_mois == 40 and again.is_stale  # the last good figures, however old
    assert "malformed" in CacheEntry.objects.get().last_error


def test_a_stored_row_with_impossible_figures_is_never_shown(upstream):
    upstream.get(NATIONAL_PATH).mock(return_value=httpx.Response(200, json=payload("national_apprentissage")))
    get(Question.national(CFD))
    row = CacheEntry.objects.get()
    row.payload = {**row.payload, "taux_en_emploi_6_mois": -35}  # stored before the figures were checked
    row.fetched_at -= timedelta(seconds=1)
    row.save()
    parsed.clear()
    assert get(Question.national(CFD)).absence is Absence.UNAVAILABLE


def test_impossible_figures_in_a_list_page_leave_the_peers_unsaid(upstream):
    from guidance.indicators import peers

    item = {**payload("regional"), "taux_en_emploi_6_mois": 180}
    body = {"regionales": [item], "pagination": {"page": 1, "items_par_page": 500, "nombre_de_page": 1, "total": 1}}
    upstream.get("/api/inserjeunes/regionales/11").mock(return_value=httpx.Response(200, json=body))
    assert peers.regional_peers("11", "2022_2023") is None


def test_the_memo_keeps_plain_values_never_an_exception(upstream):
    body = payload("404_millesime")
    body["data"] = {**body["data"], "millesime": "1999"}  # a 404 this test alone meets
    upstream.get(NATIONAL_PATH).mock(return_value=httpx.Response(404, json=body))
    result = get(Question.national(CFD))
    assert result.absence is Absence.NO_DATA_FOR_MILLESIME
    memoised = parsed.get(CacheEntry.objects.get())
    assert isinstance(memoised, NoFigures) and memoised.available_millesimes == result.available_millesimes
    gc.collect()
    # The 404 raised by the client is gone (with its traceback, frames and response): only its plain value stays.
    assert not [o for o in gc.get_objects() if isinstance(o, NotFound) and o.millesime == "1999"]
    with pytest.raises(TypeError):
        parsed.put_key(("k", 404, timezone.now(), ""), NotFound(memoised.reason))


def test_the_memo_is_bounded_in_bytes(settings):
    settings.INSERJEUNES_MEMO_BYTES = 200_000
    parsed.clear()
    said = NoFigures(NotFoundReason.NO_DATA, available_millesimes=("2023", "2022"))
    for number in range(5_000):
        parsed.put_key((f"/api/inserjeunes/certifications/CFD:{number:08d}", 404, timezone.now(), ""), said)
    assert 0 < parsed.held_bytes() <= 200_000
    first = (f"/api/inserjeunes/certifications/CFD:{0:08d}", 404)
    assert not any(key[:2] == first for key in parsed._items)  # the oldest went first


def test_a_page_waits_for_no_upstream_once_its_clock_has_run_out(settings):
    settings.INSERJEUNES_API_URL = "http://127.0.0.1:9"  # nothing listens: a call would fail, none is made
    reset_client()
    with budget.page(0.001):
        budget.deadline()
        time.sleep(0.01)
        assert budget.spent()
        assert get(Question.regional(CFD, parse_region("11"))).absence is Absence.UNAVAILABLE
    reset_client()
