"""The service layer the views call: figures for a question, from our database cache or from InserJeunes.

    from guidance.indicators.service import Question, get, get_many
    result = get(Question.national(parse_certification("CFD:40025214")))
    if result.ok: result.figures.taux_en_emploi_6_mois …
    else: result.absence (why there is nothing), result.available_millesimes

Views never see httpx nor JSON: an `IndicatorResult` holds frozen dataclasses of
`guidance.inserjeunes.results`.

Cache rules (the `CacheEntry` model, keyed by the canonical upstream request):
- 200s and JSON 404s are kept `INSERJEUNES_CACHE_TTL` seconds; timeouts, 5xx, 400s, 401s are never stored;
- stale-while-revalidate: an expired entry is served at once (`is_stale=True`) and one refresh runs in the
  background (`refresher`; tests switch it to inline or off);
- stale-if-error: when the refresh fails the entry stays, however old, and keeps being served with its date;
- single flight: a cold key is fetched by one caller at a time (`singleflight`), the others read its row;
- circuit breaker (`circuit.breaker`, the guard of every client `upstream` builds): while open, no upstream call,
  misses get `Absence.UNAVAILABLE` at once;
- deadlines: within a request, all the upstream work of the page shares one (`budget`); questions still waiting for
  the upstream when it passes answer "unavailable" (their calls end on their own, at the same deadline);
- an answer we cannot read (bad shape, impossible figures) is logged and never stored: the last good one is kept;
- the ETag is sent back (`If-None-Match`) on refresh; a 304 renews the entry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from guidance.indicators import budget, memo, parsed, singleflight, store
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.indicators.questions import (  # noqa: F401 (re-exported: the service's public types)
    SOURCE_INSERJEUNES,
    SOURCE_INSERSUP,
    Absence,
    IndicatorResult,
    Question,
)
from guidance.indicators.refresher import Refresher
from guidance.indicators.store import Outcome
from guidance.indicators.upstream import get_client
from guidance.inserjeunes.client import Fetched
from guidance.inserjeunes.errors import (
    BadRequest,
    InserJeunesError,
    NoFigures,
    NotFound,
    NotFoundReason,
    Unauthorized,
    Unavailable,
    UnavailableCause,
    no_figures_from_body,
)
from guidance.inserjeunes.results import CertificationFigures, Figures
from guidance.inserjeunes.routes import QuestionKind, UpstreamRequest
from guidance.pagecache import generations, markers

logger = logging.getLogger("guidance.indicators")


def get(question: Question) -> IndicatorResult:
    """Figures for one question: from the cache when fresh, else from the upstream (see the module docstring).

    Never raises for upstream trouble: failures become `Absence.UNAVAILABLE` (or the last good entry, stale).
    """
    return get_many([question])[0]


def get_many(questions: Sequence[Question], *, max_concurrency: int | None = None) -> list[IndicatorResult]:
    """Results for several questions, in the same order.

    Cache first (calling thread); only the misses go upstream, `INSERJEUNES_MAX_CONCURRENCY` (or
    `max_concurrency`) at a time, in threads doing HTTP only; the cache is written back from the calling thread.

    Database cost, whatever the number of questions: one SELECT of the rows without their JSON (plus one of the
    JSON of the rows whose parse is not memoised in this process) and no write; with misses, the single-flight
    locks (PostgreSQL: one statement to take them, one to let them go), one SELECT under them and one upsert of
    the answers (see `guidance.indicators.store`).
    """
    questions = list(questions)
    now = timezone.now()
    requests = {q.cache_key: q.upstream_request for q in questions}
    entries = store.read_entries(requests, with_payload=False)
    store.load_payloads([e for e in entries.values() if not parsed.known(e)])
    served: dict[str, IndicatorResult] = {}
    to_refresh: list[str] = []
    for question in questions:
        key = question.cache_key
        if key in served:
            continue
        entry = entries.get(key)
        if entry is None:
            continue
        served[key] = _from_entry(question, requests[key], entry, now)
        if not entry.is_fresh(now):
            to_refresh.append(key)

    misses = {q.cache_key: q for q in questions if q.cache_key not in served}
    if misses:
        served.update(_resolve_misses(misses, requests, max_concurrency))
    if to_refresh and breaker.allow():
        refresher.submit({key: requests[key] for key in to_refresh})
    results = [served[q.cache_key] for q in questions]
    _keep_degraded_pages_out_of_the_page_cache(results)
    return results


def _keep_degraded_pages_out_of_the_page_cache(results: list[IndicatorResult]) -> None:
    """A page showing stale figures (a refresh is running) or none for want of an upstream must be rendered again
    on the next visit, not served from the page cache until its generation changes."""
    if any(r.is_stale for r in results):
        markers.mark_uncacheable("stale figures")
    if any(r.absence in (Absence.UNAVAILABLE, Absence.INVALID_REQUEST) for r in results):
        markers.mark_uncacheable("figures unavailable")


def refresh(keys_and_requests: dict[str, UpstreamRequest]) -> None:
    """Refresh expired entries now (conditional GET with their ETag). What the background refresher runs: no page
    waits for it, so only each call's own deadline applies."""
    with singleflight.hold(keys_and_requests, _lock_timeout(len(keys_and_requests))) as held:
        now = timezone.now()
        entries = store.read_entries(k for k in keys_and_requests if k in held)
        due = {k: keys_and_requests[k] for k, e in entries.items() if not e.is_fresh(now)}
        if not due:
            return
        outcomes = _fetch_all(due, {k: entries[k].etag for k in due}, deadline=None)
        changed = store.changed_keys(outcomes, entries)
        store.write_outcomes(due, outcomes, existing=entries)
    if changed:
        generations.bump("figures")  # pages that showed the old answers must be rendered again


