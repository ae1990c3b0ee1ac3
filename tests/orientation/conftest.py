import csv
import io

from tests.factories import FIXTURE_DIR


def fixture_rows(relative: str, delimiter: str = ";") -> list[dict]:
    """(line number added as "_line") rows of a fixture file, read as the files are (BOM dropped)."""
    text = (FIXTURE_DIR / relative).read_text(encoding="utf-8").removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [{**row, "_line": number} for number, row in enumerate(reader, start=2)]
