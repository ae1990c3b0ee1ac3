"""What tests share besides fixtures: constants, and the reset of what the process memoises between tests.

Test modules import these from here, never from a conftest (pytest loads conftest files itself; importing one as a
module runs it twice under two names).
"""

from django.conf import settings
from django.core.cache import caches

# The mocked upstream's base URL (tests never touch the internet).
BASE_URL = "https://inserjeunes.test"
# The headers of an HTMX request, for the test client: `client.get(url, **HTMX)`.
HTMX = {"HTTP_HX_REQUEST": "true"}


def reset_for_tests() -> None:
    """Forget what the page cache and the catalogue aggregates keep in the process (each test has its own data)."""
    from guidance.catalog import stats
    from guidance.orientation import jobs
    from guidance.pagecache import generations

    caches[settings.PAGECACHE_ALIAS].clear()
    generations.forget()
    stats.forget()
    jobs.forget_onisep_index()
