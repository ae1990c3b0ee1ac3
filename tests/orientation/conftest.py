import csv
import io
from pathlib import Path

import pytest

from guidance.catalog.importers import run_import

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "catalog" / "opendata"


@pytest.fixture
def fixture_dir() -> Path:
    return FIXTURE_DIR


@pytest.fixture
def imported(db):
    """The catalogue and the orientation data imported from the small real-data sample; returns the report."""
    return run_import(FIXTURE_DIR)


def fixture_rows(relative: str, delimiter: str = ";") -> list[dict]:
    """(line number added as "_line") rows of a fixture file, read as the files are (BOM dropped)."""
    text = (FIXTURE_DIR / relative).read_text(encoding="utf-8").removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [{**row, "_line": number} for number, row in enumerate(reader, start=2)]
