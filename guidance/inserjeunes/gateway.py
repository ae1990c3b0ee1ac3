"""Access to the API through the Education ministry's gateway ("Omogen"), as it runs since 31 January 2026.

A token comes from `POST <token URL>` (form-encoded `grant_type=client_credentials`, `client_id`, `client_secret`, with
the header `x-Omogen-api-key`), answered `{"access_token", "expires_in" (seconds), "token_type": "Bearer"}`; every data
route then wants `Authorization: Bearer <token>`, public ones included.

`TokenCache` keeps one token per process (the client is one per process):
- reused until 90 % of its `expires_in`, then fetched again;
- fetched by one caller at a time: the others wait for it (never past their own deadline) and share it;
- dropped when a data route answers 401 with it (the client then renews it once and retries the call);
- after a refused token request (400, 401, 403: wrong id, secret or key), no new request for `COOL_DOWN` seconds:
  every call fails at once with `TokenRefused`, and pages are served from the cache or say the figures are
  unavailable, instead of hammering the gateway with credentials it refuses.
The secret, the key and the token are never logged, put in a URL, an error or a repr.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from guidance.inserjeunes.bounded import time_left
from guidance.inserjeunes.errors import Unauthorized, Unavailable, UnavailableCause

REFRESH_SHARE = 0.9  # a token is renewed once 90 % of its lifetime has passed
COOL_DOWN = 60.0  # seconds without a token request after the gateway refused one


@dataclass(frozen=True)
class GatewayCredentials:
    """What the gateway's token endpoint wants. `repr` shows the client id and the URL only."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    api_key: str = field(repr=False)

    def form(self) -> dict[str, str]:
        return {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret}


class TokenRefused(Unauthorized):
    """The token endpoint refused our credentials (or did recently: we are cooling down)."""


@dataclass(frozen=True)
class IssuedToken:
    value: str = field(repr=False)
    expires_in: float


def read_token_answer(body: object) -> IssuedToken:
    """The token of a 200 from the token endpoint; `Unavailable(MALFORMED)` for any other shape."""
    if isinstance(body, dict):
        token, expires_in, kind = body.get("access_token"), body.get("expires_in"), body.get("token_type", "Bearer")
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) else 0
        if isinstance(token, str) and token and lifetime > 0 and str(kind).lower() == "bearer":
            return IssuedToken(token, lifetime)
    raise Unavailable(UnavailableCause.MALFORMED, "token answer of an unexpected shape", route="/auth/token")


class TokenCache:
    """The process's gateway token. `fetch(deadline)` sends one token request (it raises `TokenRefused` when the
    gateway refuses our credentials, the client's typed errors otherwise); `clock` is monotonic."""

    def __init__(
        self,
        fetch: Callable[[float], IssuedToken],
        *,
        clock: Callable[[], float] = time.monotonic,
        cool_down: float = COOL_DOWN,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._cool_down = cool_down
        self._state = threading.Lock()
        self._fetching = threading.Lock()  # one token request at a time
        self._token: str | None = None
        self._issued: deque[str] = deque(maxlen=8)  # the last tokens: an echo of a dropped one is redacted too
        self._renew_at = 0.0
        self._paused_until = float("-inf")
        self.requests = 0  # token requests sent by this process (the site's health page and tests read it)

    def _current(self) -> str | None:
        with self._state:
            if self._token is not None and self._clock() < self._renew_at:
                return self._token
            if self._clock() < self._paused_until:
                raise TokenRefused("token requests paused after a refusal", route="/auth/token")
            return None

    def get(self, deadline: float) -> str:
        """A valid token: the cached one, else one fetched now (or by the caller already fetching one)."""
        token = self._current()
        if token is not None:
            return token
        if not self._fetching.acquire(timeout=max(0.0, time_left(deadline))):
            raise Unavailable(UnavailableCause.TIMEOUT, "deadline passed waiting for a token", route="/auth/token")
        try:
            token = self._current()  # fetched by the caller we waited for?
            if token is not None:
                return token
            self.requests += 1
            try:
                issued = self._fetch(deadline)
            except TokenRefused:
                with self._state:
                    self._paused_until = self._clock() + self._cool_down
                raise
            with self._state:
                self._token = issued.value
                self._issued.append(issued.value)
                self._renew_at = self._clock() + REFRESH_SHARE * issued.expires_in
            return issued.value
        finally:
            self._fetching.release()

    def drop(self, token: str) -> None:
        """Forget `token` (a data route refused it); a token fetched since by another caller is kept."""
        with self._state:
            if self._token == token:
                self._token = None

    def recent(self) -> list[str]:
        """The last tokens received (errors are checked against them, so that none ever shows one)."""
        with self._state:
            return list(self._issued)
