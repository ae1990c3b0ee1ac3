"""The checks every source passes before the import writes anything (`check_sources`); the first problem found is
the one line the operator reads (`ImportRefused`): which file, which rule.

- present: every file of `sources` (an importer that skipped a missing file would delete what it brought);
- readable: decoded whole in its stated encoding (a byte that does not decode names its line), parsed whole
  (CSV, JSON, a ZIP of one JSON file);
- shaped: the header holds the columns the importers read (positional files: the number of cells), there is at
  least one row, and the last row is complete unless the file ends with a line break (a download cut short);
- not shrunk: a source with over `SHRINK_LIMIT` fewer rows than at the previous import is refused unless the
  operator says it is expected (`allow_shrink`); so is a DEPP file the previous import read and that is gone.
"""

from __future__ import annotations

import bz2
import csv
import io
import json
import zipfile
from pathlib import Path

from guidance.opendata.sources import CSV, DEPP_FOLDER, DEPP_PATTERN, JSON, Source, sources

SHRINK_LIMIT = 0.20
_ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}


class ImportRefused(Exception):
    """The import does not run; the message is one line in French for the operator."""


class _Problem(Exception):
    pass


def check_dir(root: Path) -> None:
    if not str(root) or not root.is_dir():
        raise ImportRefused(
            f"Dossier des données ouvertes introuvable : {str(root) or '(OPENDATA_DIR vide)'}. "
            "Indiquez --dir ou la variable OPENDATA_DIR."
        )


def check_sources(root: Path, previous: dict[str, int], *, allow_shrink: bool = False) -> dict[str, int]:
    """Rows per source (its path → count), once every source passed; else `ImportRefused` naming the first
    problem (and how many others there are)."""
    check_dir(root)
    counts: dict[str, int] = {}
    problems: list[str] = []
    for source in sources(root, previous):
        before = previous.get(source.path)
        try:
            count = _count_rows(root / source.path, source)
        except _Problem as problem:
            depp = source.path.startswith(f"{DEPP_FOLDER}/")
            gone = before is not None and depp and not (root / source.path).exists()
            if gone and allow_shrink:
                continue  # a DEPP file dropped on purpose
            rule = f"{problem} (il était là au dernier import)" if gone else str(problem)
            problems.append(f"{source.path} : {rule}")
            continue
        if before and count < before * (1 - SHRINK_LIMIT) and not allow_shrink:
            problems.append(f"{source.path} : {_shrunk(count, before)}")
            continue
        counts[source.path] = count
    if not problems and not any(path.startswith(f"{DEPP_FOLDER}/") for path in counts):
        problems.append(f"{DEPP_PATTERN} : aucun fichier (les indicateurs des établissements)")
    if problems:
        others = f" (et {len(problems) - 1} autre(s) problème(s))" if len(problems) > 1 else ""
        raise ImportRefused(f"Import refusé, rien n'a changé — {problems[0]}{others}.")
    return counts


def _shrunk(count: int, before: int) -> str:
    lost = round(100 * (before - count) / before)
    return (
        f"{french_number(count)} lignes au lieu de {french_number(before)} au dernier import (−{lost} %) ; "
        f"une source qui perd plus de {round(SHRINK_LIMIT * 100)} % de ses lignes est refusée "
        "(relancez avec --allow-shrink si c'est voulu)"
    )


def french_number(value: int) -> str:
    """12 183 (a narrow no-break space between thousands, as French writes them)."""
    return f"{value:,}".replace(",", "\u202f")


def _count_rows(path: Path, source: Source) -> int:
    if not path.is_file():
        raise _Problem("fichier absent")
    raw = path.read_bytes()
    if not raw.strip():
        raise _Problem("fichier vide")
    if source.compressed:
        raw = _decompressed(raw)
    if source.kind == CSV:
        return _csv_rows(_decode(raw, source.encoding), source)
    if source.kind == JSON:
        return _json_records(_decode(raw, "utf-8"), source)
    return _zipped_json_records(path, source)


def _decompressed(raw: bytes) -> bytes:
    """A bzip2 file whole: one cut short (or not bzip2 at all) is refused before any row is read."""
    try:
        return bz2.decompress(raw)
    except (OSError, EOFError, ValueError) as error:
        raise _Problem(f"fichier bzip2 illisible ({error}) : fichier tronqué ?") from None


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        name = _ENCODING_NAMES.get(encoding, encoding)
        raise _Problem(
            f"octet 0x{raw[error.start]:02X} illisible en {name} à la ligne {line} (la source doit être en {name})"
        ) from None


def _csv_rows(text: str, source: Source) -> int:
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter) if row]
    except csv.Error as error:
        raise _Problem(f"CSV illisible ({error})") from None
    header = [cell.strip() for cell in rows[0]]
    missing = [column for column in source.columns if column not in header]
    if missing:
        names = ", ".join(f"« {column} »" for column in missing)
        raise _Problem(f"colonne{'s' if len(missing) > 1 else ''} {names} absente{'s' if len(missing) > 1 else ''}")
    if source.width is not None and len(header) != source.width:
        raise _Problem(f"{len(header)} colonnes au lieu de {source.width}")
    data = rows[1:]
    if not data:
        raise _Problem("aucune ligne après l'en-tête")
    if not text.endswith(("\n", "\r")) and len(data[-1]) != len(header):
        cells = f"{len(data[-1])} cellules au lieu de {len(header)}"
        raise _Problem(f"fichier tronqué : la dernière ligne a {cells}, sans fin de ligne")
    return len(data)


def _records(payload: object, source: Source) -> int:
    records = next(iter(payload.values()), None) if isinstance(payload, dict) else payload
    if not isinstance(records, list) or not records:
        raise _Problem("aucun enregistrement")
    if not any(isinstance(record, dict) and all(key in record for key in source.keys) for record in records):
        raise _Problem(f"aucun enregistrement n'a les champs {', '.join(source.keys)}")
    return len(records)


def _json_records(text: str, source: Source) -> int:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise _Problem(f"JSON illisible à la ligne {error.lineno} (fichier tronqué ?)") from None
    return _records(payload, source)


def _zipped_json_records(path: Path, source: Source) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if not name.endswith("/")]
            if len(names) != 1:
                raise _Problem(f"l'archive devrait contenir un seul fichier, elle en contient {len(names)}")
            raw = archive.read(names[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise _Problem(f"archive ZIP illisible ({error}) : fichier tronqué ?") from None
    return _json_records(_decode(raw, "utf-8"), source)
