"""How views and services talk to the page cache, wherever the views live.

- `@cache_page_view(params=…, targets=…)` on a view: its anonymous 200 answers may be cached. It marks the view
  function (read by the middleware's look-up once the URL is resolved) and each response (read before storing), so
  the opt-in follows the view when it moves, whatever its other decorators (`functools.wraps` carries the mark).
  The view says what its answer depends on, so that nothing else can make a new entry (a cheap way to flush the
  cache): `params`, the names of the query parameters it reads (a form's `base_fields`; any other parameter is
  dropped before the view runs); `targets`, the `HX-Target` values that change its HTMX fragment (any other
  target gets the view's one default fragment). Bare `@cache_page_view`: no parameter, one fragment.
- `mark_uncacheable(reason)` from any code serving the request: this answer must not be cached (figures served
  stale while a refresh runs, the upstream unavailable…), so that the next visit renders again.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterable
from typing import Any, cast, overload

from django.http import HttpRequest, HttpResponseBase

RESPONSE_MARK = "_pagecache_opt_in"
VIEW_MARK = "pagecache_opt_in"
PARAMS_MARK = "pagecache_params"
TARGETS_MARK = "pagecache_targets"

# None outside a request the middleware watches; else the reasons noted while serving it.
_uncacheable: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("pagecache_uncacheable", default=None)


type View = Callable[..., HttpResponseBase]


@overload
def cache_page_view[V: View](view: V) -> V: ...
@overload
def cache_page_view[V: View](
    view: None = None, *, params: Iterable[str] = (), targets: Iterable[str] = ()
) -> Callable[[V], V]: ...
def cache_page_view[V: View](
    view: V | None = None, *, params: Iterable[str] = (), targets: Iterable[str] = ()
) -> V | Callable[[V], V]:
    """Let the page cache keep this view's answers (see `guidance.pagecache.middleware` for the rules); `params` and
    `targets` as the module says."""
    known_params, known_targets = frozenset(params), frozenset(targets)

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            setattr(response, RESPONSE_MARK, True)
            return response

        setattr(wrapper, VIEW_MARK, True)
        setattr(wrapper, PARAMS_MARK, known_params)
        setattr(wrapper, TARGETS_MARK, known_targets)
        return cast(V, wrapper)

    return decorate(view) if view is not None else decorate


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
