"""The replica on the real open data, served over HTTP in process: the API the contract tests speak to."""

import pytest
from django.conf import settings

from tests.replica.support import replica_client


@pytest.fixture(scope="module")
def client():
    """The replica's HTTP client (a module may define its own `client` on other data)."""
    if not settings.OPENDATA_DIR:
        pytest.skip("OPENDATA_DIR is not set: the contract tests need the open data")
    with replica_client() as client:
        yield client
