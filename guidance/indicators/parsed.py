"""A per-process memo of parsed cache rows, so a warm page neither decodes nor parses its figures again.

Keyed by what identifies one stored answer: the row's key, status, `fetched_at` and ETag (a refresh that stores a
new answer changes `fetched_at`, so a stale parse is never served). Values are plain values only, shared safely
between threads: the frozen dataclasses of `guidance.inserjeunes.results`, the `NoFigures` of a JSON 404, or None
(a row that cannot be read). Never an exception: one would keep its traceback, and with it the frames, request and
response of the call that raised it.

Bounded in bytes (`INSERJEUNES_MEMO_BYTES`, an estimate of each entry's size made once when it is put), least
recently used out first: a site visited on thousands of distinct URLs keeps a memo of the same size.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from datetime import datetime
from enum import Enum

from django.conf import settings

from guidance.indicators.models import CacheEntry
from guidance.inserjeunes.errors import NoFigures
from guidance.inserjeunes.results import Figures

MemoKey = tuple[str, int, datetime, str]
Memoised = Figures | NoFigures | None


class Missing:
    """The marker of "nothing memoised for this row" (None is a value: a row that cannot be read)."""


MISSING = Missing()

_lock = threading.Lock()
_items: OrderedDict[MemoKey, tuple[Memoised, int]] = OrderedDict()
_bytes = 0


def size_of(value: object) -> int:
    """An estimate of the memory `value` holds (objects reached through dataclass fields, tuples, frozensets)."""
    if value is None or isinstance(value, (bool, int, float, Enum)):
        return 0 if value is None or isinstance(value, (bool, Enum)) else sys.getsizeof(value)
    if isinstance(value, (str, bytes, datetime)):
        return sys.getsizeof(value)
    if isinstance(value, (tuple, frozenset, list)):
        return sys.getsizeof(value) + sum(size_of(item) for item in value)
    if dataclasses.is_dataclass(value):
        own = sys.getsizeof(value) + (sys.getsizeof(vars(value)) if hasattr(value, "__dict__") else 0)
        return own + sum(size_of(getattr(value, f.name)) for f in dataclasses.fields(value))
    return sys.getsizeof(value)


def memo_key(entry: CacheEntry) -> MemoKey:
    return (entry.key, entry.status, entry.fetched_at, entry.etag)


def get(entry: CacheEntry) -> Memoised | Missing:
    """The parsed answer memoised for this row, or `MISSING`."""
    key = memo_key(entry)
    with _lock:
        found = _items.get(key)
        if found is None:
            return MISSING
        _items.move_to_end(key)
        return found[0]


def put(entry: CacheEntry, value: Memoised) -> None:
    put_key(memo_key(entry), value)


def put_key(key: MemoKey, value: Memoised) -> None:
    """Memoise under `key` = (row key, status, fetched_at, etag): what a row just written will be read as."""
    if isinstance(value, BaseException):  # a bug of the caller: never keep an exception (see the module docstring)
        raise TypeError("the memo keeps plain values, not exceptions")
    global _bytes
    size = size_of(key) + size_of(value)
    limit = settings.INSERJEUNES_MEMO_BYTES
    with _lock:
        previous = _items.pop(key, None)
        if previous is not None:
            _bytes -= previous[1]
        if size > limit:
            return  # larger than the whole memo: read from the database each time
        _items[key] = (value, size)
        _bytes += size
        while _bytes > limit:
            _, (_, dropped) = _items.popitem(last=False)
            _bytes -= dropped


def known(entry: CacheEntry) -> bool:
    with _lock:
        return memo_key(entry) in _items


def held_bytes() -> int:
    """The estimated size of what the memo holds now."""
    with _lock:
        return _bytes


def clear() -> None:
    global _bytes
    with _lock:
        _items.clear()
        _bytes = 0
