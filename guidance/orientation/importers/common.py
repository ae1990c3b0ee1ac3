"""Helpers shared by the orientation importers: replace a table with a file's rows, iterate valid rows."""

from pathlib import Path

from guidance.catalog.importers.base import Report, RowRejected, insert_rows, read_dicts


def replace_all(model, objects: list, report: Report) -> None:
    """The table holds exactly `objects` afterwards (idempotent: the same file gives the same rows)."""
    deleted, _ = model.objects.all().delete()
    insert_rows(model, objects)
    report.written[model.__name__] += len(objects)
    if deleted > len(objects):
        report.deleted[model.__name__] += deleted - len(objects)


def rows(path: Path, report: Report, *, delimiter: str = ";"):
    """(line, row dict) of the valid-shaped rows of `path`; malformed rows are counted as rejected."""
    for number, row in read_dicts(path, delimiter=delimiter):
        if isinstance(row, RowRejected):
            report.reject(path.name, number, str(row))
            continue
        yield number, row


def missing(path: Path, report: Report) -> bool:
    if path.is_file():
        return False
    report.reject(path.parent.name + "/" + path.name, None, "fichier absent, étape sautée")
    return True
