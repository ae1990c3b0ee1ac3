import pytest

from guidance.indicators import upstream
from tests.insersup import install_replica, opendata_with_insersup


@pytest.fixture
def insersup_replica(monkeypatch, settings, tmp_path):
    """The upstream answers SISE routes with InserSup figures: the replica fed the tests' own InserSup file."""
    app = install_replica(monkeypatch, settings, opendata_with_insersup(tmp_path))
    yield app
    upstream.reset_client()


@pytest.fixture
def offline_replica():
    """The default replica (the open data, no `insersup/` folder): every SISE route answers the API's 404s."""
    upstream.reset_client()
    yield
    upstream.reset_client()
