"""Upstreams that misbehave, served on a loopback port (tests never touch the internet): they answer, fail, hang, drip
or send far too much, as a real API on a bad day does over a real socket (deadlines and size limits are socket
matters: an in-process transport cannot show them).

    with Loopback(answer_json({"a": 1})) as upstream:
        upstream.url            # http://127.0.0.1:<port>
        upstream.paths          # the paths asked, in order
        upstream.sent           # body bytes written so far
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Behaviour = Callable[["Handler"], None]
CHUNK = b"x" * 65536


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.server.note(self.path)
        self.server.behaviour(self)

    do_POST = do_GET

    def log_message(self, format, *args):  # noqa: A002 (the stdlib's signature)
        pass

    def send_body(self, data: bytes) -> bool:
        """Write `data`; False once the client has gone."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            return False
        self.server.count(len(data))
        return True

    def head(self, status: int = 200, length: int | None = None, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is None:
            self.send_header("Connection", "close")  # the body runs until the connection closes
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour = behaviour
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.paths: list[str] = []
        self.sent = 0

    def note(self, path: str) -> None:
        with self.lock:
            self.paths.append(path)

    def count(self, size: int) -> None:
        with self.lock:
            self.sent += size


class Loopback:
    def __init__(self, behaviour: Behaviour) -> None:
        self._server = _Server(behaviour)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Loopback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def paths(self) -> list[str]:
        with self._server.lock:
            return list(self._server.paths)

    @property
    def sent(self) -> int:
        with self._server.lock:
            return self._server.sent

    def behave(self, behaviour: Behaviour) -> None:
        """Answer from now on with `behaviour` (an upstream that changes its mind)."""
        self._server.behaviour = behaviour


def answer_json(body: object, status: int = 200) -> Behaviour:
    payload = json.dumps(body).encode()

    def behaviour(handler: Handler) -> None:
        handler.head(status, len(payload))
        handler.send_body(payload)

    return behaviour


def answer_by_path(answers: Callable[[str], tuple[int, object]]) -> Behaviour:
    """`answers(path)` → (status, JSON body)."""

    def behaviour(handler: Handler) -> None:
        status, body = answers(handler.path)
        answer_json(body, status)(handler)

    return behaviour


def hang(handler: Handler) -> None:
    """Take the request and never answer (until the test ends)."""
    handler.server.stopping.wait(120)
    handler.close_connection = True


def drip(interval: float, length: int = 2000) -> Behaviour:
    """Headers at once, then one byte of the body every `interval` seconds."""

    def behaviour(handler: Handler) -> None:
        handler.head(200, length)
        for _ in range(length):
            if handler.server.stopping.wait(interval) or not handler.send_body(b" "):
                break
        handler.close_connection = True

    return behaviour


def huge(size: int, *, declared: bool = False) -> Behaviour:
    """A body of `size` bytes, as fast as the client reads it; with `declared`, its length announced first."""

    def behaviour(handler: Handler) -> None:
        handler.head(200, size if declared else None)
        handler.send_body(b'{"items": "')
        left = size
        while left > 0 and not handler.server.stopping.is_set():
            if not handler.send_body(CHUNK[: min(len(CHUNK), left)]):
                break
            left -= len(CHUNK)
        handler.close_connection = True

    return behaviour


def slow(seconds: float, then: Behaviour) -> Behaviour:
    def behaviour(handler: Handler) -> None:
        time.sleep(seconds)
        then(handler)

    return behaviour
