"""The operator's purge: every cached page becomes unreachable (new generation), and the cache is emptied when it
is this machine's own (the per-process memory or the SQLite file); a shared Redis is not flushed: it may hold other
keys, and the new generation is enough."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from guidance.pagecache import generations
from guidance.pagecache.sqlitecache import SQLiteCache


def purge() -> None:
    generations.bump("purge")
    cache = caches[settings.PAGECACHE_ALIAS]
    if isinstance(cache, LocMemCache | SQLiteCache):
        cache.clear()
