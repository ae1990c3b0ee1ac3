"""The generation of the page cache: a short string that is part of every page key, and changes when what pages
show can change. Bumping `purge` (or a deploy) makes every cached page unreachable at once (they then age out of
the cache); bumping `catalog` or `figures` makes every page stale: the next request renders it again, the others
meanwhile get the stale copy (`split`, and the middleware's stale-while-revalidate).

    current()  -> "3f9a1c2b7d4e.12.40.1"   code version . catalog . figures . purge
    bump("catalog")                         after an import (import_opendata, sync_catalog_from_api)
    bump("figures")                         when a refresh stored an answer that differs from the one held
    bump("purge")                           an operator's purge (pagecache_purge, the admin action)

The counters live in a small table (`Generation`) of the shared database, so every app server and every command
agrees on them whatever the cache backend (a per-process LocMemCache could not carry a bump made by a management
command to the web workers). Reading them costs one SELECT of three rows, done at most once every
`PAGECACHE_GENERATION_TTL` seconds per process (default 1 s): a warm page makes no query for them. A bump made in
a process is seen there at once; elsewhere within that delay.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time

from django.conf import settings
from django.db.models import F

from guidance.pagecache.models import Generation

NAMES = ("catalog", "figures", "purge")

_lock = threading.Lock()
_memo: dict[str, object] = {"at": float("-inf"), "value": ""}


def current() -> str:
    """The generation string of now (memoised in the process for `PAGECACHE_GENERATION_TTL` seconds)."""
    now = time.monotonic()
    with _lock:
        if now - _memo["at"] < settings.PAGECACHE_GENERATION_TTL:  # type: ignore[operator]
            return _memo["value"]  # type: ignore[return-value]
    values = dict(Generation.objects.filter(name__in=NAMES).values_list("name", "value"))
    value = ".".join([code_version(), *(str(values.get(name, 0)) for name in NAMES)])
    with _lock:
        _memo.update(at=now, value=value)
    return value


def split(generation: str) -> tuple[str, str]:
    """(stable, data) parts of a generation string: the code version and the purge counter, which no cached page
    outlives (a deploy, an operator's purge), and the catalogue and figures counters, under which a page becomes
    stale but may still be served while one request renders it again (stale-while-revalidate)."""
    code, catalog, figures, purged = generation.rsplit(".", 3)
    return f"{code}.{purged}", f"{catalog}.{figures}"


def bump(*names: str) -> None:
    """Add one to each named counter (two statements, whatever their number); seen in this process at once."""
    unknown = set(names) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown page cache generation(s): {sorted(unknown)}")
    if names:
        Generation.objects.bulk_create([Generation(name=name) for name in names], ignore_conflicts=True)
        Generation.objects.filter(name__in=names).update(value=F("value") + 1)
    forget()


def forget() -> None:
    """Drop this process's memo: the next `current()` reads the table."""
    with _lock:
        _memo.update(at=float("-inf"), value="")


@functools.cache
def code_version() -> str:
    """`CODE_VERSION` when set (a deploy sets the git commit), else a hash of the code that renders pages.

    The hash covers the *contents* (not the mtimes) of the Python and template files, and the static manifest when
    there is one (templates render hashed static names): two servers deployed from the same commit agree on it, so
    they share cached pages; any change of code, template or static file gives new keys.
    """
    if settings.CODE_VERSION:
        return settings.CODE_VERSION
    digest = hashlib.blake2b(digest_size=6)
    base = settings.BASE_DIR
    files = [*(base / "guidance").rglob("*.py"), *(base / "templates").rglob("*.html")]
    if settings.STATIC_ROOT:
        files.append(base / settings.STATIC_ROOT / "staticfiles.json")
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
