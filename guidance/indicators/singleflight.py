"""Single flight: many concurrent requests for the same missing key make one upstream call.

Within a process a per-key `threading.Lock` serialises the callers; across processes, on PostgreSQL, a session
advisory lock on a 64-bit hash of the key does the same (`pg_try_advisory_lock`, polled so a waiter gives up
after a deadline instead of hanging). SQLite has no such lock: the per-process lock is its equivalent (a SQLite
site runs in one process, or accepts one duplicate call per process).

Whoever gets the lock re-reads the cache first: a waiter that gets it after the winner finds the row written and
makes no call.
"""

import hashlib
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from django.db import connection

POLL_INTERVAL = 0.02
# Striped per-process locks: bounded memory whatever the number of keys; two keys rarely share a stripe.
_STRIPES = tuple(threading.Lock() for _ in range(1024))


def _stripe(key: str) -> int:
    return advisory_key(key) % len(_STRIPES)


def advisory_key(key: str) -> int:
    """A stable signed 64-bit integer for a cache key (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def _hold_process_lock(lock: threading.Lock, deadline: float) -> Iterator[bool]:
    acquired = lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()


@contextmanager
def _hold_advisory_lock(key: str, deadline: float) -> Iterator[bool]:
    lock_id = advisory_key(key)
    acquired = False
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
            acquired = bool(cursor.fetchone()[0])
            if acquired or time.monotonic() >= deadline:
                break
            time.sleep(POLL_INTERVAL)
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


@contextmanager
def hold(keys: Iterable[str], timeout: float) -> Iterator[set[str]]:
    """Hold the single-flight lock of each key (taken in sorted order: no deadlock between callers).

    Yields the keys actually locked; a key whose lock could not be had before `timeout` seconds is left out
    (its caller may then call the upstream itself: a rare duplicate, never a hang).
    """
    deadline = time.monotonic() + timeout
    keys = sorted(set(keys))
    held: set[str] = set()
    with ExitStack() as stack:
        stripes = {}
        for stripe in sorted({_stripe(key) for key in keys}):
            stripes[stripe] = stack.enter_context(_hold_process_lock(_STRIPES[stripe], deadline))
        for key in keys:
            if not stripes[_stripe(key)]:
                continue
            if connection.vendor == "postgresql" and not stack.enter_context(_hold_advisory_lock(key, deadline)):
                continue
            held.add(key)
        yield held
