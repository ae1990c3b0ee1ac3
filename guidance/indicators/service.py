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
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import connections
from django.db.models import F
from django.utils import timezone

from guidance.indicators import singleflight
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.inserjeunes.client import Fetched, UpstreamRequest, get_client, not_found_from_body
from guidance.inserjeunes.codes import Certification, CodeKind, Millesime, Region, Uai
from guidance.inserjeunes.errors import (
    BadRequest,
    InserJeunesError,
    NotFound,
    NotFoundReason,
    Unauthorized,
    Unavailable,
    UnavailableCause,
)
from guidance.inserjeunes.results import (
    CertificationFigures,
    FilieresFigures,
    RegionalFigures,
    SchoolFigures,
)

logger = logging.getLogger("guidance.indicators")

SOURCE_INSERJEUNES = "InserJeunes (MENJ-DEPP, DARES)"
SOURCE_INSERSUP = "InserSup (MESR-SIES)"


class QuestionKind(StrEnum):
    NATIONAL = "national"
    REGIONAL = "regional"
    SCHOOL = "school"
    FILIERES = "filieres"


class Absence(StrEnum):
    """Why a result has no figures to show (a page says a different thing for each)."""

    SMALL_COHORT = "small_cohort"  # fewer than 20 learners: figures kept (nb_annee_term), rates not shown
    NO_DATA_FOR_MILLESIME = "no_data_for_millesime"  # see available_millesimes
    UNKNOWN_CERTIFICATION = "unknown_certification"
    UNKNOWN_FORMATION = "unknown_formation"  # this school does not teach this certification (for the API)
    UNKNOWN_SCHOOL = "unknown_school"
    NO_DATA = "no_data"
    UNAVAILABLE = "unavailable"  # upstream down, too slow, circuit open, or refused our key: try again later
    INVALID_REQUEST = "invalid_request"  # the upstream rejected the question (400): a bug of ours, not cached


@dataclass(frozen=True)
class Question:
    """One question to the upstream. Build it with the constructors; codes are parsed value objects only."""

    kind: QuestionKind
    certs: tuple[Certification, ...]
    region: Region | None = None
    uai: Uai | None = None
    millesime: Millesime | None = None

    @classmethod
    def national(cls, cert: Certification, millesime: Millesime | None = None) -> Question:
        return cls(QuestionKind.NATIONAL, (cert,), millesime=millesime)

    @classmethod
    def regional(cls, cert: Certification, region: Region, millesime: Millesime | None = None) -> Question:
        return cls(QuestionKind.REGIONAL, (cert,), region=region, millesime=millesime)

    @classmethod
    def school(cls, uai: Uai, cert: Certification, millesime: Millesime | None = None) -> Question:
        return cls(QuestionKind.SCHOOL, (cert,), uai=uai, millesime=millesime)

    @classmethod
    def filieres(
        cls, certs: Sequence[Certification], region: Region | None = None, millesime: Millesime | None = None
    ) -> Question:
        """A filières view (pro and apprentissage side by side) of a diploma's codes, in any order."""
        unique = tuple(sorted(set(certs), key=lambda c: (c.kind.value, c.code)))
        if not unique:
            raise ValueError("a filières question needs at least one certification")
        if any(c.kind is CodeKind.SISE for c in unique):
            raise ValueError("the filières view covers CFD and MEFSTAT11 codes only (no SISE)")
        return cls(QuestionKind.FILIERES, unique, region=region, millesime=millesime)

    @property
    def upstream_request(self) -> UpstreamRequest:
        """The canonical upstream request (path + query) this question maps to."""
        from guidance.inserjeunes.client import request_for_question

        return request_for_question(self)

    @property
    def cache_key(self) -> str:
        """The canonical upstream request as text.

        e.g. `/api/inserjeunes/certifications/CFD:40025214?millesime=2024`
        """
        return self.upstream_request.key

    @property
    def source(self) -> str:
        return SOURCE_INSERSUP if any(c.kind is CodeKind.SISE for c in self.certs) else SOURCE_INSERJEUNES


