"""Shared by the replica and contract tests: the real open data loaded once per test process."""

import functools
from pathlib import Path

import httpx
from django.conf import settings

from guidance.replica.app import create_app
from guidance.replica.dataset import Dataset, load_dataset

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "replica"
API_KEY = "test-key"
BASE_URL = "http://replica.local"
PREFIX = "/api/inserjeunes"


@functools.cache
def replica_dataset() -> Dataset:
    """OPENDATA_DIR + the "formation fine" test fixtures, loaded at most once per process."""
    return load_dataset(settings.OPENDATA_DIR, formation_files=sorted(FIXTURES.glob("*.csv")))


def client_for(app) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL)


def replica_client(**options) -> httpx.Client:
    return client_for(create_app(replica_dataset(), api_key=API_KEY, **options))
