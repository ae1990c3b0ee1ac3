"""The one HTTP client of the InserJeunes API.

Every call goes through `InserJeunesClient._request`, which turns each outcome into a parsed JSON body or one of
the typed errors of `guidance.inserjeunes.errors`; methods then turn bodies into the frozen dataclasses of
`guidance.inserjeunes.results`. Methods only take the value objects of `guidance.inserjeunes.codes`: nothing
typed by a visitor reaches a URL unparsed. The API key and tokens are never logged nor put in a URL.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.utils.text import slugify

from guidance.inserjeunes import parsing, results
from guidance.inserjeunes.codes import Academie, Certification, Millesime, Region, Uai
from guidance.inserjeunes.errors import (  # noqa: F401 (not_found_from_body re-exported for the service)
    Unauthorized,
    Unavailable,
    UnavailableCause,
    body_message,
    error_for_status,
    not_found_from_body,
)
from guidance.inserjeunes.routes import (  # noqa: F401 (re-exported: the request builders live in routes)
    API_PREFIX,
    QuestionKind,
    UpstreamRequest,
    _check,
    _segment,
    filieres_request,
    national_request,
    regional_request,
    request_for_question,
    school_request,
)

logger = logging.getLogger("guidance.inserjeunes")

REPLICA_BASE_URL = "http://replica.local"
TOKEN_LIFETIME = 24 * 3600  # the API's JWTs last one day
TOKEN_REFRESH_MARGIN = 3600  # refresh an hour before expiry
LIST_PAGE_SIZE = 200


@dataclass(frozen=True)
class Fetched:
    """A successful GET: 200 with its JSON body, or 304 (`not_modified`, body None) when the ETag matched."""

    payload: dict[str, Any] | None
    etag: str | None
    not_modified: bool = False


def _jwt_expiry(token: str) -> float | None:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def _decode_json(response: httpx.Response, route: str) -> Any:
    text = response.text
    try:
        return json.loads(text)
    except ValueError:
        cause = UnavailableCause.TRUNCATED if parsing.looks_truncated(text) else UnavailableCause.MALFORMED
        raise Unavailable(cause, "invalid JSON", route=route, status=response.status_code) from None


def default_user_agent() -> str:
    """The site's name and address (ASCII, as HTTP headers require), so the upstream knows who calls."""
    return f"{slugify(settings.SITE_NAME) or 'guidance'}/1.0 (+{settings.SITE_URL})"


