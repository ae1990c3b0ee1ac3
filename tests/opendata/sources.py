"""Copies of the open-data sample that tests damage or change: truncated, missing, re-encoded, renewed files."""

import csv
import io
import json
import shutil
from pathlib import Path

from django.apps import apps

from tests.factories import FIXTURE_DIR

CONSTAT = Path("offre_formation_constat_2020") / "constat_2020.csv"


def copy_sample(tmp_path: Path) -> Path:
    root = tmp_path / "opendata"
    shutil.copytree(FIXTURE_DIR, root)
    return root


def truncate(path: Path, fraction: float) -> None:
    """Cut the file at `fraction` of its bytes, mid-line, as a download that stopped."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def keep_lines(path: Path, fraction: float) -> None:
    """Keep the header and the first `fraction` of the data lines (a cut that falls on a line break)."""
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: 1 + int((len(lines) - 1) * fraction)]))


def _rewrite_csv(path: Path, change, *, delimiter: str = ";") -> None:
    text = path.read_text(encoding="utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter))
    header, body = rows[0], rows[1:]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(change(header, body))
    path.write_text(bom + out.getvalue(), encoding="utf-8")


def renew(root: Path) -> None:
    """A newer edition of every kind of source: formation labels, ROME labels and commune names change, and the
    constat loses a tenth of its rows (fewer students counted)."""

    def suffix(column: str, words: str):
        def change(header, body):
            index = header.index(column)
            return [[*row[:index], f"{row[index]} {words}", *row[index + 1 :]] for row in body]

        return change

    _rewrite_csv(root / "bcn" / "vFormationDiplome_.csv", suffix("LIBELLE_LONG_200", "RENOUVELEE"))
    _rewrite_csv(
        root / "formations_metiers_rome" / "unix_referentiel_code_rome_v460_utf8.csv",
        suffix("libelle_rome", "(nouvelle fiche)"),
        delimiter=",",
    )
    _rewrite_csv(root / CONSTAT, lambda header, body: body[: len(body) - len(body) // 10])
    communes = root / "communes" / "communes.json"
    records = json.loads(communes.read_text(encoding="utf-8"))
    for record in records:
        record["nom"] = f"{record['nom']} Nouvelle"
    communes.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table the import writes (and the page cache's generations), for exact comparisons."""
    models = [
        *apps.get_app_config("catalog").get_models(),
        *apps.get_app_config("orientation").get_models(),
        *apps.get_app_config("pagecache").get_models(),
    ]
    rows = {}
    for model in models:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in {"finished_at", "changed_at"}]
        rows[model.__name__] = sorted(
            model.objects.values_list(*fields).order_by(), key=lambda row: tuple(map(repr, row))
        )
    return rows