@dataclass(frozen=True)
class IndicatorResult:
    """What a page shows for one question.

    `figures`: CertificationFigures (national), RegionalFigures, SchoolFigures, or FilieresFigures (filières
    view: `.pro` and `.apprentissage` side by side, `.voies` to loop); for a seconde commune the national
    or regional figures carry `certifications_terminales`. `absence` says why there is nothing to show;
    with SMALL_COHORT the figures are still there (for `nb_annee_term`) but rates and salaries are not shown.
    `fetched_at`/`is_stale`: when the upstream gave this answer, and whether it is older than the cache TTL
    (served because the upstream failed, or while a refresh runs).
    """

    question: Question
    figures: CertificationFigures | RegionalFigures | SchoolFigures | FilieresFigures | None = None
    absence: Absence | None = None
    available_millesimes: tuple[str, ...] = ()
    fetched_at: datetime | None = None
    is_stale: bool = False
    source: str = SOURCE_INSERJEUNES

    @property
    def ok(self) -> bool:
        """Figures to show (rates included)."""
        return self.figures is not None and self.absence is None

    @property
    def is_other_certification(self) -> bool:
        """The figures are those of another code than the one asked (a non-final year answers with its final
        year's figures): say which one the page shows."""
        asked = self.question.certs[0].code if len(self.question.certs) == 1 else None
        code = getattr(self.figures, "code_certification", None)
        return asked is not None and code is not None and code != asked


def get(question: Question) -> IndicatorResult:
    """Figures for one question: from the cache when fresh, else from the upstream (see the module docstring).

    Never raises for upstream trouble: failures become `Absence.UNAVAILABLE` (or the last good entry, stale).
    """
    return get_many([question])[0]


def get_many(questions: Sequence[Question], *, max_concurrency: int | None = None) -> list[IndicatorResult]:
    """Results for several questions, in the same order.

    Cache first (calling thread); only the misses go upstream, `INSERJEUNES_MAX_CONCURRENCY` (or
    `max_concurrency`) at a time, in threads doing HTTP only; the cache is written back from the calling thread.
    """
    questions = list(questions)
    now = timezone.now()
    requests = {q.cache_key: q.upstream_request for q in questions}
    entries = _read_entries(requests)
    served: dict[str, IndicatorResult] = {}
    to_refresh: list[str] = []
    hits: list[int] = []
    for question in questions:
        key = question.cache_key
        if key in served:
            continue
        entry = entries.get(key)
        if entry is None:
            continue
        served[key] = _from_entry(question, requests[key], entry, now)
        hits.append(entry.pk)
        if not entry.is_fresh(now):
            to_refresh.append(key)
    if hits:
        CacheEntry.objects.filter(pk__in=hits).update(hits=F("hits") + 1)

    misses = {q.cache_key: q for q in questions if q.cache_key not in served}
    if misses:
        served.update(_resolve_misses(misses, requests, max_concurrency))
    if to_refresh and breaker.allow():
        refresher.submit({key: requests[key] for key in to_refresh})
    return [served[q.cache_key] for q in questions]


def refresh(keys_and_requests: dict[str, UpstreamRequest]) -> None:
    """Refresh expired entries now (conditional GET with their ETag). What the background refresher runs."""
    with singleflight.hold(keys_and_requests, _lock_timeout(len(keys_and_requests))) as held:
        now = timezone.now()
        entries = _read_entries({k: r for k, r in keys_and_requests.items() if k in held})
        due = {k: keys_and_requests[k] for k, e in entries.items() if not e.is_fresh(now)}
        if not due:
            return
        outcomes = _fetch_all(due, {k: entries[k].etag for k in due})
        for key, outcome in outcomes.items():
            _store(key, due[key], outcome, entries.get(key))


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

Outcome = Fetched | InserJeunesError


def _read_entries(requests: dict[str, UpstreamRequest]) -> dict[str, CacheEntry]:
    if not requests:
        return {}
    return {e.key: e for e in CacheEntry.objects.filter(key__in=list(requests))}


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
        entries = _read_entries({k: requests[k] for k in misses})
        done = {k: _from_entry(misses[k], requests[k], e, now) for k, e in entries.items()}
        done.update(
            {k: _unavailable(q) for k, q in misses.items() if k not in done and _failed_since(k, waiting_since)}
        )
        todo = {k: requests[k] for k in misses if k not in done}
        outcomes = _fetch_all(todo, {}, max_concurrency) if todo else {}
        for key, outcome in outcomes.items():
            _note_outcome(key, outcome)
            entry = _store(key, todo[key], outcome, None)
            done[key] = _from_outcome(misses[key], todo[key], outcome, entry)
    return done


