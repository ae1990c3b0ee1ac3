"""A process-wide circuit breaker in front of the upstream.

After `INSERJEUNES_CIRCUIT_FAILURES` consecutive failures (timeouts, connection errors, 5xx, rate limits, bad
JSON, refused key), no call is made for `INSERJEUNES_CIRCUIT_COOLDOWN` seconds: pages get the stale entry or the
"unavailable" absence at once instead of waiting for a timeout. After the cool-down, calls are allowed again
(half-open); the first failure re-opens the circuit, the first success closes it.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger("guidance.indicators")


class CircuitBreaker:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0

    @property
    def failures(self) -> int:
        return self._failures

    def is_open(self) -> bool:
        with self._lock:
            return self._clock() < self._open_until

    def allow(self) -> bool:
        """True when a call may be made now."""
        return not self.is_open()

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._open_until = 0.0

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= settings.INSERJEUNES_CIRCUIT_FAILURES:
                if self._clock() >= self._open_until:
                    logger.warning(
                        "inserjeunes circuit open for %ss after %d failures",
                        settings.INSERJEUNES_CIRCUIT_COOLDOWN,
                        self._failures,
                    )
                self._open_until = self._clock() + settings.INSERJEUNES_CIRCUIT_COOLDOWN

    def reset(self) -> None:
        with self._lock:
            self._failures = 0
            self._open_until = 0.0


breaker = CircuitBreaker()
