import pytest
from django.conf import settings

from tests.replica.support import replica_client, replica_dataset


@pytest.fixture(scope="session")
def dataset():
    if not settings.OPENDATA_DIR:
        pytest.skip("OPENDATA_DIR is not set: the replica tests need the open data")
    return replica_dataset()


@pytest.fixture
def client(dataset):
    with replica_client() as client:
        yield client
