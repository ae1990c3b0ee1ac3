"""The operator's purge: every cached page becomes unreachable (new generation) and this process's cache is
emptied when it is a local one (a shared Redis is not flushed: it may hold other keys; the new generation is
enough)."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from guidance.pagecache import generations


def purge() -> None:
    generations.bump("purge")
    cache = caches[settings.PAGECACHE_ALIAS]
    if isinstance(cache, LocMemCache):
        cache.clear()
