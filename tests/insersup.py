"""A small InserSup file written by the tests themselves, in the official layout of the SIES's open dataset
`fr-esr-insersup` (data.enseignementsup-recherche.gouv.fr, the CSV export's field names, `;`-separated, UTF-8).

EVERY NUMBER HERE IS TEST DATA, made up to exercise the code: never InserSup's figures, never shipped as figures.
The rows follow the dataset's shape: one row per establishment (or `National`) × diploma × promotion × population,
the populations broken down by genre, nationality, registration and graduation, "nd" where the SIES publishes
nothing. Upstream's importers read the same columns (trajectoires-pro `InserSup.js`, `importCertificationsSupStats.js`).
"""

import csv
import io
import shutil
from pathlib import Path

from tests.factories import FIXTURE_DIR

# The dataset's columns, in its export's order (the field names of its Opendatasoft schema).
COLUMNS = (
    "date_jeu", "reg_nom", "reg_id", "aca_nom", "aca_id", "uo_lib", "uo_lib_actuel", "id_paysage", "id_paysage_actuel",
    "etablissement", "denomination_principale", "type_diplome_long", "type_diplome", "dom_lib", "dom", "discipli_lib",
    "discipli", "sectdis_lib", "sectdis", "libelle_diplome", "diplome", "source", "obtention_diplome", "genre",
    "nationalite", "regime_inscription", "nb_sortants", "nb_poursuivants", "promo",
    *(f"flag_{m}" for m in (6, 12, 18, 24, 30)), *(f"exception_{m}" for m in (6, 12, 18, 24, 30)),
    *(f"tx_sortants_en_emploi_{m}" for m in (6, 12, 18)), *(f"tx_sortants_en_emploi_etranger_{m}" for m in (6, 12, 18)),
    *(f"nb_sortants_en_emploi_sal_fr_{m}" for m in (6, 12, 18, 24, 30)),
    *(f"tx_sortants_en_emploi_sal_fr_{m}" for m in (6, 12, 18, 24, 30)),
    *(f"nb_sortants_en_emploi_non_sal_{m}" for m in (6, 12, 18, 24, 30)),
    *(f"tx_sortants_en_emploi_non_sal_{m}" for m in (6, 12, 18, 24, 30)),
    *(f"nb_sortants_en_emploi_stable_{m}" for m in (6, 12, 18, 24, 30)),
    *(f"tx_sortants_en_emploi_stable_{m}" for m in (6, 12, 18, 24, 30)),
    *(f"salaire_q{q}_{m}" for q in (1, 2, 3) for m in (6, 12, 18, 24, 30)),
)  # fmt: skip

UNIVERSITY = "0062205P"  # a UAI the API's own fixtures use for InserSup (Université Côte d'Azur)
UNIVERSITY_NAME = "Université Côte d'Azur"

# (scope, diploma, promo, leavers, going on, employed at 6/12/18/24 months, salary quartiles at 12 months)
LICENCE_INFORMATIQUE_2023 = ("National", "2300030", "2023", 842, 3368, (421, 505, 539, 556), (1450, 1720, 2050))
ROWS = (
    LICENCE_INFORMATIQUE_2023,
    ("National", "2300030", "2022", 800, 3300, (400, 480, 512, 530), (1400, 1680, 2000)),
    ("National", "2500164", "2023", 2900, 310, (2204, 2552, 2639, 2668), (2150, 2480, 2860)),
    ("National", "2400152", "2023", 9, 3, (5, 6, 6, 7), ("nd", "nd", "nd")),  # fewer than 20 students
    (UNIVERSITY, "2300030", "2022,2023", 61, 204, (30, 36, 39, 40), ("nd", "nd", "nd")),
)


