"""Reset what the page cache keeps in the process (tests: each test has a new database)."""

from django.conf import settings
from django.core.cache import caches


def reset_for_tests() -> None:
    from guidance.catalog import stats
    from guidance.pagecache import generations

    caches[settings.PAGECACHE_ALIAS].clear()
    generations.forget()
    stats.forget()
