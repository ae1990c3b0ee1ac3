"""`run_import`: check every source, then write the whole import in one transaction (see the package docstring).

The page cache's catalogue generation and the catalogue aggregates (`catalog.stats.after_import`) are written in
that same transaction: a cached page is keyed on the generation, so it changes exactly when the catalogue does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from guidance.catalog import stats
from guidance.catalog.importers import import_catalogue
from guidance.catalog.importers.base import Report
from guidance.catalog.models import ImportRun
from guidance.opendata.checks import ImportRefused, check_dir, check_sources, french_number
from guidance.orientation import places
from guidance.orientation.importers import import_orientation
from guidance.pagecache import generations
from guidance.search import jobs
from guidance.search.indexing import refresh_index
from guidance.search.query import forget_vocabulary

IMPORT_NAME = "opendata"
# Bump when the importer changes what it writes, so `--if-changed` re-imports unchanged files.
IMPORTER_VERSION = "7"  # 7: where each school is (positions, IPS lycées); 6: the higher-education diplomas


def fingerprint(root: Path) -> str:
    """Hash of every input file's path, size and modification time (no content read: well under a second)."""
    digest = hashlib.sha256(IMPORTER_VERSION.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in {".csv", ".zip", ".json", ".bz2"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _last_run() -> ImportRun | None:
    return ImportRun.objects.filter(name=IMPORT_NAME).first()


def is_up_to_date(root: Path) -> bool:
    check_dir(root)
    last = _last_run()
    return last is not None and last.fingerprint == fingerprint(root)


def previous_counts() -> dict[str, int]:
    """Rows per source at the last import (empty before the first one, or after one made by an older importer)."""
    last = _last_run()
    counts = (last.summary or {}).get("sources", {}) if last else {}
    return {path: count for path, count in counts.items() if isinstance(count, int)}


def run_import(root: Path, *, allow_shrink: bool = False, say: Callable[[str], object] | None = None) -> Report:
    """Check every source of `root`, then import them all in one transaction; returns what was written and
    rejected. Raises `ImportRefused` (nothing written) when a source fails a check or changes during the import."""
    say = say or (lambda line: None)
    before = fingerprint(root) if root.is_dir() else ""
    counts = check_sources(root, previous_counts(), allow_shrink=allow_shrink)
    say(f"Sources vérifiées : {len(counts)} fichiers, {french_number(sum(counts.values()))} lignes.")
    report = Report()
    try:
        with transaction.atomic():
            import_catalogue(root, report)
            import_orientation(root, report)  # jobs ↔ diplomas, communes, admission pressure (needs the MEFs)
            refresh_index()  # the search index derived from these rows, in this same transaction
            if fingerprint(root) != before:
                raise ImportRefused("Import annulé, rien n'a changé — des fichiers ont changé pendant l'import.")
            ImportRun.objects.update_or_create(
                name=IMPORT_NAME, defaults={"fingerprint": before, "summary": {**report.as_dict(), "sources": counts}}
            )
            stats.after_import()  # the aggregates and the page cache's generation, in this same commit
    finally:
        # What this process memoised from the catalogue, read again from what is now committed.
        generations.forget()
        stats.forget()
        forget_vocabulary()
        jobs.forget_index()
        places.forget_index()
    return report
