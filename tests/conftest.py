import pytest
from django.conf import settings


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


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Rendered pages, the page cache generation and the catalogue aggregates are memoised per process: every
    test starts without them (its database is new, the counters in it start again)."""
    from guidance.pagecache.testing import reset_for_tests

    reset_for_tests()
    yield
    reset_for_tests()
