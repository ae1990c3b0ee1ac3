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
- circuit breaker (`circuit.breaker`): while open, no upstream call, misses get `Absence.UNAVAILABLE` at once;
- the ETag is sent back (`If-None-Match`) on refresh; a 304 renews the entry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.conf import settings
from django.db import connections
from django.utils import timezone

from guidance.indicators import parsed, singleflight, store
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.indicators.questions import (  # noqa: F401 (re-exported: the service's public types)
    SOURCE_INSERJEUNES,
    SOURCE_INSERSUP,
    Absence,
    IndicatorResult,
    Question,
    QuestionKind,
)
from guidance.indicators.store import Outcome
from guidance.inserjeunes.client import Fetched, UpstreamRequest, get_client, not_found_from_body
from guidance.inserjeunes.errors import (
    BadRequest,
    InserJeunesError,
    NotFound,
    NotFoundReason,
    Unauthorized,
    Unavailable,
    UnavailableCause,
)
from guidance.inserjeunes.results import FilieresFigures
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
    """Refresh expired entries now (conditional GET with their ETag). What the background refresher runs."""
    with singleflight.hold(keys_and_requests, _lock_timeout(len(keys_and_requests))) as held:
        now = timezone.now()
        entries = store.read_entries(k for k in keys_and_requests if k in held)
        due = {k: keys_and_requests[k] for k, e in entries.items() if not e.is_fresh(now)}
        if not due:
            return
        outcomes = _fetch_all(due, {k: entries[k].etag for k in due})
        changed = store.changed_keys(outcomes, entries)
        store.write_outcomes(due, outcomes, existing=entries)
    if changed:
        generations.bump("figures")  # pages that showed the old answers must be rendered again


# --- internals ----------------------------------------------------------------------------------------------


class _Refresher:
    """Runs stale-while-revalidate refreshes: in a background thread (default), inline, or not at all.

    Tests set `mode = "inline"` (synchronous) or `"off"`; `wait()` joins the running threads.
    """

    def __init__(self) -> None:
        self.mode = "thread"
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._threads: list[threading.Thread] = []

    def submit(self, jobs: dict[str, UpstreamRequest]) -> None:
        with self._lock:
            jobs = {k: r for k, r in jobs.items() if k not in self._running}  # one refresh per key
            if not jobs or self.mode == "off":
                return
            self._running.update(jobs)
        if self.mode == "inline":
            self._run(jobs, close_connections=False)
            return
        thread = threading.Thread(target=self._run, args=(jobs,), name="indicators-refresh", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _run(self, jobs: dict[str, UpstreamRequest], close_connections: bool = True) -> None:
        try:
            refresh(jobs)
        except Exception:  # a background refresh must never take the process down
            logger.exception("indicators background refresh failed")
        finally:
            with self._lock:
                self._running.difference_update(jobs)
            if close_connections:
                connections.close_all()

    def wait(self, timeout: float = 10.0) -> None:
        for thread in list(self._threads):
            thread.join(timeout)


refresher = _Refresher()

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


def _lock_timeout(count: int, max_concurrency: int | None = None) -> float:
    """How long a waiter waits for the caller fetching the same keys: its worst case, plus a second."""
    per_call = settings.INSERJEUNES_CONNECT_TIMEOUT + settings.INSERJEUNES_READ_TIMEOUT
    rounds = -(-count // _concurrency(max_concurrency))
    return per_call * rounds + 1.0


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
    if not breaker.allow():
        return {key: _unavailable(q) for key, q in misses.items()}
    waiting_since = time.monotonic()
    with singleflight.hold(misses, _lock_timeout(len(misses), max_concurrency)):
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
        outcomes = _fetch_all(todo, {}, max_concurrency)
        for key, outcome in outcomes.items():
            _note_outcome(key, outcome)
        # Written before the locks are let go, so a waiter finds the rows. No row exists for these keys (we just
        # read them under the lock), so failures have nothing to be noted on.
        fetched_at = store.write_outcomes(todo, outcomes, existing=())
        for key, outcome in outcomes.items():
            done[key] = _from_outcome(misses[key], todo[key], outcome, fetched_at)
    return done


def _fetch_one(request: UpstreamRequest, etag: str | None) -> Outcome:
    """Runs in worker threads: HTTP only, no ORM."""
    if not breaker.allow():
        return Unavailable(UnavailableCause.CIRCUIT_OPEN, route=request.path)
    try:
        fetched = get_client().fetch(request, etag=etag)
    except (Unavailable, Unauthorized) as exc:
        breaker.record_failure()
        return exc
    except InserJeunesError as exc:  # NotFound, BadRequest: the upstream answered
        breaker.record_success()
        return exc
    breaker.record_success()
    if fetched.payload is not None:
        try:
            request.parse(fetched.payload)  # a body we cannot read is a failure, and is not stored
        except Unavailable as exc:
            # The upstream did answer, with JSON: one record of an unexpected shape must not open the circuit
            # and take every other figure of the site offline.
            return exc
    return fetched


def _fetch_all(
    requests: dict[str, UpstreamRequest], etags: dict[str, str], max_concurrency: int | None = None
) -> dict[str, Outcome]:
    if len(requests) == 1:
        ((key, request),) = requests.items()
        return {key: _fetch_one(request, etags.get(key) or None)}
    workers = min(_concurrency(max_concurrency), len(requests))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inserjeunes") as pool:
        futures = {key: pool.submit(_fetch_one, req, etags.get(key) or None) for key, req in requests.items()}
        return {key: future.result() for key, future in futures.items()}


def _from_entry(question: Question, request: UpstreamRequest, entry: CacheEntry, now: datetime) -> IndicatorResult:
    stale = not entry.is_fresh(now)
    answer = parsed.get(entry)
    if answer is parsed.MISSING:
        if entry.status == 404:
            answer = not_found_from_body(entry.payload)
        else:
            try:
                answer = request.parse(entry.payload)
            except Unavailable:
                answer = None
        parsed.put(entry, answer)
    if isinstance(answer, NotFound):
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
        parsed.put_key((request.key, 404, fetched_at, ""), outcome)
        return _from_not_found(question, outcome, fetched_at, False)
    if isinstance(outcome, BadRequest):
        return IndicatorResult(question, absence=Absence.INVALID_REQUEST, source=question.source)
    return _unavailable(question)


def _from_figures(question: Question, figures, fetched_at: datetime | None, stale: bool) -> IndicatorResult:
    small = not isinstance(figures, FilieresFigures) and figures.too_few_learners
    return IndicatorResult(
        question,
        figures=figures,
        absence=Absence.SMALL_COHORT if small else None,
        fetched_at=fetched_at,
        is_stale=stale,
        source=question.source,
    )


def _from_not_found(question: Question, error: NotFound, fetched_at: datetime | None, stale: bool) -> IndicatorResult:
    return IndicatorResult(
        question,
        absence=_ABSENCES.get(error.reason, Absence.NO_DATA),
        available_millesimes=error.available_millesimes,
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
    with _recent_failures_lock:
        _recent_failures.clear()
    refresher.mode = refresh_mode


__all__ = ["Absence", "IndicatorResult", "Question", "QuestionKind", "get", "get_many", "refresh", "refresher"]