def _row(scope: str, diploma: str, promo: str, leavers, going_on, employed, salaries, **population) -> dict:
    national = scope == "National"
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        date_jeu="2025-06-01",
        uo_lib="National" if national else UNIVERSITY_NAME,
        etablissement="all" if national else scope,
        denomination_principale="" if national else UNIVERSITY_NAME,
        type_diplome_long="Licence générale",
        diplome=diploma,
        libelle_diplome="DONNÉES DE TEST",
        source="insersup",
        obtention_diplome="ensemble",
        genre="ensemble",
        nationalite="ensemble",
        regime_inscription="ensemble",
        nb_sortants=str(leavers),
        nb_poursuivants=str(going_on),
        promo=promo,
        nb_sortants_en_emploi_sal_fr_30="nd",
    )
    for months, count in zip((6, 12, 18, 24), employed, strict=True):
        row[f"nb_sortants_en_emploi_sal_fr_{months}"] = str(count)
        row[f"tx_sortants_en_emploi_sal_fr_{months}"] = f"{100 * count / leavers:.1f}"
    for quartile, value in zip((1, 2, 3), salaries, strict=True):
        row[f"salaire_q{quartile}_12"] = str(value)
    row.update(population)
    return row


def rows(extra=()) -> list[dict]:
    """The test rows, with rows of other populations (women only, graduates only, the `all` diplomas' total) that a
    reader must leave aside."""
    # The other populations come first: a reader that kept the first row of a diploma would take them.
    found = [
        _row(*LICENCE_INFORMATIQUE_2023[:3], 1, 2, (1, 1, 1, 1), (9, 9, 9), genre="femmes"),
        _row(*LICENCE_INFORMATIQUE_2023[:3], 1, 2, (1, 1, 1, 1), (9, 9, 9), obtention_diplome="diplômé"),
        _row("National", "all", "2023", 5, 5, (1, 1, 1, 1), (9, 9, 9)),
    ]
    return found + [_row(*row) for row in ROWS] + list(extra)


def write_insersup_file(folder: Path, extra=()) -> Path:
    """`folder/fr-esr-insersup.csv` with the test rows (and `extra` ones), as the dataset's CSV export writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(extra))
    path = folder / "fr-esr-insersup.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def opendata_with_insersup(tmp_path: Path) -> Path:
    """A copy of the test sample with an `insersup/` folder holding the test file."""
    root = tmp_path / "opendata"
    shutil.copytree(FIXTURE_DIR, root)
    write_insersup_file(root / "insersup")
    return root


def install_replica(monkeypatch, settings, root: Path):
    """The site's upstream: the in-process replica over `root` (e.g. `opendata_with_insersup`), behind its stand-in
    gateway as usual. Returns the replica app; call `guidance.indicators.upstream.reset_client()` after the test."""
    from guidance.indicators import upstream
    from guidance.replica.app import create_app
    from guidance.replica.dataset import load_dataset

    settings.INSERJEUNES_API_URL = ""
    app = create_app(load_dataset(root), api_key=settings.REPLICA_API_KEY or None)
    monkeypatch.setattr(upstream, "get_default_app", lambda: app)
    upstream.reset_client()
    return app


# Three higher-education diplomas as the import writes them from `bcn_sise/` (their BCN rows), for the tests that
# cannot use the imported sample (the browser tests' live server sees committed rows only).
SISE_DIPLOMAS = (
    ("2300030", "Licence Informatique", "Licence", "XA", "6", 3, "Informatique"),
    ("2500164", "Master Informatique", "Master", "XB", "7", 2, "Informatique"),
    ("2400152", "Licence pro Métiers du numérique : conception, rédaction et réalisation web", "Licence pro", "DP",
     "6", 1, "Sciences de l’information et de la communication"),
)  # fmt: skip


def make_sise_diplomas() -> None:
    """The rows of `SISE_DIPLOMAS`, indexed for the search."""
    from django.utils.text import slugify

    from guidance.catalog.models import CodeType, Formation
    from guidance.search.indexing import refresh_index

    for code, label, kind, type_code, level, years, discipline in SISE_DIPLOMAS:
        Formation.objects.create(
            cfd=code,
            code_type=CodeType.SISE,
            label=label,
            slug=slugify(label),
            diploma_code=type_code,
            diploma_type=kind,
            level=level,
            duration_years=years,
            field_code="326",
            field_label="Informatique, traitement de l'information, réseaux de transmission",
            discipline_label=discipline,
        )
    refresh_index()
