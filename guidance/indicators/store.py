"""Reads and writes of the cache table (`CacheEntry`) for a batch of keys: one statement per batch, never one per key.

So a page asking N questions costs the same few queries whatever N: all its rows in one SELECT (without their
JSON when the parsed answers are memoised, `guidance.indicators.parsed`), and no write at all when they are fresh
(nothing is counted on a read); the answers fetched for its misses in one upsert (`INSERT … ON CONFLICT (key) DO
UPDATE`, on SQLite and PostgreSQL alike), the 304s in one UPDATE, the failures in one UPDATE. What is stored
follows the cache rules of `guidance.indicators.service`: 200s and JSON 404s only; a failure never creates nor
overwrites a row, it is noted on the row we already have (stale-if-error).

Called from the thread that serves the page (or runs the refresh), never from the HTTP worker threads.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import timezone

from guidance.indicators.models import CacheEntry
from guidance.inserjeunes.client import Fetched
from guidance.inserjeunes.errors import InserJeunesError, NotFound
from guidance.inserjeunes.routes import UpstreamRequest

logger = logging.getLogger("guidance.indicators")

Outcome = Fetched | InserJeunesError

# What an upsert overwrites on a key we already have: the answer and its dates. `created_at` is kept.
_ANSWER_FIELDS = [
    "kind",
    "status",
    "payload",
    "etag",
    "millesime",
    "fetched_at",
    "expires_at",
    "last_error",
    "last_error_at",
]


def read_entries(keys: Iterable[str], *, with_payload: bool = True) -> dict[str, CacheEntry]:
    """The cached rows of `keys`, by key (one SELECT; none for no keys).

    `with_payload=False` leaves the JSON column out (deferred): call `load_payloads` on the rows that need it.
    """
    keys = list(keys)
    if not keys:
        return {}
    rows = CacheEntry.objects.filter(key__in=keys)
    if not with_payload:
        rows = rows.defer("payload")
    return {e.key: e for e in rows}


def load_payloads(entries: Collection[CacheEntry]) -> None:
    """Fill the deferred `payload` of `entries` (one SELECT; none for no rows), never one query per row."""
    if not entries:
        return
    payloads = dict(CacheEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("pk", "payload"))
    for entry in entries:
        entry.payload = payloads.get(entry.pk)


def changed_keys(outcomes: dict[str, Outcome], entries: dict[str, CacheEntry]) -> set[str]:
    """The keys whose new answer (200 or JSON 404) differs from the row held: what pages showed has changed."""
    changed = set()
    for key, outcome in outcomes.items():
        entry = entries.get(key)
        if entry is None:
            continue
        if isinstance(outcome, Fetched) and not outcome.not_modified:
            if entry.status != 200 or entry.payload != outcome.payload:
                changed.add(key)
        elif isinstance(outcome, NotFound) and (entry.status != 404 or entry.payload != outcome.payload):
            changed.add(key)
    return changed


def write_outcomes(
    requests: Mapping[str, UpstreamRequest], outcomes: Mapping[str, Outcome], existing: Collection[str]
) -> datetime:
    """Write what the upstream answered for each key of `outcomes`; returns the `fetched_at` given to new answers.

    - 200 and JSON 404: stored (created, or replacing the previous answer), fresh for `INSERJEUNES_CACHE_TTL`;
    - 304 (`Fetched.not_modified`): the row is renewed (dates, and the ETag if the upstream sent a new one);
    - anything else (Unavailable, BadRequest, Unauthorized): nothing stored; `last_error` is noted on the rows
      of `existing` (the keys known to have a row: a miss has none, so no statement is spent on it).

    At most three statements, whatever the number of keys (the upsert is split in batches only past the
    database's limit on query parameters).
    """
    now = timezone.now()
    expires = now + timedelta(seconds=settings.INSERJEUNES_CACHE_TTL)
    answers: list[CacheEntry] = []
    renewed: dict[str, str | None] = {}
    failed: dict[str, str] = {}
    for key, outcome in outcomes.items():
        if isinstance(outcome, Fetched) and outcome.not_modified:
            renewed[key] = outcome.etag
        elif isinstance(outcome, (Fetched, NotFound)):
            answers.append(_answer(key, requests[key], outcome, now, expires))
        else:
            message = f"{type(outcome).__name__}: {getattr(outcome, 'cause', '') or outcome.message}"[:300]
            logger.warning("inserjeunes %s failed: %s", key, message)
            failed[key] = message

    if answers:
        CacheEntry.objects.bulk_create(
            answers, update_conflicts=True, unique_fields=["key"], update_fields=_ANSWER_FIELDS
        )
    if renewed:
        # A 304 may carry a new ETag: keep the one we had when it does not.
        new_etags = [When(key=key, then=Value(etag)) for key, etag in renewed.items() if etag]
        etag = Case(*new_etags, default=F("etag")) if new_etags else F("etag")
        CacheEntry.objects.filter(key__in=list(renewed)).update(
            fetched_at=now, expires_at=expires, etag=etag, last_error=""
        )
    failed = {key: message for key, message in failed.items() if key in existing}
    if failed:
        CacheEntry.objects.filter(key__in=list(failed)).update(
            last_error=Case(
                *[When(key=key, then=Value(message)) for key, message in failed.items()], default=F("last_error")
            ),
            last_error_at=now,
        )
    return now


def _answer(
    key: str, request: UpstreamRequest, outcome: Fetched | NotFound, now: datetime, expires: datetime
) -> CacheEntry:
    payload = outcome.payload
    is_fetched = isinstance(outcome, Fetched)
    return CacheEntry(
        key=key,
        kind=request.kind,
        status=200 if is_fetched else 404,
        payload=payload,
        etag=(outcome.etag or "") if isinstance(outcome, Fetched) else "",
        millesime=_millesime_of(request, payload or {}),
        fetched_at=now,
        expires_at=expires,
        last_error="",
        last_error_at=None,
    )


def _millesime_of(request: UpstreamRequest, payload: dict[str, Any]) -> str:
    value = payload.get("millesime")
    if value is None and request.kind == "filieres":
        voie = payload.get("pro") or payload.get("apprentissage") or {}
        value = voie.get("millesime") if isinstance(voie, dict) else None
    if value is None and isinstance(payload.get("data"), dict):
        value = payload["data"].get("millesime")
    return str(value or request.millesime)[:9]
