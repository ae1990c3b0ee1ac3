"""`PageCacheMiddleware`: serves the rendered pages of anonymous visitors from a shared cache.

See the package docstring for the design; this module holds the rules:

What is stored: a GET answer with status 200 of a view marked `@cache_page_view`, to a request without a
session, messages, shortlist cookie or Authorization (so never an admin's or a staff member's), whose response sets
no cookie, is not `Cache-Control: private/no-store/no-cache`, varies on nothing but the htmx headers we key on,
carries no CSP nonce, and during whose rendering nothing called `mark_uncacheable` (stale or unavailable figures).
Redirects are not stored: many addresses lead to one page (case, spaces, old slugs), each would be an entry, and
working one out costs a look-up.

The key: the stable part of the generation (code version and purge, `generations.split`; the data part is kept in
the entry, and an entry of older data is served stale while one request renders it again) + the views' own
decision for the request (`variant.htmx_decision`: page, or fragment and which one, as `request.htmx` reads the
headers, encoded or not) + the absolute URL with the
canonical query string (`variant.canonical_query`: only the parameters the view reads; the request is rewritten to
it before the view runs). A fragment and a full page of one URL thus never share an entry, whichever is asked first
and however its headers are spelled, and junk parameters or headers make no new entry.

HTTP: every cacheable answer (hit or miss) gets a strong `ETag` (hash of the body), `Last-Modified` (when it was
rendered), `Cache-Control` (`PAGECACHE_CACHE_CONTROL` unless the view set its own) and `Vary` on the htmx headers
and `Accept-Encoding`; `If-None-Match` / `If-Modified-Since` get a 304. The body is gzipped once when stored and
served compressed to clients that accept it (its own ETag, `-gz` suffixed). `X-Page-Cache: hit|miss|stale` says what
happened (benchmarks, tests). Concurrent misses of one page in a process wait for a single render
(`PAGECACHE_RENDER_WAIT` seconds at most).
HEAD is served from the GET entry. A cache backend failure is logged and the page is rendered as if uncached.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from guidance.pagecache import generations, markers, variant

logger = logging.getLogger("guidance.pagecache")

CACHEABLE_STATUS = {200}
# What the answer depends on, for caches downstream of us (a CDN): the htmx headers and their "URI-AutoEncoded"
# companions, which change how django-htmx reads them.
HTMX_VARY = tuple(
    f"{name}{suffix}"
    for name in ("HX-Request", "HX-Target", "HX-History-Restore-Request")
    for suffix in ("", "-URI-AutoEncoded")
)
_ALLOWED_VARY = {name.lower() for name in HTMX_VARY}
_REFUSED_CACHE_CONTROL = ("private", "no-store", "no-cache")
# Headers that belong to one exchange, never replayed from the cache.
_NOT_STORED = {"set-cookie", "x-page-cache", "date"}
_MESSAGES_COOKIE = "messages"  # django.contrib.messages CookieStorage.cookie_name
# Striped per-process locks: one render at a time per page key (bounded memory whatever the number of pages).
_RENDER_LOCKS = tuple(threading.Lock() for _ in range(256))


@dataclass(frozen=True)
class Entry:
    status: int
    headers: tuple[tuple[str, str], ...]
    raw: bytes | None  # the body as rendered, kept only when too small to be worth compressing
    etag: str
    last_modified: int  # seconds since the epoch
    # The body compressed once, when stored, and kept only so: a page is ~5 times smaller (more pages in the cache's
    # byte budget, less to read on a hit); a client that takes no gzip gets it decompressed (~0.2 ms).
    gzipped: bytes | None = None
    # The view's word to the middleware below us, which also sees a replayed hit: `@xframe_options_exempt` (embeds
    # are made to be framed; XFrameOptionsMiddleware would otherwise add DENY to the hit).
    frameable: bool = False
    data: str = ""  # the data generation it was rendered under (`generations.split`): older = stale

    @property
    def body(self) -> bytes:
        return self.raw if self.raw is not None else gzip.decompress(self.gzipped or b"")

    def variant(self, request: HttpRequest) -> tuple[bytes, str, bool]:
        """(body, ETag, compressed) for this request: gzip when the client accepts it and we have it."""
        if self.gzipped is not None and variant.accepts_gzip(request):
            return self.gzipped, f'{self.etag[:-1]}-gz"', True
        return self.body, self.etag, False


_GZIP_MIN_BYTES = 1024


def page_cache() -> BaseCache:
    return caches[settings.PAGECACHE_ALIAS]


def page_key(request: HttpRequest, generation: str, targets: frozenset[str] = frozenset()) -> str:
    """The cache key of the answer to `request` (its query string already canonical) under `generation`: the
    views' decision (page or which fragment) and the absolute URL."""
    chosen = f"{variant.htmx_decision(request, targets)}|{request.build_absolute_uri()}"
    return f"page:{generation}:{hashlib.blake2b(chosen.encode(), digest_size=16).hexdigest()}"


