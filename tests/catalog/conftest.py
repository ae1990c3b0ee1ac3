from pathlib import Path

import pytest

from guidance.catalog.importers import run_import

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "catalog" / "opendata"


@pytest.fixture
def fixture_dir() -> Path:
    return FIXTURE_DIR


@pytest.fixture
def imported(db):
    """The catalogue imported from the small real-data sample; returns the import report."""
    return run_import(FIXTURE_DIR)
