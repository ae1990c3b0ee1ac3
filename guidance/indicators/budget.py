"""One deadline for all the upstream work of one page, whatever its number of questions.

A page may ask the service several times (its figures, a second round for another form of a millésime, the
regional peers…): each of those calls would wait its own timeouts. Instead, the clock starts at the first upstream
work of a request and every later call of that request gets what is left of `INSERJEUNES_PAGE_DEADLINE`; once it is
spent, questions not in the cache answer "unavailable" at once (and the page is kept out of the page cache).

Outside a request (management commands, background refreshes, tests calling the service directly) there is no page
deadline: each call has only its own (`INSERJEUNES_CALL_DEADLINE`). `page()` opens one by hand.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings


class _Page:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.due: float | None = None  # set by the first upstream work of the page

    def deadline(self) -> float:
        if self.due is None:
            self.due = time.monotonic() + self.seconds
        return self.due


_current: contextvars.ContextVar[_Page | None] = contextvars.ContextVar("indicators_page_budget", default=None)


def deadline() -> float | None:
    """The monotonic time by which the current page's upstream work must be done (None outside a page)."""
    page = _current.get()
    return page.deadline() if page is not None else None


def spent() -> bool:
    """True when the current page has no time left for the upstream."""
    due = deadline()
    return due is not None and time.monotonic() >= due


def start_page(**_signal: Any) -> None:
    """`request_started` receiver: a new page, its clock not started yet."""
    _current.set(_Page(settings.INSERJEUNES_PAGE_DEADLINE))


def end_page(**_signal: Any) -> None:
    """`request_finished` receiver."""
    _current.set(None)


@contextmanager
def page(seconds: float | None = None) -> Iterator[None]:
    """A page's deadline around some code (what a request gets from `start_page`)."""
    token = _current.set(_Page(settings.INSERJEUNES_PAGE_DEADLINE if seconds is None else seconds))
    try:
        yield
    finally:
        _current.reset(token)
