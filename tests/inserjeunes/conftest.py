import json
from pathlib import Path

import pytest

from guidance.inserjeunes.client import InserJeunesClient
from tests.support import BASE_URL

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "inserjeunes"
API_KEY = "secret-key-never-logged"


def payload(name: str) -> dict:
    """A recorded upstream body from tests/fixtures/inserjeunes/."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def client():
    client = InserJeunesClient(BASE_URL, api_key=API_KEY, connect_timeout=0.5, read_timeout=0.5)
    yield client
    client.close()
