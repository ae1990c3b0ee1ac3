import pytest

from guidance.indicators import service
from guidance.indicators.upstream import reset_client
from tests.support import BASE_URL


@pytest.fixture(autouse=True)
def _isolated_service(settings):
    """A real client aimed at a mocked upstream, a closed circuit, refreshes run inline."""
    settings.INSERJEUNES_API_URL = BASE_URL
    settings.INSERJEUNES_API_KEY = "test-key"
    settings.INSERJEUNES_CACHE_TTL = 86400
    settings.INSERJEUNES_CIRCUIT_FAILURES = 3
    settings.INSERJEUNES_CIRCUIT_COOLDOWN = 60
    settings.INSERJEUNES_CONNECT_TIMEOUT = 2.0
    settings.INSERJEUNES_READ_TIMEOUT = 5.0
    reset_client()
    service.reset_for_tests(refresh_mode="inline")
    yield
    service.refresher.wait()
    service.reset_for_tests(refresh_mode="thread")
    reset_client()
