"""How views and services talk to the page cache, wherever the views live.

- `@cache_page_view` on a view: its anonymous 200/301 answers may be cached. It marks the view function (read
  by the middleware's look-up once the URL is resolved) and each response (read before storing), so the opt-in
  follows the view when it moves, whatever its other decorators (`functools.wraps` carries the mark).
- `mark_uncacheable(reason)` from any code serving the request: this answer must not be cached (figures served
  stale while a refresh runs, the upstream unavailable…), so that the next visit renders again.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponseBase

RESPONSE_MARK = "_pagecache_opt_in"
VIEW_MARK = "pagecache_opt_in"

# None outside a request the middleware watches; else the reasons noted while serving it.
_uncacheable: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("pagecache_uncacheable", default=None)


def cache_page_view[View: Callable[..., HttpResponseBase]](view: View) -> View:
    """Let the page cache keep this view's answers (see `guidance.pagecache.middleware` for the rules)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        setattr(response, RESPONSE_MARK, True)
        return response

    setattr(wrapper, VIEW_MARK, True)
    return cast(View, wrapper)


def mark_uncacheable(reason: str) -> None:
    """Keep the answer of the request being served out of the page cache (no-op outside one)."""
    reasons = _uncacheable.get()
    if reasons is not None:
        reasons.append(reason)


def watch() -> contextvars.Token[list[str] | None]:
    """Start noting reasons for the current request (the middleware calls it)."""
    return _uncacheable.set([])


def reasons() -> list[str]:
    return list(_uncacheable.get() or ())


def unwatch(token: contextvars.Token[list[str] | None]) -> None:
    _uncacheable.reset(token)
