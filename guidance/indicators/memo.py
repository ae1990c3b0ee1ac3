"""Work done once per data generation, not once per page: a bounded per-process memo keyed on the page cache's
generation (`guidance.pagecache.generations.current()`: the code version, the catalogue import, the figures
refreshes and the operator's purge).

    @per_generation(maxsize=4096)
    def alternatives(formation, region, voie, millesime, measure="…"): …

A result is kept only when everything it read was fresh (`unfresh()` was not called while computing it: the regional
lists were available and not stale), so that a page rendered while the upstream is down or refreshing asks again
next time. An import or a refresh that changed a stored answer moves the generation: the next call computes afresh,
so a page never shows precomputed figures older than the data (tests: tests/indicators/test_peers_memo.py).
The generation is read at most once a second per process (its own memo), so a hit costs a dict look-up.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from guidance.pagecache import generations

_memos: list[_Memo] = []
_unfresh: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar("indicators_memo_unfresh", default=None)


def unfresh() -> None:
    """Say that what is being computed read stale or unavailable data: it is not memoised."""
    flags = _unfresh.get()
    if flags is not None:
        flags.append(True)


class _Memo:
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def per_generation[**P, R](
    maxsize: int, key: Callable[..., Hashable] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Memoise a function per data generation (its arguments, through `key` when given, name the result)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        memo = _Memo(maxsize)
        _memos.append(memo)

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            named = key(*args, **kwargs) if key else (args, tuple(sorted(kwargs.items())))
            found = (generations.current(), named)
            with memo.lock:
                if found in memo.entries:
                    memo.entries.move_to_end(found)
                    kept: R = memo.entries[found]
                    return kept
            token = _unfresh.set([])
            try:
                result = function(*args, **kwargs)
                fresh = not _unfresh.get()
            finally:
                _unfresh.reset(token)
            if fresh:
                with memo.lock:
                    memo.entries[found] = result
                    while len(memo.entries) > memo.maxsize:
                        memo.entries.popitem(last=False)
            else:
                unfresh()  # an enclosing memoised call read it too
            return result

        return wrapper

    return decorate


def forget() -> None:
    """Empty every memo of the process (tests: each has its own database, whose counters start again)."""
    for memo in _memos:
        memo.clear()