class InserJeunesClient:
    """One per process (see `get_client`): one `httpx.Client`, so connections are pooled. Thread-safe."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str = "",
        username: str = "",
        password: str = "",
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._api_key = api_key
        self._username = username
        self._password = password
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()
        self._clock = clock
        self.timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._http = httpx.Client(
            base_url=base_url,
            timeout=self.timeout,
            transport=transport,
            headers={
                "User-Agent": user_agent or default_user_agent(),
                "Accept": "application/json",
            },
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    # --- the choke point -------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        etag: str | None = None,
        authenticated: bool = False,
        json_body: dict | None = None,
        _retry_auth: bool = True,
    ) -> Fetched:
        """Send one request; return its JSON body (or 304) or raise NotFound/BadRequest/Unauthorized/Unavailable."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if authenticated:
            headers.update(self._auth_headers())
        started = time.monotonic()
        status: int | str = "-"
        try:
            try:
                response = self._http.request(method, path, params=list(params), headers=headers, json=json_body)
            except httpx.TimeoutException:
                status = "timeout"
                raise Unavailable(UnavailableCause.TIMEOUT, "timeout", route=path) from None
            except httpx.RemoteProtocolError:
                status = "truncated"
                raise Unavailable(UnavailableCause.TRUNCATED, "connection closed mid-answer", route=path) from None
            except httpx.TransportError as exc:
                status = "connect-error"
                raise Unavailable(UnavailableCause.CONNECT, type(exc).__name__, route=path) from None
            status = response.status_code
        finally:
            logger.info(
                "inserjeunes %s %s status=%s duration_ms=%d",
                method,
                path,
                status,
                (time.monotonic() - started) * 1000,
            )

        code = response.status_code
        etag_out = response.headers.get("etag")
        if code == 304:
            return Fetched(None, etag_out or etag, not_modified=True)
        if code == 200:
            body = _decode_json(response, path)
            if not isinstance(body, dict):
                raise Unavailable(UnavailableCause.MALFORMED, "JSON object expected", route=path, status=200)
            return Fetched(body, etag_out)
        if code in (401, 403):
            if authenticated and self._token and _retry_auth:
                self._drop_token()
                return self._request(
                    method, path, params=params, etag=etag, authenticated=True, json_body=json_body, _retry_auth=False
                )
            raise Unauthorized(_message(response), route=path)
        raise error_for_status(code, _json_or_none(response), route=path)

    # --- authentication --------------------------------------------------------------------------------------

    def _auth_headers(self) -> dict[str, str]:
        if self._api_key:
            return {"x-api-key": self._api_key}
        if self._username:
            return {"Authorization": f"Bearer {self._current_token()}"}
        return {}

    def _current_token(self) -> str:
        with self._token_lock:
            if self._token is None or self._clock() >= self._token_expires_at - TOKEN_REFRESH_MARGIN:
                fetched = self._request(
                    "POST",
                    f"{API_PREFIX}/auth/login",
                    json_body={"username": self._username, "password": self._password},
                    _retry_auth=False,
                )
                token = (fetched.payload or {}).get("token")
                if not isinstance(token, str) or not token:
                    raise Unavailable(UnavailableCause.MALFORMED, "login answer without a token")
                self._token = token
                self._token_expires_at = _jwt_expiry(token) or self._clock() + TOKEN_LIFETIME
            return self._token

    def _drop_token(self) -> None:
        with self._token_lock:
            self._token = None

    # --- public routes ---------------------------------------------------------------------------------------

    def fetch(self, request: UpstreamRequest, *, etag: str | None = None) -> Fetched:
        """GET a canonical request, conditionally when `etag` is given. Raises the typed errors."""
        return self._request("GET", request.path, params=request.params, etag=etag)

    def _get(self, request: UpstreamRequest):
        return request.parse(self.fetch(request).payload)

    def national(self, cert: Certification, millesime: Millesime | None = None) -> results.CertificationFigures:
        return self._get(national_request(cert, millesime))

    def regional(
        self, cert: Certification, region: Region, millesime: Millesime | None = None
    ) -> results.RegionalFigures:
        return self._get(regional_request(cert, region, millesime))

    def school(self, uai: Uai, cert: Certification, millesime: Millesime | None = None) -> results.SchoolFigures:
        return self._get(school_request(uai, cert, millesime))

    def filieres(
        self, certs: Sequence[Certification], region: Region | None = None, millesime: Millesime | None = None
    ) -> results.FilieresFigures:
        return self._get(filieres_request(certs, region, millesime))

    # --- authenticated list routes ---------------------------------------------------------------------------

    def fetch_page(self, path: str, items_key: str, params: dict[str, str], page: int, page_size: int) -> results.Page:
        """One page of an authenticated list route, its items raw (JSON objects). Raises the typed errors; a page
        cut mid-way (the upstream streams lists) or of an unexpected shape is `Unavailable` (TRUNCATED/MALFORMED)."""
        query = sorted({**params, "page": str(page), "items_par_page": str(page_size)}.items())
        fetched = self._request("GET", path, params=query, authenticated=True)
        try:
            return parsing.parse_page(fetched.payload, items_key)
        except results.PayloadError as exc:
            raise Unavailable(UnavailableCause.MALFORMED, str(exc), route=path, status=200) from None

    def _iter_pages(
        self, path: str, items_key: str, params: dict[str, str], parse: Callable[[object], Any], page_size: int
    ) -> Iterator[Any]:
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

    @staticmethod
    def _filters(
        millesimes: Sequence[Millesime] = (), certs: Sequence[Certification] = (), **lists: Sequence[Any]
    ) -> dict[str, str]:
        params = {}
        for value in millesimes:
            _check(value, Millesime, "millesimes[]")
        for value in certs:
            _check(value, Certification, "certs[]")
        for name, values in lists.items():
            for value in values:
                _check(value, {"uais": Uai, "regions": Region, "academies": Academie}[name], f"{name}[]")
        if millesimes:
            params["millesimes"] = ",".join(str(m) for m in millesimes)
        if certs:
            params["code_certifications"] = ",".join(c.prefixed for c in certs)
        for name, values in lists.items():
            if values:
                params[name] = ",".join(str(v) for v in values)
        return params

    def iter_certifications(
        self,
        *,
        millesimes: Sequence[Millesime] = (),
        certs: Sequence[Certification] = (),
        page_size: int = LIST_PAGE_SIZE,
    ) -> Iterator[results.CertificationFigures]:
        params = self._filters(millesimes, certs)
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
        academies: Sequence[Academie] = (),
        page_size: int = LIST_PAGE_SIZE,
    ) -> Iterator[results.SchoolFigures]:
        params = self._filters(millesimes, certs, uais=uais, regions=regions, academies=academies)
        yield from self._iter_pages(f"{API_PREFIX}/formations", "formations", params, parsing.parse_school, page_size)

    def iter_regionales(
        self,
        *,
        region: Region | None = None,
        millesimes: Sequence[Millesime] = (),
        certs: Sequence[Certification] = (),
        page_size: int = LIST_PAGE_SIZE,
    ) -> Iterator[results.RegionalFigures]:
        path = f"{API_PREFIX}/regionales" + (f"/{_segment(region.code)}" if region else "")
        params = self._filters(millesimes, certs)
        yield from self._iter_pages(path, "regionales", params, parsing.parse_regional, page_size)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.text)
    except ValueError:
        return None


def _message(response: httpx.Response) -> str:
    return body_message(_json_or_none(response), response.status_code)


_client: InserJeunesClient | None = None
_client_lock = threading.Lock()


def get_client() -> InserJeunesClient:
    """The process-wide client: the real API when `INSERJEUNES_API_URL` is set, else the in-process replica."""
    global _client
    with _client_lock:
        if _client is None:
            _client = _build_client()
        return _client


def reset_client() -> None:
    """Forget the process-wide client (tests; after a settings change)."""
    global _client
    with _client_lock:
        if _client is not None:
            _client.close()
        _client = None


def _build_client() -> InserJeunesClient:
    common = {
        "connect_timeout": settings.INSERJEUNES_CONNECT_TIMEOUT,
        "read_timeout": settings.INSERJEUNES_READ_TIMEOUT,
    }
    if settings.INSERJEUNES_API_URL:
        return InserJeunesClient(
            settings.INSERJEUNES_API_URL,
            api_key=settings.INSERJEUNES_API_KEY,
            username=settings.INSERJEUNES_API_USERNAME,
            password=settings.INSERJEUNES_API_PASSWORD,
            **common,
        )
    from guidance.replica.app import get_default_app  # built by the replica app; imported only when used

    return InserJeunesClient(
        REPLICA_BASE_URL,
        api_key=settings.REPLICA_API_KEY,
        transport=httpx.WSGITransport(app=get_default_app()),
        **common,
    )
