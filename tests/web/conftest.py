import pytest
from django.core.cache import cache

from guidance.opendata.pipeline import run_import
from tests.factories import FIXTURE_DIR


@pytest.fixture
def imported(db):
    """The catalogue and the orientation data (jobs, Onisep, admission) of the small real-data sample."""
    cache.clear()  # regional peers are kept in Django's cache: every test asks the replica afresh
    yield run_import(FIXTURE_DIR)
    cache.clear()
