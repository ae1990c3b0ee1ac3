"""The typed errors of the InserJeunes client: every failed upstream call ends as exactly one of these.

`NotFound` carries why (its `reason`), `Unavailable` carries what went wrong (its `cause`). None of them ever
holds a credential (API key, client secret, token); `route` is the path we called (no credential goes into a URL).
What a JSON 404 says is also kept as a plain value (`NoFigures`): caches hold that, never an exception (an exception
keeps its traceback, and with it the frames and the response of the call that raised it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from guidance.inserjeunes.codes import has_millesime_form, newest_first


class NotFoundReason(StrEnum):
    UNKNOWN_CERTIFICATION = "unknown_certification"  # "Certification inconnue"
    UNKNOWN_CERTIFICATIONS = "unknown_certifications"  # "Certifications inconnues" (filières view)
    UNKNOWN_FORMATION = "unknown_formation"  # "Formation inconnue" (school × certification)
    UNKNOWN_SCHOOL = "unknown_school"  # "Etablissement inconnu"
    NO_DATA = "no_data"  # "Pas de données disponibles"
    NO_DATA_FOR_MILLESIME = "no_data_for_millesime"  # "Pas de données pour le millésime" + available ones


class UnavailableCause(StrEnum):
    TIMEOUT = "timeout"
    CONNECT = "connect"  # DNS, refused, TLS, reset…
    SERVER_ERROR = "server_error"  # 5xx
    RATE_LIMITED = "rate_limited"  # 503 past the rate limit, 429
    MALFORMED = "malformed"  # not JSON, or JSON of an unexpected shape
    TRUNCATED = "truncated"  # JSON cut mid-way (streamed lists)
    UNEXPECTED = "unexpected"  # any other status, an HTML 404 of an unknown path
    TOO_LARGE = "too_large"  # an answer above the size limit (cut while it streamed)
    CIRCUIT_OPEN = "circuit_open"  # we did not even try: the circuit breaker is open


class InserJeunesError(Exception):
    """Base of every client error. `route` is the path called, `status` the HTTP status when there was one."""

    def __init__(self, message: str = "", *, route: str = "", status: int | None = None) -> None:
        self.message = message
        self.route = route
        self.status = status
        super().__init__(message or self.__class__.__name__)


@dataclass(frozen=True, slots=True)
class NoFigures:
    """What a JSON 404 says, as a plain value: why there is nothing, the millésime asked, the ones that exist."""

    reason: NotFoundReason
    millesime: str | None = None
    available_millesimes: tuple[str, ...] = ()


class NotFound(InserJeunesError):
    """A JSON 404: the upstream knows it has nothing for this question. Cacheable (the answer is stable).

    `available_millesimes` (newest first) is filled for `NO_DATA_FOR_MILLESIME`, `millesime` is the one asked.
    `payload` is the error body as received, so a cache can store it and rebuild the same error later.
    """

    def __init__(
        self,
        reason: NotFoundReason,
        message: str = "",
        *,
        millesime: str | None = None,
        available_millesimes: tuple[str, ...] = (),
        payload: dict[str, object] | None = None,
        route: str = "",
    ) -> None:
        super().__init__(message or str(reason), route=route, status=404)
        self.reason = reason
        self.millesime = millesime
        self.available_millesimes = available_millesimes
        self.payload = payload or {}

    @property
    def no_figures(self) -> NoFigures:
        return NoFigures(self.reason, self.millesime, self.available_millesimes)


class BadRequest(InserJeunesError):
    """400 "Erreur de validation": our request was wrong. Never cached, never retried."""

    def __init__(self, message: str = "", *, details: tuple[object, ...] = (), route: str = "") -> None:
        super().__init__(message, route=route, status=400)
        self.details = details


class Unauthorized(InserJeunesError):
    """401: the key or token is missing, wrong or expired (after one refresh attempt for tokens)."""

    def __init__(self, message: str = "", *, route: str = "") -> None:
        super().__init__(message, route=route, status=401)


class Forbidden(Unauthorized):
    """403: our credentials are good but this route is not open to them (a gateway subscription without the private
    list routes). An answer about one route, not a sign the upstream is down: it never opens the circuit."""

    def __init__(self, message: str = "", *, route: str = "") -> None:
        super().__init__(message, route=route)
        self.status = 403


class Unavailable(InserJeunesError):
    """No answer now: timeout, connection error, 5xx, rate limit, bad or truncated JSON. Never cached."""

    def __init__(
        self, cause: UnavailableCause, message: str = "", *, route: str = "", status: int | None = None
    ) -> None:
        super().__init__(message or str(cause), route=route, status=status)
        self.cause = cause


# --- From an HTTP answer to its error (the client's status table) --------------------------------------------

_NOT_FOUND_MESSAGES: dict[str, NotFoundReason] = {
    "certification inconnue": NotFoundReason.UNKNOWN_CERTIFICATION,
    "certifications inconnues": NotFoundReason.UNKNOWN_CERTIFICATIONS,
    "formation inconnue": NotFoundReason.UNKNOWN_FORMATION,
    "etablissement inconnu": NotFoundReason.UNKNOWN_SCHOOL,
    "établissement inconnu": NotFoundReason.UNKNOWN_SCHOOL,
    "pas de données disponibles": NotFoundReason.NO_DATA,
    "pas de données pour le millésime": NotFoundReason.NO_DATA_FOR_MILLESIME,
}


def body_message(body: object, status: int) -> str:
    """The upstream's own `message` (cut to 200 characters), else `HTTP <status>`."""
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])[:200]
    return f"HTTP {status}"


