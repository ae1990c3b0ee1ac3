"""Shared pieces of the open-data importers: reading CSV files as they are, the import report, bulk upserts."""

import bz2
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from tqdm import tqdm

BATCH_SIZE = 500


class RowRejected(ValueError):
    """A row cannot be imported as it is; the message says why (in French, it ends up in the summary)."""

    def __init__(self, reason: str, value: object = "") -> None:
        super().__init__(reason)
        self.value = value


@dataclass
class Report:
    """What an import did: rows written per table, rows rejected per file and reason (with a few examples)."""

    written: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    deleted: Counter = field(default_factory=Counter)

    def reject(self, file: str, line: int | None, reason: str, value: object = "") -> None:
        key = (file, reason)
        self.rejected[key] += 1
        examples = self.examples.setdefault(key, [])
        if len(examples) < 3:
            where = f"ligne {line}" if line else "code"
            examples.append(where + (f" ({value})" if value != "" else ""))

    def reject_error(self, file: str, line: int | None, error: Exception) -> None:
        """A row a parser refused (`InvalidCode` or `RowRejected`), with the parser's own reason."""
        self.reject(file, line, getattr(error, "reason", "") or str(error), getattr(error, "value", ""))

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def lines(self) -> list[str]:
        out = [f"{table}: {count} lignes écrites" for table, count in sorted(self.written.items())]
        out += [f"{table}: {count} lignes supprimées (absentes des fichiers)" for table, count in self.deleted.items()]
        for (file, reason), count in sorted(self.rejected.items()):
            out.append(f"rejet {file}: {count} × {reason} — ex. {', '.join(self.examples[(file, reason)])}")
        return out

    def as_dict(self) -> dict:
        return {
            "written": dict(self.written),
            "deleted": dict(self.deleted),
            "rejected": {f"{file}: {reason}": count for (file, reason), count in self.rejected.items()},
        }


def _decode(raw: bytes, encoding: str) -> str:
    text = raw.decode(encoding)
    return text.removeprefix("\ufeff")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is a bzip2 file (`*.bz2`, as `bcn_sise/` ships)."""
    raw = path.read_bytes()
    return bz2.decompress(raw) if path.name.endswith(".bz2") else raw


def read_csv(
    path: Path, *, encoding: str = "utf-8", delimiter: str = ";", progress: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each data row after the header, with a progress bar; the header is `.header`.

    `encoding` is the file's (see each PROVENANCE.md); a UTF-8 BOM is dropped. A file that does not decode in its
    stated encoding stops the import: guessing would corrupt every label.
    """
    text = _decode(read_bytes(path), encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    bar = tqdm(rows[1:], desc=path.name, unit=" lignes", disable=not progress, leave=False)
    for number, row in enumerate(bar, start=2):
        if row:
            yield number, row


def read_header(path: Path, *, encoding: str = "utf-8", delimiter: str = ";") -> list[str]:
    opener = bz2.open if path.name.endswith(".bz2") else open
    with opener(path, "rt", encoding=encoding, newline="") as handle:
        first = handle.readline().removeprefix("\ufeff")
    return [cell.strip() for cell in next(csv.reader([first], delimiter=delimiter))]


def read_dicts(path: Path, *, encoding: str = "utf-8", delimiter: str = ";", progress: bool = True):
    """(line number, {header: cell}) per row; a row with another number of cells than the header is rejected."""
    header = read_header(path, encoding=encoding, delimiter=delimiter)
    for number, row in read_csv(path, encoding=encoding, delimiter=delimiter, progress=progress):
        if len(row) != len(header):
            yield number, RowRejected(f"{len(row)} colonnes au lieu de {len(header)}")
            continue
        yield number, dict(zip(header, (cell.strip() for cell in row), strict=True))


def read_zip_member(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        names = [name for name in archive.namelist() if not name.endswith("/")]
        if len(names) != 1:
            raise RowRejected(f"{path.name} devrait contenir un seul fichier, il en contient {len(names)}")
        return archive.read(names[0])


_BCN_MEFSTAT11_RE = re.compile(r"^[0-9][0-9A-Z]{10}$")


def parse_bcn_mefstat11(value: str) -> str:
    """A MEFSTAT11 as the BCN writes it: 11 characters, digits and upper-case letters (23C10023412, agricultural
    23I01021235…), as the API accepts them since 2025. Every BCN code starts with a digit, so a first letter means
    a column was misread."""
    code = value.strip().upper()
    if not _BCN_MEFSTAT11_RE.match(code):
        raise RowRejected("MEFSTAT11 invalide", value)
    return code


def parse_int(value: str, what: str) -> int | None:
    """'' → None; '12' or '12.0' → 12; anything else is a malformed row."""
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise RowRejected(f"{what} non numérique") from None
    if not number.is_integer():
        raise RowRejected(f"{what} non entier")
    return int(number)


def parse_rate(value: str, what: str) -> float | None:
    """A percentage: '' or 'nd' (non diffusé) → None; '42', '42.0', '-3' → float; anything else is malformed."""
    value = value.strip()
    if value in {"", "nd", "NC", "ns"}:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise RowRejected(f"{what} non numérique") from None


def upsert(model: type[Model], objects: list, unique_fields: list[str], update_fields: list[str]) -> int:
    """Insert or update `objects` on their natural key (`INSERT … ON CONFLICT … DO UPDATE`, SQLite and PostgreSQL)."""
    return insert_rows(model, objects, unique_fields=unique_fields, update_fields=update_fields)


def insert_rows(
    model: type[Model], objects: list, *, unique_fields: Sequence[str] = (), update_fields: Sequence[str] = ()
) -> int:
    """Insert `objects` (new instances: their id comes from the database) as one prepared statement run over every
    row, with `ON CONFLICT (unique_fields) DO UPDATE` of `update_fields` when given.

    What `bulk_create` would write, without compiling its SQL again for each batch: the open-data import writes a
    few hundred thousand rows, and that compilation was most of its time. No signal is sent (as with bulk_create).
    """
    if not objects:
        return 0
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    by_name = {f.name: f for f in fields}
    quote = connection.ops.quote_name

    def column(field: "Field[Any, Any]") -> str:
        return quote(str(field.column))

    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table), ", ".join(column(f) for f in fields), ", ".join(["%s"] * len(fields))
    )
    if unique_fields:
        target = ", ".join(column(by_name[name]) for name in unique_fields)
        columns = [column(by_name[name]) for name in update_fields]
        sql += f" ON CONFLICT ({target}) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH_SIZE):
            batch = objects[start : start + BATCH_SIZE]
            cursor.executemany(
                sql, [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in batch]
            )
    return len(objects)
