"""Reading one upstream answer within a deadline and a size limit.

A timeout per read does not bound a call: an answer dripping one byte every 3 s never trips a 5 s read timeout. So
each call has a deadline (monotonic time) for the whole of it: connect, headers and every read of the body.

- Until the headers arrive, httpx's own timeouts bound each phase, each cut to the time left (`phase_timeout`).
- While the body streams, a watchdog thread shuts the call's socket down when the deadline passes: the read that
  waits then ends at once, whatever the upstream sends (`read_body`). The body is also checked against the deadline
  after every chunk (what an in-process transport, which has no socket, relies on).
- The body is counted as it streams and cut past `max_bytes` (a `Content-Length` above it is refused before any
  read): a 200 MB answer never sits in a worker's memory.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time

import httpx

from guidance.inserjeunes.errors import Unavailable, UnavailableCause


def time_left(deadline: float) -> float:
    return deadline - time.monotonic()


def phase_timeout(deadline: float, *, connect: float, read: float) -> httpx.Timeout:
    """httpx's timeouts for a call due at `deadline`: each phase gets its own limit or the time left, whichever is
    shorter."""
    left = max(0.001, time_left(deadline))
    return httpx.Timeout(connect=min(connect, left), read=min(read, left), write=min(read, left), pool=left)


class _Watchdog:
    """One daemon thread per process that shuts down the sockets of the calls past their deadline.

    `shutdown` (not `close`) is safe while another thread reads: the read returns at once and the connection is then
    thrown away by the pool. Started on first use and again after a fork (gunicorn workers)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._armed: dict[int, tuple[float, socket.socket]] = {}
        self._next = 0
        self._pid = 0

    def arm(self, deadline: float, sock: socket.socket) -> int:
        with self._condition:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._armed.clear()
                threading.Thread(target=self._run, name="inserjeunes-watchdog", daemon=True).start()
            self._next += 1
            self._armed[self._next] = (deadline, sock)
            self._condition.notify()
            return self._next

    def disarm(self, handle: int) -> None:
        with self._condition:
            self._armed.pop(handle, None)

    def _run(self) -> None:
        while True:
            with self._condition:
                if not self._armed:
                    self._condition.wait()
                    continue
                handle, (deadline, sock) = min(self._armed.items(), key=lambda item: item[1][0])
                wait = time_left(deadline)
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                del self._armed[handle]
            with contextlib.suppress(OSError):
                # The plain socket's method, also for a TLS socket: its own `shutdown` would drop its SSL object
                # under the reading thread's feet.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


_watchdog = _Watchdog()


def _socket_of(response: httpx.Response) -> socket.socket | None:
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    return sock if isinstance(sock, socket.socket) else None


def read_body(response: httpx.Response, *, deadline: float, max_bytes: int, route: str) -> bytes:
    """The body of a streamed `response`, read before `deadline` and no longer than `max_bytes`; raises
    `Unavailable(TIMEOUT)` or `Unavailable(TOO_LARGE)`, or lets httpx's transport errors through (a read cut by the
    watchdog is one: the caller tells it from a real one by the deadline)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise Unavailable(UnavailableCause.TOO_LARGE, f"answer of {declared} bytes announced", route=route)
    sock = _socket_of(response)
    handle = _watchdog.arm(deadline, sock) if sock is not None else None
    try:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise Unavailable(UnavailableCause.TOO_LARGE, f"answer cut after {max_bytes} bytes", route=route)
            if time_left(deadline) <= 0:
                raise Unavailable(UnavailableCause.TIMEOUT, "call deadline passed while reading", route=route)
        return bytes(body)
    finally:
        if handle is not None:
            _watchdog.disarm(handle)