# --- internals ----------------------------------------------------------------------------------------------


refresher = Refresher(lambda jobs: refresh(jobs))

_ABSENCES: dict[NotFoundReason, Absence] = {
    NotFoundReason.UNKNOWN_CERTIFICATION: Absence.UNKNOWN_CERTIFICATION,
    NotFoundReason.UNKNOWN_CERTIFICATIONS: Absence.UNKNOWN_CERTIFICATION,
    NotFoundReason.UNKNOWN_FORMATION: Absence.UNKNOWN_FORMATION,
    NotFoundReason.UNKNOWN_SCHOOL: Absence.UNKNOWN_SCHOOL,
    NotFoundReason.NO_DATA: Absence.NO_DATA,
    NotFoundReason.NO_DATA_FOR_MILLESIME: Absence.NO_DATA_FOR_MILLESIME,
}


def _concurrency(max_concurrency: int | None = None) -> int:
    return max(1, max_concurrency or settings.INSERJEUNES_MAX_CONCURRENCY)


def _lock_timeout(count: int, max_concurrency: int | None = None, deadline: float | None = None) -> float:
    """How long a waiter waits for the caller fetching the same keys: its worst case, plus a second; never past the
    page's deadline."""
    rounds = -(-count // _concurrency(max_concurrency))
    worst = settings.INSERJEUNES_CALL_DEADLINE * rounds + 1.0
    return worst if deadline is None else max(0.0, min(worst, deadline - time.monotonic()))


# Keys whose last upstream call failed, with when (monotonic): a caller that waited on the single-flight lock
# while the holder failed does not call again, it answers "unavailable" at once.
_recent_failures: dict[str, float] = {}
_recent_failures_lock = threading.Lock()


def _note_outcome(key: str, outcome: Outcome) -> None:
    with _recent_failures_lock:
        if isinstance(outcome, (Unavailable, Unauthorized)):
            if len(_recent_failures) > 10_000:
                _recent_failures.clear()
            _recent_failures[key] = time.monotonic()
        else:
            _recent_failures.pop(key, None)


def _failed_since(key: str, moment: float) -> bool:
    with _recent_failures_lock:
        return _recent_failures.get(key, float("-inf")) >= moment


def _resolve_misses(
    misses: dict[str, Question], requests: dict[str, UpstreamRequest], max_concurrency: int | None
) -> dict[str, IndicatorResult]:
    get_client()  # built before the page's clock starts (in process, it loads the replica's dataset)
    deadline = budget.deadline()
    if not breaker.allow() or budget.spent():
        return {key: _unavailable(q) for key, q in misses.items()}
    waiting_since = time.monotonic()
    with singleflight.hold(misses, _lock_timeout(len(misses), max_concurrency, deadline)):
        now = timezone.now()
        # Whoever held the lock before us may have written the rows meanwhile, or failed.
        entries = store.read_entries(misses)
        done = {k: _from_entry(misses[k], requests[k], e, now) for k, e in entries.items()}
        done.update(
            {k: _unavailable(q) for k, q in misses.items() if k not in done and _failed_since(k, waiting_since)}
        )
        todo = {k: requests[k] for k in misses if k not in done}
        if not todo:
            return done
        outcomes = _fetch_all(todo, {}, max_concurrency, deadline=deadline)
        for key, outcome in outcomes.items():
            _note_outcome(key, outcome)
        # Written before the locks are let go, so a waiter finds the rows. No row exists for these keys (we just
        # read them under the lock), so failures have nothing to be noted on.
        fetched_at = store.write_outcomes(todo, outcomes, existing=())
        for key, outcome in outcomes.items():
            done[key] = _from_outcome(misses[key], todo[key], outcome, fetched_at)
    return done


def _fetch_one(request: UpstreamRequest, etag: str | None, deadline: float | None = None) -> Outcome:
    """Runs in worker threads: HTTP only, no ORM. The client's guard (the circuit breaker) counts the outcome: a
    timeout, a connection error, a 5xx, bad JSON or refused credentials as failures."""
    try:
        fetched = get_client().fetch(request, etag=etag, deadline=deadline)
    except InserJeunesError as exc:  # NotFound, BadRequest (answers), Unavailable, Unauthorized
        return exc
    if fetched.payload is not None:
        try:
            request.parse(fetched.payload)  # a body we cannot read is a failure, and is not stored
        except Unavailable as exc:
            # The upstream did answer, with JSON: one record of an unexpected shape, or figures that cannot be, must
            # not open the circuit and take every other figure of the site offline. The last good answer stays.
            logger.warning("inserjeunes %s: answer not used (%s)", request.key, exc.message)
            return exc
    return fetched


def _fetch_all(
    requests: dict[str, UpstreamRequest],
    etags: dict[str, str],
    max_concurrency: int | None = None,
    *,
    deadline: float | None,
) -> dict[str, Outcome]:
    """The outcome of each request. With a `deadline` (a page's), whatever is not back by then is `Unavailable
    (TIMEOUT)` at once: the calls still running end on their own (their own deadline is the same) and are not
    waited for."""
    if len(requests) == 1 and deadline is None:
        ((key, request),) = requests.items()
        return {key: _fetch_one(request, etags.get(key) or None)}
    workers = min(_concurrency(max_concurrency), len(requests))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inserjeunes")
    try:
        futures: dict[str, Future[Outcome]] = {
            key: pool.submit(_fetch_one, req, etags.get(key) or None, deadline) for key, req in requests.items()
        }
        wait(futures.values(), timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    late = Unavailable(UnavailableCause.TIMEOUT, "page deadline passed")
    return {
        key: late if future.cancelled() or not future.done() else future.result() for key, future in futures.items()
    }


def _read_entry(request: UpstreamRequest, entry: CacheEntry) -> parsed.Memoised:
    """What a row says, as a plain value: figures, a JSON 404's `NoFigures`, or None (a row we cannot read, e.g.
    figures stored before a check that now refuses them)."""
    memoised = parsed.get(entry)
    if not isinstance(memoised, parsed.Missing):
        return memoised
    answer: parsed.Memoised
    if entry.status == 404:
        answer = no_figures_from_body(entry.payload)
    else:
        try:
            answer = request.parse(entry.payload)
        except Unavailable as exc:
            logger.warning("inserjeunes %s: stored answer not used (%s)", entry.key, exc.message)
            answer = None
    parsed.put(entry, answer)
    return answer


def _from_entry(question: Question, request: UpstreamRequest, entry: CacheEntry, now: datetime) -> IndicatorResult:
    stale = not entry.is_fresh(now)
    answer = _read_entry(request, entry)
    if isinstance(answer, NoFigures):
        return _from_not_found(question, answer, entry.fetched_at, stale)
    if answer is None:
        return _unavailable(question)
    return _from_figures(question, answer, entry.fetched_at, stale)


def _from_outcome(
    question: Question, request: UpstreamRequest, outcome: Outcome, fetched_at: datetime
) -> IndicatorResult:
    """The result of a fresh upstream outcome of a miss, stored (when worth it) with `fetched_at`."""
    # Memoised as the row just written will be read back, so the next view parses nothing.
    if isinstance(outcome, Fetched) and outcome.payload is not None:
        figures = request.parse(outcome.payload)
        parsed.put_key((request.key, 200, fetched_at, outcome.etag or ""), figures)
        return _from_figures(question, figures, fetched_at, False)
    if isinstance(outcome, NotFound):
        said = outcome.no_figures  # a plain value: the exception (and its traceback) is let go
        parsed.put_key((request.key, 404, fetched_at, ""), said)
        return _from_not_found(question, said, fetched_at, False)
    if isinstance(outcome, BadRequest):
        return IndicatorResult(question, absence=Absence.INVALID_REQUEST, source=question.source)
    return _unavailable(question)


def _from_figures(question: Question, figures: Figures, fetched_at: datetime | None, stale: bool) -> IndicatorResult:
    small = isinstance(figures, CertificationFigures) and figures.too_few_learners
    return IndicatorResult(
        question,
        figures=figures,
        absence=Absence.SMALL_COHORT if small else None,
        fetched_at=fetched_at,
        is_stale=stale,
        source=question.source,
    )


def _from_not_found(question: Question, said: NoFigures, fetched_at: datetime | None, stale: bool) -> IndicatorResult:
    return IndicatorResult(
        question,
        absence=_ABSENCES.get(said.reason, Absence.NO_DATA),
        available_millesimes=said.available_millesimes,
        fetched_at=fetched_at,
        is_stale=stale,
        source=question.source,
    )


def _unavailable(question: Question) -> IndicatorResult:
    return IndicatorResult(question, absence=Absence.UNAVAILABLE, source=question.source)


def reset_for_tests(*, refresh_mode: str = "inline") -> None:
    """Close the circuit, forget recent failures and set how background refreshes run (tests)."""
    breaker.reset()
    parsed.clear()
    memo.forget()
    with _recent_failures_lock:
        _recent_failures.clear()
    refresher.mode = refresh_mode


__all__ = ["Absence", "IndicatorResult", "Question", "QuestionKind", "get", "get_many", "refresh", "refresher"]
