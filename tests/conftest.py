import pytest
import respx
from django.conf import settings

from tests.factories import FIXTURE_DIR

# The mocked upstream's base URL (tests never touch the internet).
BASE_URL = "https://inserjeunes.test"
# The headers of an HTMX request, for the test client: `client.get(url, **HTMX)`.
HTMX = {"HTTP_HX_REQUEST": "true"}


class UndefinedTemplateVariable(str):
    """`string_if_invalid` that fails the test on `{{ undefined }}` (Django formats it with `%` on each miss)."""

    def __mod__(self, name):
        raise AssertionError(f"Undefined template variable: {name}")

    def __contains__(self, item):
        return item == "%s"


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = UndefinedTemplateVariable("%s")


@pytest.fixture
def is_postgres():
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture(autouse=True)
def _fresh_indicators_service():
    """The circuit breaker and the recent failures of the indicators service are process-wide: every test starts
    with them cleared, and background refreshes run inline so that a test sees their effect."""
    from guidance.indicators import service

    service.reset_for_tests(refresh_mode="inline")
    yield
    service.reset_for_tests(refresh_mode="inline")


@pytest.fixture
def upstream():
    """The upstream API mocked with respx at `BASE_URL`: `upstream.get(path).mock(return_value=...)`."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def upstream_calls(monkeypatch):
    """The questions that really went to the (replica) upstream, not to our cache: their request keys, in order."""
    from guidance.indicators import service

    calls = []
    original = service._fetch_one

    def counting(request, etag, *rest):
        calls.append(request.key)
        return original(request, etag, *rest)

    monkeypatch.setattr(service, "_fetch_one", counting)
    return calls


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Rendered pages, the page cache generation and the catalogue aggregates are memoised per process: every
    test starts without them (its database is new, the counters in it start again)."""
    from guidance.pagecache.testing import reset_for_tests

    reset_for_tests()
    yield
    reset_for_tests()


@pytest.fixture
def fixture_dir():
    return FIXTURE_DIR


@pytest.fixture
def imported(db):
    """The catalogue and the orientation data imported from the small real-data sample; returns the report."""
    from guidance.catalog.importers import run_import

    return run_import(FIXTURE_DIR)
