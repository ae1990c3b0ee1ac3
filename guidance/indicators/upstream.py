"""Which upstream the site talks to, chosen once per process: the one place that knows the replica exists.

- `INSERJEUNES_API_URL` set: the real API.
  - With `INSERJEUNES_CLIENT_ID`: through the ministry's gateway (its only door since 31 January 2026): a token from
    `INSERJEUNES_TOKEN_URL` for the client id and secret, with `INSERJEUNES_API_KEY` as `x-Omogen-api-key`, then
    `Authorization: Bearer` on every route.
  - Without: directly, `INSERJEUNES_API_KEY` as `x-api-key` on the authenticated routes (a self-hosted
    trajectoires-pro).
- Unset: the offline replica, in process (`guidance.replica`), behind its stand-in gateway when `REPLICA_GATEWAY` is
  on (the default: offline runs and the tests go through the same door as production), else directly.

Every client shares the indicators' circuit breaker (`circuit.breaker`), so every road to the upstream (pages, peer
lists, `indicators_warm`, `sync_catalog_from_api`) opens and respects the same circuit; and the same deadlines and
size limit (`INSERJEUNES_CALL_DEADLINE`, `INSERJEUNES_MAX_ANSWER_BYTES`).
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
from django.conf import settings

from guidance.indicators.circuit import breaker
from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.gateway import GatewayCredentials
from guidance.replica.app import get_default_app
from guidance.replica.gateway import GATEWAY_PREFIX, TOKEN_PATH, GatewayApp, StandInCredentials

REPLICA_ORIGIN = "http://replica.local"  # the in-process replica's address (any host: no socket is opened)

_client: InserJeunesClient | None = None
_lock = threading.Lock()


def get_client() -> InserJeunesClient:
    """The process-wide client (built on first use: in process, that loads the replica's dataset)."""
    global _client
    with _lock:
        if _client is None:
            _client = _build()
        return _client


def reset_client() -> None:
    """Forget the process-wide client (tests; after a settings change)."""
    global _client
    with _lock:
        if _client is not None:
            _client.close()
        _client = None


def lists_available() -> bool:
    """True when the authenticated list routes should answer us: through the gateway, or directly with a key; in
    process, when the replica has a key (its stand-in gateway opens them with it; production leaves it unset).
    Asked without, they only answer refusals, which would count against the circuit."""
    if settings.INSERJEUNES_API_URL:
        return bool(settings.INSERJEUNES_CLIENT_ID or settings.INSERJEUNES_API_KEY)
    return bool(settings.REPLICA_API_KEY)


def insersup_available() -> bool:
    """Whether InserSup's figures can reach this installation: through the real API, always (its answers say what it
    lacks); offline, only when the replica's open data holds an InserSup file (`insersup/`). Pages say which: a
    missing figure of a higher-education diploma is then "not available here", not "not published"."""
    if settings.INSERJEUNES_API_URL:
        return True
    dataset = getattr(get_default_app(), "dataset", None)
    return bool(getattr(dataset, "has_insersup", False))


def _limits() -> dict[str, Any]:
    return {
        "connect_timeout": settings.INSERJEUNES_CONNECT_TIMEOUT,
        "read_timeout": settings.INSERJEUNES_READ_TIMEOUT,
        "call_timeout": settings.INSERJEUNES_CALL_DEADLINE,
        "max_answer_bytes": settings.INSERJEUNES_MAX_ANSWER_BYTES,
        "guard": breaker,
    }


def _build() -> InserJeunesClient:
    if settings.INSERJEUNES_API_URL:
        if settings.INSERJEUNES_CLIENT_ID:
            credentials = GatewayCredentials(
                token_url=settings.INSERJEUNES_TOKEN_URL,
                client_id=settings.INSERJEUNES_CLIENT_ID,
                client_secret=settings.INSERJEUNES_CLIENT_SECRET,
                api_key=settings.INSERJEUNES_API_KEY,
            )
            return InserJeunesClient(settings.INSERJEUNES_API_URL, gateway=credentials, **_limits())
        return InserJeunesClient(settings.INSERJEUNES_API_URL, api_key=settings.INSERJEUNES_API_KEY, **_limits())
    return _in_process_replica()


def _in_process_replica() -> InserJeunesClient:
    app = get_default_app()
    if not settings.REPLICA_GATEWAY:
        transport = httpx.WSGITransport(app=app)
        return InserJeunesClient(REPLICA_ORIGIN, api_key=settings.REPLICA_API_KEY, transport=transport, **_limits())
    stand_in = StandInCredentials.local()
    gateway = GatewayApp(app, stand_in, backend_key=settings.REPLICA_API_KEY or None)
    credentials = GatewayCredentials(
        token_url=REPLICA_ORIGIN + TOKEN_PATH,
        client_id=stand_in.client_id,
        client_secret=stand_in.client_secret,
        api_key=stand_in.api_key,
    )
    return InserJeunesClient(
        REPLICA_ORIGIN + GATEWAY_PREFIX,
        gateway=credentials,
        transport=httpx.WSGITransport(app=gateway),
        **_limits(),
    )
