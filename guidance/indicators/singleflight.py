"""Single flight: many concurrent requests for the same missing key make one upstream call.

Within a process a per-key `threading.Lock` serialises the callers; across processes, on PostgreSQL, a session
advisory lock on a 64-bit hash of the key does the same (`pg_try_advisory_lock`, polled so a waiter gives up
after a deadline instead of hanging). The advisory locks of a batch of keys are tried in one statement and let go
in one statement: a page asking 50 cold questions spends two round trips on them, not a hundred. SQLite has no
such lock: the per-process lock is its equivalent (a SQLite site runs in one process, or accepts one duplicate
call per process).

Whoever gets the lock re-reads the cache first: a waiter that gets it after the winner finds the row written and
makes no call.
"""

import hashlib
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from itertools import takewhile

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


def _try_advisory_locks(lock_ids: Sequence[int]) -> set[int]:
    """Try the advisory lock of each id, in one statement; returns the ids now held by this session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT t.id, pg_try_advisory_lock(t.id) FROM unnest(%s::bigint[]) AS t(id)", [list(lock_ids)])
        return {lock_id for lock_id, acquired in cursor.fetchall() if acquired}


def _release_advisory_locks(lock_ids: Sequence[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(t.id) FROM unnest(%s::bigint[]) AS t(id)", [list(lock_ids)])


@contextmanager
def _hold_advisory_locks(lock_ids: Iterable[int], deadline: float) -> Iterator[set[int]]:
    """Hold the advisory locks of `lock_ids` (one statement per attempt, whatever their number); yields those held.

    Ordered locking, as if taken one by one in sorted order: while waiting, a caller keeps only the sorted prefix
    it got and lets go at once of the locks it got past the first one it lacks. Two callers wanting overlapping
    keys thus never each hold a key the other waits for (which would leave both waiting until their deadline).
    At the deadline, whatever could be had is kept, the rest is left out.
    """
    pending = sorted(set(lock_ids))
    held: list[int] = []
    try:
        while pending:
            got = _try_advisory_locks(pending)
            if time.monotonic() >= deadline:
                held += [lock_id for lock_id in pending if lock_id in got]
                break
            prefix = list(takewhile(got.__contains__, pending))
            held += prefix
            pending = pending[len(prefix) :]
            beyond = [lock_id for lock_id in pending if lock_id in got]
            if beyond:
                _release_advisory_locks(beyond)
            if pending:
                time.sleep(POLL_INTERVAL)
        yield set(held)
    finally:
        if held:
            _release_advisory_locks(held)


@contextmanager
def hold(keys: Iterable[str], timeout: float) -> Iterator[set[str]]:
    """Hold the single-flight lock of each key (taken in sorted order: no deadlock between callers).

    Database cost on PostgreSQL: one statement to take the advisory locks of all the keys (plus one per poll while
    another caller holds some), one to let them go. None on SQLite.

    Yields the keys actually locked; a key whose lock could not be had before `timeout` seconds is left out
    (its caller may then call the upstream itself: a rare duplicate, never a hang).
    """
    deadline = time.monotonic() + timeout
    keys = sorted(set(keys))
    with ExitStack() as stack:
        stripes = {}
        for stripe in sorted({_stripe(key) for key in keys}):
            stripes[stripe] = stack.enter_context(_hold_process_lock(_STRIPES[stripe], deadline))
        held = {key for key in keys if stripes[_stripe(key)]}
        if held and connection.vendor == "postgresql":
            # Two keys of a batch may share a lock id (a 64-bit hash collision): they are locked together.
            locked = stack.enter_context(_hold_advisory_locks({advisory_key(key) for key in held}, deadline))
            held = {key for key in held if advisory_key(key) in locked}
        yield held