def _fetch_one(request: UpstreamRequest, etag: str | None) -> Outcome:
    """Runs in worker threads: HTTP only, no ORM."""
    if not breaker.allow():
        return Unavailable(UnavailableCause.CIRCUIT_OPEN, route=request.path)
    try:
        fetched = get_client().fetch(request, etag=etag)
        if fetched.payload is not None:
            request.parse(fetched.payload)  # a body we cannot read is a failure, and is not stored
    except (Unavailable, Unauthorized) as exc:
        breaker.record_failure()
        return exc
    except InserJeunesError as exc:  # NotFound, BadRequest: the upstream answered
        breaker.record_success()
        return exc
    breaker.record_success()
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


def _millesime_of(request: UpstreamRequest, payload: dict) -> str:
    value = payload.get("millesime")
    if value is None and request.kind == "filieres":
        voie = payload.get("pro") or payload.get("apprentissage") or {}
        value = voie.get("millesime") if isinstance(voie, dict) else None
    if value is None and isinstance(payload.get("data"), dict):
        value = payload["data"].get("millesime")
    return str(value or request.millesime)[:9]


def _store(key: str, request: UpstreamRequest, outcome: Outcome, entry: CacheEntry | None) -> CacheEntry | None:
    """Write what an upstream outcome teaches us; returns the row now in the cache for this key, if any."""
    now = timezone.now()
    expires = now + timedelta(seconds=settings.INSERJEUNES_CACHE_TTL)
    if isinstance(outcome, Fetched) and outcome.not_modified:
        updated = CacheEntry.objects.filter(key=key).update(
            fetched_at=now, expires_at=expires, etag=outcome.etag or F("etag"), last_error=""
        )
        return CacheEntry.objects.filter(key=key).first() if updated else None
    if isinstance(outcome, (Fetched, NotFound)):
        payload = outcome.payload
        status = 200 if isinstance(outcome, Fetched) else 404
        entry, _ = CacheEntry.objects.update_or_create(
            key=key,
            defaults={
                "kind": request.kind,
                "status": status,
                "payload": payload,
                "etag": (outcome.etag or "") if isinstance(outcome, Fetched) else "",
                "millesime": _millesime_of(request, payload or {}),
                "fetched_at": now,
                "expires_at": expires,
                "last_error": "",
                "last_error_at": None,
            },
        )
        return entry
    # Unavailable, BadRequest, Unauthorized: never stored; an existing row keeps its answer (stale-if-error).
    message = f"{type(outcome).__name__}: {getattr(outcome, 'cause', '') or outcome.message}"[:300]
    logger.warning("inserjeunes %s failed: %s", key, message)
    CacheEntry.objects.filter(key=key).update(last_error=message, last_error_at=now)
    return entry


def _from_entry(question: Question, request: UpstreamRequest, entry: CacheEntry, now: datetime) -> IndicatorResult:
    stale = not entry.is_fresh(now)
    if entry.status == 404:
        return _from_not_found(question, not_found_from_body(entry.payload), entry.fetched_at, stale)
    try:
        figures = request.parse(entry.payload)
    except Unavailable:
        return _unavailable(question)
    return _from_figures(question, figures, entry.fetched_at, stale)


def _from_outcome(
    question: Question, request: UpstreamRequest, outcome: Outcome, entry: CacheEntry | None
) -> IndicatorResult:
    if isinstance(outcome, Fetched) and outcome.payload is not None:
        return _from_figures(question, request.parse(outcome.payload), entry.fetched_at if entry else None, False)
    if isinstance(outcome, NotFound):
        return _from_not_found(question, outcome, entry.fetched_at if entry else None, False)
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
    with _recent_failures_lock:
        _recent_failures.clear()
    refresher.mode = refresh_mode


__all__ = ["Absence", "IndicatorResult", "Question", "QuestionKind", "get", "get_many", "refresh", "refresher"]