def _eligible_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    # A visitor's own state (their shortlist, `PAGECACHE_BYPASS_COOKIES`) changes what their pages show: such a
    # request is rendered for them, never answered with (nor stored as) the page everyone else shares.
    personal = (settings.SESSION_COOKIE_NAME, _MESSAGES_COOKIE, *settings.PAGECACHE_BYPASS_COOKIES)
    return not any(name in cookies for name in personal)


def refusal(request: HttpRequest, response: HttpResponseBase) -> str:
    """Why `response` may not be stored ('' when it may)."""
    if not getattr(response, markers.RESPONSE_MARK, False):
        return "view not opted in"
    if request.method != "GET" or response.status_code not in CACHEABLE_STATUS or response.streaming:
        return "method or status"
    if response.cookies:
        return "sets a cookie"
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in _REFUSED_CACHE_CONTROL):
        return "Cache-Control forbids it"
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    # `Vary: Cookie` (pages that read the visitor's shortlist) is storable for a request that sent no cookie at all:
    # the page is then the one every cookie-less visitor gets, and requests with a personal cookie never reach the
    # store nor a hit (`_eligible_request`). With any cookie sent, we cannot know which one the page read.
    allowed = _ALLOWED_VARY | ({"cookie"} if not request.COOKIES else set())
    if vary - allowed:
        return f"varies on {sorted(vary - allowed)}"
    if "'nonce-" in response.get("Content-Security-Policy", ""):
        return "CSP nonce"
    if reasons := markers.reasons():
        return "; ".join(reasons)
    return ""


