"""`SQLiteCache`: a Django cache backend in one SQLite file, shared by every process of one machine, bounded in bytes.

The page cache's default when there is no Redis (`REDIS_URL` unset). Why not the others:
- `LocMemCache` is per process: with several gunicorn workers each renders every page again, and its bound is a
  count of entries (500 pages of the 20,000 the sitemap lists), so the long tail always rendered;
- `FileBasedCache` lists its whole directory on every write (its culling), zlib-compresses every value again and
  bounds a count of files, not bytes;
- `DatabaseCache` in the site's own database would add a query to every page and a write with a `COUNT(*)` to
  every miss, in the tables the importer locks.
Here a hit is one indexed SELECT of a ~20 KB blob (pages are stored gzipped) on a per-thread connection; a write is
one INSERT OR REPLACE; every `CULL_EVERY` writes, expired rows go and, above `MAX_BYTES`, the rows nearest to their
expiry too, down to 80 % of the budget. WAL: readers never wait for the writer.

OPTIONS: `MAX_BYTES` (default 500 MB). LOCATION: the file's path (its folder is created).
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

CULL_EVERY = 100
_FOREVER = float("inf")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL NOT NULL, "
    "size INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_expires ON entries (expires)",
)


class SQLiteCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.path = Path(location)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 500_000_000))
        self._local = threading.local()
        self._writes = 0

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (a new one after a fork: a connection never crosses processes)."""
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            connection.execute(statement)
        self._local.held = (os.getpid(), connection)
        return connection

    def _expiry(self, timeout: Any) -> float:
        expires = self.get_backend_timeout(timeout)
        return _FOREVER if expires is None else float(expires)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute("SELECT value, expires FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None or row[1] <= time.time():
            return default
        return pickle.loads(row[0])

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        if timeout == 0:  # Django's meaning: do not keep it
            self._db().execute("DELETE FROM entries WHERE key = ?", (key,))
            return
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self._db().execute(
            "INSERT OR REPLACE INTO entries (key, value, expires, size) VALUES (?, ?, ?, ?)",
            (key, blob, self._expiry(timeout), len(blob) + len(key)),
        )
        self._wrote()

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Store only when the key holds nothing alive: True when this call stored it (across processes)."""
        key = self.make_and_validate_key(key, version=version)
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM entries WHERE key = ? AND expires <= ?", (key, time.time()))
            stored = db.execute(
                "INSERT OR IGNORE INTO entries (key, value, expires, size) VALUES (?, ?, ?, ?)",
                (key, blob, self._expiry(timeout), len(blob) + len(key)),
            ).rowcount
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._wrote()
        return stored == 1

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        cursor = self._db().execute(
            "UPDATE entries SET expires = ? WHERE key = ? AND expires > ?", (self._expiry(timeout), key, time.time())
        )
        return cursor.rowcount == 1

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount == 1

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        found = self._db().execute("SELECT 1 FROM entries WHERE key = ? AND expires > ?", (key, time.time()))
        return found.fetchone() is not None

    def clear(self) -> None:
        self._db().execute("DELETE FROM entries")

    def size(self) -> tuple[int, int]:
        """(entries, bytes) held, expired ones included until the next cull."""
        count, total = self._db().execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM entries").fetchone()
        return int(count), int(total)

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes % CULL_EVERY == 0:
            self.cull()

    def cull(self) -> None:
        """Expired rows out; above the byte budget, the rows nearest to their expiry too, down to 80 % of it."""
        db = self._db()
        db.execute("DELETE FROM entries WHERE expires <= ?", (time.time(),))
        _, total = self.size()
        if total <= self.max_bytes:
            return
        excess, doomed = total - int(self.max_bytes * 0.8), []
        for rowid, size in db.execute("SELECT rowid, size FROM entries ORDER BY expires").fetchall():
            if excess <= 0:
                break
            doomed.append((rowid,))
            excess -= size
        db.executemany("DELETE FROM entries WHERE rowid = ?", doomed)

    def close(self, **kwargs: Any) -> None:
        """Kept open between requests (Django calls this at the end of each): a connection costs a file open."""
