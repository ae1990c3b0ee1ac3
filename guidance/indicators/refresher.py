"""Stale-while-revalidate refreshes of the indicators service: in a background thread (default), inline, or not
at all. One refresh per key at a time; a failed refresh is logged, never raised (it runs after the page answered)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connections

from guidance.inserjeunes.routes import UpstreamRequest

logger = logging.getLogger("guidance.indicators")

Jobs = dict[str, UpstreamRequest]


class Refresher:
    """Runs `refresh(jobs)`. Tests set `mode = "inline"` (synchronous) or `"off"`; `wait()` joins the running threads.
    A background thread starts with an empty context: no page deadline applies to it (`budget`)."""

    def __init__(self, refresh: Callable[[Jobs], None]) -> None:
        self.mode = "thread"
        self._refresh = refresh
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._threads: list[threading.Thread] = []

    def submit(self, jobs: Jobs) -> None:
        with self._lock:
            jobs = {k: r for k, r in jobs.items() if k not in self._running}  # one refresh per key
            if not jobs or self.mode == "off":
                return
            self._running.update(jobs)
        if self.mode == "inline":
            self._run(jobs, close_connections=False)
            return
        thread = threading.Thread(target=self._run, args=(jobs,), name="indicators-refresh", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _run(self, jobs: Jobs, close_connections: bool = True) -> None:
        try:
            self._refresh(jobs)
        except Exception:  # a background refresh must never take the process down
            logger.exception("indicators background refresh failed")
        finally:
            with self._lock:
                self._running.difference_update(jobs)
            if close_connections:
                connections.close_all()

    def wait(self, timeout: float = 10.0) -> None:
        for thread in list(self._threads):
            thread.join(timeout)
