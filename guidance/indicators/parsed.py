"""A per-process memo of parsed cache rows, so a warm page neither decodes nor parses its figures again.

Keyed by what identifies one stored answer: the row's key, status, `fetched_at` and ETag (a refresh that stores a
new answer changes `fetched_at`, so a stale parse is never served). Values are the frozen dataclasses of
`guidance.inserjeunes.results` (or the `NotFound` of a JSON 404): shared safely between threads.
Bounded (least recently used out first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from guidance.indicators.models import CacheEntry

MAX_ITEMS = 20_000
_MISSING = object()

_lock = threading.Lock()
_items: OrderedDict[tuple, Any] = OrderedDict()


def memo_key(entry: CacheEntry) -> tuple:
    return (entry.key, entry.status, entry.fetched_at, entry.etag)


def get(entry: CacheEntry) -> Any:
    """The parsed answer memoised for this row, or `MISSING`."""
    key = memo_key(entry)
    with _lock:
        value = _items.get(key, _MISSING)
        if value is not _MISSING:
            _items.move_to_end(key)
        return value


def put(entry: CacheEntry, value: Any) -> None:
    put_key(memo_key(entry), value)


def put_key(key: tuple, value: Any) -> None:
    """Memoise under `key` = (row key, status, fetched_at, etag): what a row just written will be read as."""
    with _lock:
        _items[key] = value
        _items.move_to_end(key)
        while len(_items) > MAX_ITEMS:
            _items.popitem(last=False)


def known(entry: CacheEntry) -> bool:
    with _lock:
        return memo_key(entry) in _items


def clear() -> None:
    with _lock:
        _items.clear()


MISSING = _MISSING
