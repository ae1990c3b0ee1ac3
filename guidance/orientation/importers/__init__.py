"""Import of the orientation data (`import_orientation`), run by `import_opendata` after the catalogue.

Each file replaces its table in one transaction (delete, then bulk insert of what the file holds): running it twice
gives the same rows, and a row removed from a file disappears. A missing folder is skipped and said in the report.
"""

from pathlib import Path

from django.db import transaction

from guidance.catalog.importers.base import Report
from guidance.orientation.importers.jobs import import_jobs
from guidance.orientation.importers.places import import_communes
from guidance.orientation.importers.pressure import import_pressure
from guidance.orientation.places import forget_index as forget_places


def import_orientation(root: Path, report: Report) -> None:
    """Jobs ↔ diplomas, communes, admission pressure (needs the catalogue's MEFs: run after the catalogue)."""
    for step in (import_jobs, import_communes, import_pressure):
        with transaction.atomic():
            step(root, report)
    forget_places()