class PageCacheMiddleware:
    """Placed right after WhiteNoise. The look-up happens once the URL is resolved (`process_view`), for views
    marked `@cache_page_view` only: other views (healthz, admin…) cost nothing, not even the generation read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> HttpResponseBase:
        if not settings.PAGECACHE_ENABLED or not _eligible_request(request):
            return self.get_response(request)
        request._pagecache_key = None
        request._pagecache_lock = None
        request._pagecache_claim = None
        token = markers.watch()
        try:
            response = self.get_response(request)
            key = request._pagecache_key
            why_not = "" if key and not getattr(response, "_pagecache_served", False) else "not looked up"
            why_not = why_not or refusal(request, response)
            if not why_not:
                entry = self._entry(response, request._pagecache_data)
                self._write(key, entry)
        finally:
            markers.unwatch(token)
            if request._pagecache_lock is not None:
                request._pagecache_lock.release()
            if request._pagecache_claim is not None:
                self._release(request._pagecache_claim)
        if why_not:
            return response
        return self._serve(request, entry, "miss", response)

    def process_view(
        self, request: Any, view_func: Callable[..., Any], view_args: object, view_kwargs: object
    ) -> HttpResponseBase | None:
        if not hasattr(request, "_pagecache_key") or not getattr(view_func, markers.VIEW_MARK, False):
            return None
        try:
            stable, data = generations.split(generations.current())
        except DatabaseError:  # the view answers for itself, uncached
            logger.warning("page cache generation unreadable", exc_info=True)
            return None
        # The view sees what the key says, and nothing else: unknown parameters never reach it.
        variant.canonicalise(request, getattr(view_func, markers.PARAMS_MARK, frozenset()))
        targets: frozenset[str] = getattr(view_func, markers.TARGETS_MARK, frozenset())
        key = request._pagecache_key = page_key(request, stable, targets)
        request._pagecache_data = data
        entry = self._read(key)
        if entry is not None and entry.data != data:
            # Stale-while-revalidate: the data moved since this page was rendered. One request (across processes:
            # the claim is in the shared cache) renders it again; the others get the page as it was meanwhile.
            if not self._claim(request, key, data):
                return self._served(request, entry, "stale")
            entry = None
        elif entry is None:
            # Render once per process: the threads missing the same page meanwhile (a class opening it together)
            # wait for that render, then are served from the cache. Bounded wait: never a hang.
            lock = _RENDER_LOCKS[hash(key) % len(_RENDER_LOCKS)]
            if lock.acquire(timeout=settings.PAGECACHE_RENDER_WAIT):
                request._pagecache_lock = lock
                entry = self._read(key)
                entry = entry if entry is not None and entry.data == data else None
        return None if entry is None else self._served(request, entry, "hit")

    def _served(self, request: Any, entry: Entry, outcome: str) -> HttpResponseBase:
        response = self._serve(request, entry, outcome)
        response._pagecache_served = True  # type: ignore[attr-defined]  # read by __call__ above
        return response

    @staticmethod
    def _claim(request: Any, key: str, data: str) -> bool:
        """Whether this request renders the stale page again (True when the cache cannot say: render)."""
        claim = f"{key}:renewing:{data}"
        try:
            claimed = page_cache().add(claim, 1, max(1, round(settings.PAGECACHE_RENDER_WAIT)))
        except Exception:
            logger.warning("page cache claim failed", exc_info=True)
            return True
        if claimed:
            request._pagecache_claim = claim
        return claimed

    @staticmethod
    def _release(claim: str) -> None:
        try:
            page_cache().delete(claim)
        except Exception:
            logger.warning("page cache claim release failed", exc_info=True)

    @staticmethod
    def _entry(response: Any, data: str) -> Entry:
        patch_vary_headers(response, (*HTMX_VARY, "Accept-Encoding"))
        if "Cache-Control" not in response:
            response["Cache-Control"] = settings.PAGECACHE_CACHE_CONTROL
        body = response.content
        etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        last_modified = int(time.time())
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        headers = tuple((k, v) for k, v in response.items() if k.lower() not in _NOT_STORED)
        # Compressed once here, not on every hit (pages hold no secret: no cookie, no CSRF token, so no BREACH).
        gzipped = gzip.compress(body, 6, mtime=0) if len(body) >= _GZIP_MIN_BYTES else None
        frameable = bool(getattr(response, "xframe_options_exempt", False))
        raw = body if gzipped is None else None
        return Entry(response.status_code, headers, raw, etag, last_modified, gzipped, frameable, data)

    @staticmethod
    def _serve(request: HttpRequest, entry: Entry, outcome: str, response: Any = None) -> HttpResponseBase:
        body, etag, compressed = entry.variant(request)
        replayed = response is None
        if replayed:
            response = HttpResponse(status=entry.status)
            for name, value in entry.headers:
                response[name] = value
            response.xframe_options_exempt = entry.frameable
        if replayed or compressed:
            response.content = body
            response["Content-Length"] = str(len(body))
        if request.method == "HEAD":
            response.content = b""  # Content-Length still says what a GET gets
        if compressed:
            response["Content-Encoding"] = "gzip"
        response["ETag"] = etag
        response["X-Page-Cache"] = outcome
        # Never None when given a response: that response, or a 304 / 412 in its stead.
        return (
            get_conditional_response(request, etag=etag, last_modified=entry.last_modified, response=response)
            or response
        )

    @staticmethod
    def _read(key: str) -> Entry | None:
        try:
            entry = page_cache().get(key)
        except Exception:  # a cache that does not answer must not take pages down
            logger.warning("page cache read failed", exc_info=True)
            return None
        return entry if isinstance(entry, Entry) else None

    @staticmethod
    def _write(key: str, entry: Entry) -> None:
        try:
            page_cache().set(key, entry, settings.PAGECACHE_TTL)
        except Exception:
            logger.warning("page cache write failed", exc_info=True)
