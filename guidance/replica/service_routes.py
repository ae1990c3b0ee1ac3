"""The API's service routes: `GET /api` (health), `GET /api/doc` (its OpenAPI description) and the authenticated
`GET /api/inserjeunes/bcn` (the BCN codes it knows, paginated, JSON or CSV).

- Health: the API reports its version, its environment and whether its database answers; the replica reports the
  upstream version whose contract it follows, `env: "replica"`, and whether its dataset holds anything.
- Doc: the API serves Swagger UI over its bundled `swagger.yml`; the replica has no Swagger UI assets offline and
  serves the same description (`../shared/reference/inserjeunes-openapi.yml`, next to the open data) as a plain
  page, and answers the Express 404 when the file is missing.
- BCN: one entry per CFD (V/N_FORMATION_DIPLOME) then per MEFSTAT11 (N_MEF), as the replica's dataset has them:
  no opening date nor session dates (the replica does not load them), and the long label as `libelle` of a CFD.
"""

import datetime as dt
import logging
from html import escape
from pathlib import Path

from guidance.replica.dataset import Dataset
from guidance.replica.figures import diplome

logger = logging.getLogger(__name__)

UPSTREAM_VERSION = "1.35.1"  # server/package.json of the API version the replica follows
BCN_CSV_COLUMNS = (
    "code_certification",
    "type",
    "code_formation_diplome",
    "libelle",
    "libelle_long",
    "diplome_libelle",
    "date_ouverture",
    "date_fermerture",  # sic: the API's column name
    "date_premiere_session",
    "date_derniere_session",
)


def health(dataset: Dataset) -> dict:
    return {"version": UPSTREAM_VERSION, "env": "replica", "healthcheck": {"mongodb": not dataset.is_empty}}


def default_openapi_file(opendata_dir: str | Path | None) -> Path | None:
    """The shared reference folder sits next to the open-data folder."""
    if not opendata_dir:
        return None
    return Path(opendata_dir).resolve().parent / "reference" / "inserjeunes-openapi.yml"


def doc_page(openapi_file: Path | None) -> bytes | None:
    """The OpenAPI description as a readable HTML page, or None when the file is not there."""
    if openapi_file is None or not openapi_file.is_file():
        logger.warning("replica: no OpenAPI description at %s; /api/doc answers 404", openapi_file)
        return None
    description = openapi_file.read_text(encoding="utf-8")
    html = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        "<title>API InserJeunes : description OpenAPI (réplique hors ligne)</title>\n</head>\n<body>\n"
        "<h1>API InserJeunes : description OpenAPI</h1>\n"
        "<p>Réplique hors ligne : la description publiée avec l’API, sans l’interface Swagger.</p>\n"
        f'<pre id="openapi">{escape(description)}</pre>\n</body>\n</html>\n'
    )
    return html.encode()


def bcn_keys(dataset: Dataset) -> list[tuple[str, str]]:
    """(type, code) of every BCN entry, CFDs first, each kind by code: a stable order for the pages."""
    return [("cfd", cfd) for cfd in sorted(dataset.diplomas)] + [("mef", code) for code in sorted(dataset.mefs)]


def _instant(day: dt.date | None) -> dt.datetime | None:
    # The replica writes BCN dates as midnight UTC (as `date_fermeture` of the figures).
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None


def bcn_record(dataset: Dataset, kind: str, code: str) -> dict:
    if kind == "cfd":
        row = dataset.diplomas[code]
        cfd, libelle, closes = code, row.libelle, row.date_fermeture
        anciens, nouveaux = list(row.anciens), list(row.nouveaux)
    else:
        mef = dataset.mefs[code]
        cfd, libelle, closes = mef.cfd, mef.libelle, mef.date_fermeture
        anciens, nouveaux = [], []
    record: dict = {"type": kind, "code_certification": code, "code_formation_diplome": cfd}
    record |= {"libelle": libelle, "libelle_long": libelle}
    if niveau := diplome(dataset, code):
        record["diplome"] = niveau
    if instant := _instant(closes):
        record["date_fermeture"] = instant.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    record |= {"nouveau_diplome": nouveaux, "ancien_diplome": anciens}
    return record


def bcn_csv(records: list[dict]) -> str:
    """The API's BCN CSV: `;`-separated, nothing written for a gap. Its `date_fermerture` column reads a field of
    that (misspelt) name, which no BCN record has (they hold `date_fermeture`): it is always empty there, so it is
    here (bcnRoutes.js). The replica has no opening nor session dates: those columns are empty too."""
    lines = [";".join(BCN_CSV_COLUMNS)]
    for record in records:
        cells = {
            **{key: record.get(key, "") for key in ("code_certification", "type", "code_formation_diplome")},
            "libelle": record["libelle"],
            "libelle_long": record["libelle_long"],
            "diplome_libelle": (record.get("diplome") or {}).get("libelle", ""),
        }
        lines.append(";".join(str(cells.get(column, "")) for column in BCN_CSV_COLUMNS))
    return "\n".join(lines) + "\n"
