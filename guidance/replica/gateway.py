"""A stand-in for the ministry's gateway ("Omogen") in front of the replica: the door the real API is reached by
since 31 January 2026, so that offline runs and tests go through the same one.

- `POST /auth/token`, form-encoded `grant_type=client_credentials`, `client_id`, `client_secret`, with the header
  `x-Omogen-api-key`: 200 `{"access_token", "expires_in", "token_type": "Bearer"}`; wrong credentials or key: 401
  `{"error": "invalid_client"}`; another grant type: 400 `{"error": "unsupported_grant_type"}`.
- `GET /exposition-inserjeunes-insersup/<the API's path>`: only with `Authorization: Bearer <a token it issued, not
  expired nor revoked>`, on every route, public ones included (else 401 `{"error": "invalid_token"}` with
  `WWW-Authenticate: Bearer`); then the replica answers, the prefix taken off and the gateway's own key in
  `x-api-key` (what opens the private routes behind it).
- Anything else: 404.

Tokens are opaque random strings, kept with their expiry (`token_lifetime`, an hour by default) until they expire;
`revoke_tokens()` makes every issued token refused (what a gateway restart does), `token_requests` counts the token
requests it got. The real gateway's exact error bodies are not public: a client must only rely on the statuses.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

GATEWAY_PREFIX = "/exposition-inserjeunes-insersup"
TOKEN_PATH = "/auth/token"
MAX_TOKENS = 10_000  # tokens kept at most (the oldest are dropped first): a bounded memory whatever the callers

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class StandInCredentials:
    """What the stand-in gateway accepts. Not secrets: they open a local replica of public data."""

    client_id: str
    client_secret: str = field(repr=False)
    api_key: str = field(repr=False)

    @classmethod
    def local(cls) -> StandInCredentials:
        """The in-process stand-in's (the site's client is given the same)."""
        return cls("replica-client", "replica-client-secret", "replica-gateway-key")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class GatewayApp:
    """WSGI callable: the token endpoint and the Bearer-only data routes in front of `api` (the replica)."""

    def __init__(
        self,
        api: WsgiApp,
        credentials: StandInCredentials,
        *,
        backend_key: str | None,
        token_lifetime: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api = api
        self.credentials = credentials
        self.backend_key = backend_key
        self.token_lifetime = token_lifetime
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}  # token → expiry (insertion order: the oldest first)
        self.token_requests = 0
        self.refused_token_requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path == TOKEN_PATH:
            if environ.get("REQUEST_METHOD", "GET").upper() != "POST":
                return _json(start_response, 405, {"error": "method_not_allowed"})
            return self._token(environ, start_response)
        if path == GATEWAY_PREFIX or path.startswith(GATEWAY_PREFIX + "/"):
            if not self._bearer_valid(environ):
                return _json(start_response, 401, {"error": "invalid_token"}, [("WWW-Authenticate", "Bearer")])
            # The gateway's token is no concern of the API behind it; the gateway's own key opens its private routes.
            inner = {k: v for k, v in environ.items() if k not in ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")}
            inner["PATH_INFO"] = path[len(GATEWAY_PREFIX) :] or "/"
            inner["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + GATEWAY_PREFIX
            if self.backend_key:
                inner["HTTP_X_API_KEY"] = self.backend_key
            return self.api(inner, start_response)
        return _json(start_response, 404, {"error": "not_found"})

    # --- tokens ------------------------------------------------------------------------------------------------

    def _token(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._lock:
            self.token_requests += 1
        form = _form(environ)
        if form.get("grant_type") != "client_credentials":
            return _json(start_response, 400, {"error": "unsupported_grant_type"})
        expected = self.credentials
        if not (
            _same(form.get("client_id", ""), expected.client_id)
            and _same(form.get("client_secret", ""), expected.client_secret)
            and _same(environ.get("HTTP_X_OMOGEN_API_KEY", ""), expected.api_key)
        ):
            with self._lock:
                self.refused_token_requests += 1
            return _json(start_response, 401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._tokens = {t: at for t, at in self._tokens.items() if at > now}
            while len(self._tokens) >= MAX_TOKENS:
                del self._tokens[next(iter(self._tokens))]
            self._tokens[token] = now + self.token_lifetime
        body = {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}
        return _json(start_response, 200, body, [("Cache-Control", "no-store")])

    def _bearer_valid(self, environ: dict[str, Any]) -> bool:
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        with self._lock:
            expiry = self._tokens.get(token.strip())
        return expiry is not None and self._clock() < expiry

    def revoke_tokens(self) -> None:
        """Refuse every token issued so far (their holders get 401 and must ask for a new one)."""
        with self._lock:
            self._tokens.clear()


def _form(environ: dict[str, Any]) -> dict[str, str]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(min(length, 10_000)) if length > 0 else b""
    parsed = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in parsed.items() if len(values) == 1}


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed"}


def _json(
    start_response: Callable[..., Any], status: int, body: object, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(
        f"{status} {_REASONS[status]}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload))), *(headers or [])],
    )
    return [payload]
