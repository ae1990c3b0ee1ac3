"""The one HTTP client of the InserJeunes API (HTTP only: which upstream it talks to is chosen above it, by
`guidance.indicators.upstream`).

Two ways in, chosen by what it is given:
- **gateway** (`gateway=GatewayCredentials(...)`): the ministry's gateway, the API's only door since 31 January
  2026. A token from the gateway's token endpoint (`guidance.inserjeunes.gateway`) goes as `Authorization: Bearer`
  on every route; a 401 drops it, a new one is fetched and the call is retried once.
- **direct** (`api_key=...`): a self-hosted trajectoires-pro, its key in `x-api-key` on the authenticated routes.
  (The API's own accounts and `POST /auth/login` were removed upstream in February 2026: no login here.)

Every call goes through `_request`, which turns each outcome into a parsed JSON body or one of the typed errors of
`guidance.inserjeunes.errors`, within a deadline for the whole call and a maximum answer size
(`guidance.inserjeunes.bounded`). A `guard` (the circuit breaker of the indicators service) is asked before every
call and told how it went, whoever calls: pages, peer lists, commands. Methods only take the value objects of
`guidance.inserjeunes.codes`: nothing typed by a visitor reaches a URL unparsed. No credential (key, secret, token) is
ever logged, put in a URL or in an error.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.text import slugify

from guidance.inserjeunes import parsing, results
from guidance.inserjeunes.bounded import phase_timeout, read_body, time_left
from guidance.inserjeunes.codes import Certification, Millesime, Region, Uai
from guidance.inserjeunes.errors import (
    Forbidden,
    InserJeunesError,
    Unauthorized,
    Unavailable,
    UnavailableCause,
    body_message,
    error_for_status,
)
from guidance.inserjeunes.gateway import GatewayCredentials, IssuedToken, TokenCache, TokenRefused, read_token_answer
from guidance.inserjeunes.routes import (
    API_PREFIX,
    UpstreamRequest,
    filieres_request,
    list_filters,
    national_request,
    regional_request,
    school_request,
)

logger = logging.getLogger("guidance.inserjeunes")

LIST_PAGE_SIZE = 200


class CallGuard(Protocol):
    """What the client asks before a call and tells after it (the indicators' circuit breaker)."""

    def allow(self) -> bool: ...
    def record_success(self) -> None: ...
    def record_failure(self) -> None: ...


@dataclass(frozen=True)
class Fetched:
    """A successful GET: 200 with its JSON body, or 304 (`not_modified`, body None) when the ETag matched."""

    payload: dict[str, Any] | None
    etag: str | None
    not_modified: bool = False


@dataclass(frozen=True)
class _Answer:
    status: int
    etag: str | None
    body: bytes


def _decode_json(body: bytes, route: str, status: int) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace")
        cause = UnavailableCause.TRUNCATED if parsing.looks_truncated(text) else UnavailableCause.MALFORMED
        raise Unavailable(cause, "invalid JSON", route=route, status=status) from None


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def default_user_agent() -> str:
    """The site's name and address (ASCII, as HTTP headers require), so the upstream knows who calls."""
    return f"{slugify(settings.SITE_NAME) or 'guidance'}/1.0 (+{settings.SITE_URL})"


class InserJeunesClient:
    """One per process: one `httpx.Client`, so connections are pooled, and one gateway token. Thread-safe."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str = "",
        gateway: GatewayCredentials | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        call_timeout: float = 10.0,
        max_answer_bytes: int = 5_000_000,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = "",
        guard: CallGuard | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api_key = api_key
        self._gateway = gateway
        self._tokens = TokenCache(self._fetch_token, clock=clock) if gateway else None
        self._guard = guard
        self.connect_timeout, self.read_timeout, self.call_timeout = connect_timeout, read_timeout, call_timeout
        self.max_answer_bytes = max_answer_bytes
        self._http = httpx.Client(
            base_url=base_url,
            transport=transport,
            headers={"User-Agent": user_agent or default_user_agent(), "Accept": "application/json"},
            follow_redirects=False,
        )

    @property
    def mode(self) -> str:
        return "gateway" if self._gateway else "direct"

    @property
    def token_requests(self) -> int:
        return self._tokens.requests if self._tokens else 0

    def close(self) -> None:
        self._http.close()

    # --- one exchange, bounded ---------------------------------------------------------------------------------

    def _exchange(
        self,
        method: str,
        url: str,
        *,
        route: str,
        deadline: float,
        params: Sequence[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> _Answer:
        """Send one request and read its answer before `deadline`, no larger than `max_answer_bytes`."""
        started = time.monotonic()
        status: int | str = "-"
        timeout = phase_timeout(deadline, connect=self.connect_timeout, read=self.read_timeout)
        try:
            with self._http.stream(
                method, url, params=list(params), headers=headers, data=form, timeout=timeout
            ) as response:
                status = response.status_code
                body = read_body(response, deadline=deadline, max_bytes=self.max_answer_bytes, route=route)
                return _Answer(response.status_code, response.headers.get("etag"), body)
        except Unavailable as exc:
            status = str(exc.cause)
            raise
        except httpx.TimeoutException:
            status = "timeout"
            raise Unavailable(UnavailableCause.TIMEOUT, "timeout", route=route) from None
        except httpx.TransportError as exc:
            if time_left(deadline) <= 0:  # the watchdog cut a read at the call's deadline
                status = "timeout"
                raise Unavailable(UnavailableCause.TIMEOUT, "call deadline passed", route=route) from None
            if isinstance(exc, httpx.RemoteProtocolError):
                status = "truncated"
                raise Unavailable(UnavailableCause.TRUNCATED, "connection closed mid-answer", route=route) from None
            status = "connect-error"
            raise Unavailable(UnavailableCause.CONNECT, type(exc).__name__, route=route) from None
        finally:
            duration = (time.monotonic() - started) * 1000
            logger.info("inserjeunes %s %s status=%s duration_ms=%d", method, route, status, duration)

    # --- the choke point -------------------------------------------------------------------------------------

    def _deadline(self, deadline: float | None, route: str) -> float:
        """The call's deadline: its own (`call_timeout`), or the caller's when sooner (a page's)."""
        own = time.monotonic() + self.call_timeout
        deadline = own if deadline is None else min(own, deadline)
        if time_left(deadline) <= 0:
            raise Unavailable(UnavailableCause.TIMEOUT, "no time left for this call", route=route)
        return deadline

    def _guarded[T](self, route: str, call: Callable[[], T]) -> T:
        """`call()` behind the guard: refused at once while it is open; timeouts, connection errors, 5xx, bad JSON
        and refused credentials count as failures, any other answer (a 404, a 400, a 403 on one route) as a
        success."""
        if self._guard is None:
            return call()
        if not self._guard.allow():
            raise Unavailable(UnavailableCause.CIRCUIT_OPEN, route=route)
        try:
            result = call()
        except Forbidden:  # an answer about this route: the upstream is up
            self._guard.record_success()
            raise
        except (Unavailable, Unauthorized):
            self._guard.record_failure()
            raise
        except InserJeunesError:
            self._guard.record_success()
            raise
        self._guard.record_success()
        return result

    def _request(
        self,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        etag: str | None = None,
        authenticated: bool = False,
        deadline: float | None = None,
    ) -> Fetched:
        """GET `path`; return its JSON body (or 304) or raise NotFound/BadRequest/Unauthorized/Unavailable."""
        due = self._deadline(deadline, path)
        return self._guarded(path, lambda: self._read(path, self._get(path, params, etag, authenticated, due), etag))

    def _get(self, path: str, params: Sequence[tuple[str, str]], etag: str | None, auth: bool, due: float) -> _Answer:
        headers = {"If-None-Match": etag} if etag else {}
        if self._tokens is None:
            if auth and self._api_key:
                headers["x-api-key"] = self._api_key
            return self._exchange("GET", path, route=path, deadline=due, params=params, headers=headers)
        token = self._tokens.get(due)
        answer = self._exchange("GET", path, route=path, deadline=due, params=params, headers=_bearer(headers, token))
        if answer.status == 401:  # expired or revoked early: renewed once, the call retried once
            self._tokens.drop(token)
            token = self._tokens.get(due)
            answer = self._exchange(
                "GET", path, route=path, deadline=due, params=params, headers=_bearer(headers, token)
            )
        return answer

    def _read(self, path: str, answer: _Answer, sent_etag: str | None) -> Fetched:
        if answer.status == 304:
            return Fetched(None, answer.etag or sent_etag, not_modified=True)
        if answer.status == 200:
            body = _decode_json(answer.body, path, 200)
            if not isinstance(body, dict):
                raise Unavailable(UnavailableCause.MALFORMED, "JSON object expected", route=path, status=200)
            return Fetched(body, answer.etag)
        said = self._redacted(_json_or_none(answer.body))
        if answer.status == 403:
            raise Forbidden(body_message(said, 403), route=path)
        if answer.status == 401:
            raise Unauthorized(body_message(said, 401), route=path)
        raise error_for_status(answer.status, said, route=path)

    def _redacted(self, body: object) -> object:
        """The upstream's error body with any credential of ours cut out of its message (it ends in our errors)."""
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return body
        message = body["message"]
        for secret in self._secrets():
            message = message.replace(secret, "***")
        return {**body, "message": message}

    def _secrets(self) -> list[str]:
        values = [self._api_key]
        if self._gateway:
            values += [self._gateway.client_secret, self._gateway.api_key]
        if self._tokens:
            values += self._tokens.recent()
        return [value for value in values if value]

    # --- the gateway's token ---------------------------------------------------------------------------------

    def _fetch_token(self, deadline: float) -> IssuedToken:
        """One token request (called by the `TokenCache`, one at a time)."""
        assert self._gateway is not None
        route = urlsplit(self._gateway.token_url).path or "/auth/token"
        answer = self._exchange(
            "POST",
            self._gateway.token_url,
            route=route,
            deadline=deadline,
            headers={"x-Omogen-api-key": self._gateway.api_key},
            form=self._gateway.form(),
        )
        if answer.status in (400, 401, 403):
            raise TokenRefused(f"token request refused (HTTP {answer.status})", route=route)
        if answer.status != 200:
            raise error_for_status(answer.status, None, route=route)
        return read_token_answer(_json_or_none(answer.body))

    # --- public routes ---------------------------------------------------------------------------------------

    def fetch(self, request: UpstreamRequest, *, etag: str | None = None, deadline: float | None = None) -> Fetched:
        """GET a canonical request, conditionally when `etag` is given, before `deadline` (monotonic) when given.
        Raises the typed errors."""
        return self._request(
            request.path, params=request.params, etag=etag, authenticated=request.authenticated, deadline=deadline
        )

    def _get_parsed(self, request: UpstreamRequest) -> Any:
        return request.parse(self.fetch(request).payload)

    def national(self, cert: Certification, millesime: Millesime | None = None) -> results.CertificationFigures:
        return cast(results.CertificationFigures, self._get_parsed(national_request(cert, millesime)))

    def regional(
        self, cert: Certification, region: Region, millesime: Millesime | None = None
    ) -> results.RegionalFigures:
        return cast(results.RegionalFigures, self._get_parsed(regional_request(cert, region, millesime)))

    def school(self, uai: Uai, cert: Certification, millesime: Millesime | None = None) -> results.SchoolFigures:
        return cast(results.SchoolFigures, self._get_parsed(school_request(uai, cert, millesime)))

    def filieres(
        self, certs: Sequence[Certification], region: Region | None = None, millesime: Millesime | None = None
    ) -> results.FilieresFigures:
        return cast(results.FilieresFigures, self._get_parsed(filieres_request(certs, region, millesime)))

    # --- authenticated list routes ---------------------------------------------------------------------------

    def fetch_page(self, path: str, items_key: str, params: dict[str, str], page: int, page_size: int) -> results.Page:
        """One page of an authenticated list route, its items raw (JSON objects). Raises the typed errors; a page
        cut mid-way (the upstream streams lists) or of an unexpected shape is `Unavailable` (TRUNCATED/MALFORMED)."""
        query = sorted({**params, "page": str(page), "items_par_page": str(page_size)}.items())
        fetched = self._request(path, params=query, authenticated=True)
        try:
            return parsing.parse_page(fetched.payload, items_key)
        except results.PayloadError as exc:
            raise Unavailable(UnavailableCause.MALFORMED, str(exc), route=path, status=200) from None

    def _iter_pages[T](
        self, path: str, items_key: str, params: dict[str, str], parse: Callable[[object], T], page_size: int
    ) -> Iterator[T]:
        page = 1
        while True:
            parsed = self.fetch_page(path, items_key, params, page, page_size)
            try:
                items = [parse(item) for item in parsed.items]
            except results.PayloadError as exc:
                raise Unavailable(UnavailableCause.MALFORMED, str(exc), route=path, status=200) from None
            yield from items
            if not items or page >= parsed.nombre_de_page:
                return
            page += 1

    def iter_certifications(
        self,
        *,
        millesimes: Sequence[Millesime] = (),
        certs: Sequence[Certification] = (),
        page_size: int = LIST_PAGE_SIZE,
    ) -> Iterator[results.CertificationFigures]:
        params = list_filters(millesimes, certs)
        yield from self._iter_pages(
            f"{API_PREFIX}/certifications", "certifications", params, parsing.parse_certification, page_size
        )

    def iter_formations(
        self,
        *,
        millesimes: Sequence[Millesime] = (),
        certs: Sequence[Certification] = (),
        uais: Sequence[Uai] = (),
        regions: Sequence[Region] = (),
        page_size: int = LIST_PAGE_SIZE,
    ) -> Iterator[results.SchoolFigures]:
        params = list_filters(millesimes, certs, uais=uais, regions=regions)
        yield from self._iter_pages(f"{API_PREFIX}/formations", "formations", params, parsing.parse_school, page_size)


def _bearer(headers: dict[str, str], token: str) -> dict[str, str]:
    return {**headers, "Authorization": f"Bearer {token}"}
