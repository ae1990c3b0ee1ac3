"""Fault injection, fixed when the replica starts (environment or `serve_replica` options), never per request:
added latency, a share of 500/503 answers, hanging answers, malformed JSON and truncated bodies.

Environment: REPLICA_LATENCY_MS, REPLICA_ERROR_RATE, REPLICA_HANG_RATE, REPLICA_MALFORMED_RATE,
REPLICA_TRUNCATE_RATE (shares between 0 and 1, summing to at most 1), REPLICA_HANG_SECONDS (default 30) and
REPLICA_FAULT_SEED (reproducible draws). In process (httpx.WSGITransport) a hang blocks the calling thread for
REPLICA_HANG_SECONDS: client timeouts only apply over a real socket.
"""

import json
import os
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from guidance.replica.errors import INTERNAL_ERROR


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: int = 0
    error_rate: float = 0.0
    hang_rate: float = 0.0
    malformed_rate: float = 0.0
    truncate_rate: float = 0.0
    hang_seconds: float = 30.0
    seed: int | None = None

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.hang_rate, self.malformed_rate, self.truncate_rate)
        if any(not 0.0 <= rate <= 1.0 for rate in rates) or sum(rates) > 1.0 + 1e-9:
            raise ValueError("fault rates must be between 0 and 1 and sum to at most 1")
        if self.latency_ms < 0 or self.hang_seconds < 0:
            raise ValueError("latency and hang duration must be positive")

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.error_rate or self.hang_rate or self.malformed_rate or self.truncate_rate)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "FaultConfig":
        """Read the REPLICA_* variables; a malformed value raises ValueError naming the variable."""
        environ = os.environ if environ is None else environ

        def read(name: str, kind, default):
            raw = environ.get(name, "").strip()
            if not raw:
                return default
            try:
                return kind(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {raw!r}") from None

        return cls(
            latency_ms=read("REPLICA_LATENCY_MS", int, 0),
            error_rate=read("REPLICA_ERROR_RATE", float, 0.0),
            hang_rate=read("REPLICA_HANG_RATE", float, 0.0),
            malformed_rate=read("REPLICA_MALFORMED_RATE", float, 0.0),
            truncate_rate=read("REPLICA_TRUNCATE_RATE", float, 0.0),
            hang_seconds=read("REPLICA_HANG_SECONDS", float, 30.0),
            seed=read("REPLICA_FAULT_SEED", int, None),
        )


class FaultInjector:
    """Draws one fault (or none) per request and applies it to a finished (status, headers, body) answer."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._random = random.Random(config.seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        config = self.config
        with self._lock:
            roll = self._random.random()
            coin = self._random.random()
        for name, rate in (
            ("error", config.error_rate),
            ("hang", config.hang_rate),
            ("malformed", config.malformed_rate),
            ("truncate", config.truncate_rate),
        ):
            if roll < rate:
                return "error_503" if name == "error" and coin < 0.5 else name
            roll -= rate
        return None

    def apply(self, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
        if self.config.latency_ms:
            time.sleep(self.config.latency_ms / 1000)
        fault = self.draw()
        if fault is None:
            return status, headers, body
        if fault == "hang":
            time.sleep(self.config.hang_seconds)
            return status, headers, body
        if fault == "error":
            payload = {"statusCode": 500, "error": "Internal Server Error", "message": INTERNAL_ERROR}
            return "500 Internal Server Error", _json_headers(), json.dumps(payload).encode()
        if fault == "error_503":
            payload = {"statusCode": 503, "error": "Service Unavailable", "message": "Service Unavailable"}
            return "503 Service Unavailable", _json_headers(), json.dumps(payload).encode()
        if fault == "malformed":
            return status, _json_headers(), b'{"millesime": "' + body[:40].replace(b'"', b"") + b"<html>"
        # truncate: the start of the real answer, as when a streamed list dies mid-way.
        kept = [(name, value) for name, value in headers if name.lower() != "etag"]
        return status, kept, body[: len(body) // 2]


def _json_headers() -> list[tuple[str, str]]:
    return [("Content-Type", "application/json; charset=utf-8")]