def _millesimes(values: object) -> tuple[str, ...]:
    """The well-formed millésimes of a 404's `millesimesDisponible`, distinct, newest first.

    Upstream sorts them as strings, and lists one per record: a code with both a `pro` and an `agricole` record of
    the same millésime (the unique key includes the filière) names it twice. Pages offer these as links and sort
    them by year, so anything else (a number, a null) is dropped here rather than break a page.
    """
    if not isinstance(values, list):
        return ()
    return tuple(newest_first(value for value in values if has_millesime_form(value)))


def no_figures_from_body(body: object) -> NoFigures:
    """What a JSON 404 body says (also read back from a cached body)."""
    body = body if isinstance(body, dict) else {}
    message = str(body.get("message") or "")
    data = body.get("data")
    data = data if isinstance(data, dict) else {}
    available = data.get("millesimesDisponible") or data.get("millesimesDisponibles") or []
    asked = data.get("millesime")
    return NoFigures(
        _NOT_FOUND_MESSAGES.get(message.strip().lower(), NotFoundReason.NO_DATA),
        asked if isinstance(asked, str) and has_millesime_form(asked) else None,
        _millesimes(available),
    )


def not_found_from_body(body: dict[str, object], route: str = "") -> NotFound:
    """The `NotFound` a JSON 404 body describes."""
    said = no_figures_from_body(body)
    return NotFound(
        said.reason,
        str(body.get("message") or ""),
        millesime=said.millesime,
        available_millesimes=said.available_millesimes,
        payload=body,
        route=route,
    )


def error_for_status(status: int, body: object, *, route: str) -> InserJeunesError:
    """The error an unsuccessful status means (not 200/304, nor 401/403 which the client retries once).

    400 is our bug (never retried), a JSON 404 a stable answer (cacheable), 429/503 the rate limit, other 5xx a
    server error; anything else, or a 404 without a JSON body (an unknown path), is unexpected.
    """
    if status == 400:
        details = body.get("details") if isinstance(body, dict) else None
        return BadRequest(
            body_message(body, status), details=tuple(details) if isinstance(details, list) else (), route=route
        )
    if status == 404:
        if isinstance(body, dict) and body.get("message"):
            return not_found_from_body(body, route)
        return Unavailable(UnavailableCause.UNEXPECTED, "404 without a JSON body", route=route, status=404)
    if status in (429, 503):
        return Unavailable(UnavailableCause.RATE_LIMITED, body_message(body, status), route=route, status=status)
    if status >= 500:
        return Unavailable(UnavailableCause.SERVER_ERROR, body_message(body, status), route=route, status=status)
    return Unavailable(UnavailableCause.UNEXPECTED, f"HTTP {status}", route=route, status=status)
