"""The one serializer of the figure view models: panels → rows (CSV) and dicts (JSON), for every export.

A page's export is a list of `Block`s, the figure blocks the page shows in its order (a panel and what it is about:
formation, school, voie, whether it is a fallback). Each block gives one line per rate of `ROWS`, with the value
shown on the page or the reason there is none, its millésime, its cohort and its source. The compare table reads
the same `cell` values, so every file says what its page says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from django.http import HttpResponse

from guidance.web.figures.models import Evolution, FigurePanel
from guidance.web.figures.wording import (
    ATTRIBUTION,
    BY_SPECIALITY,
    LICENCE,
    LICENCE_URL,
    MESSAGES,
    NOT_PUBLISHED,
    NOT_YET_MEASURED,
    MissingCause,
)

# (key, label): the rates of a figure, in the order of the compare table and of every export.
ROWS = (
    ("emploi_6_mois", "En emploi 6 mois après la sortie"),
    ("emploi_12_mois", "En emploi 12 mois après"),
    ("emploi_18_mois", "En emploi 18 mois après"),
    ("emploi_24_mois", "En emploi 24 mois après"),
    ("formation", "En formation (poursuite d’études)"),
    ("autres_6_mois", "Autres situations 6 mois après"),
)

CSV_HEADER = (
    "element",
    "formation",
    "cfd",
    "etablissement",
    "uai",
    "voie",
    "specialite",
    "chiffres_de",
    "a_defaut",
    "indicateur",
    "valeur_pourcent",
    "nombre_de_jeunes",
    "millesime",
    "effectif_derniere_annee",
    "source",
    "raison",
)


@dataclass(frozen=True)
class Cell:
    rate: int | None  # a percentage, None when there is none to show
    count: int | None  # the number of young people behind it, when the source gives it
    reason: str  # why there is no rate ("" when there is one)

    @property
    def has_value(self) -> bool:
        return self.rate is not None


def cell(panel: FigurePanel, key: str) -> Cell:
    """The value of one rate (`ROWS`) for one panel, or the reason it has none."""
    if panel.missing is not None:
        return Cell(None, None, panel.missing.title)
    if panel.terminales:
        return Cell(None, None, BY_SPECIALITY)
    if not panel.has_figures:
        return Cell(None, None, MESSAGES[MissingCause.NO_DATA][0])
    shares = {share.key: share for share in panel.shares}
    if key in ("formation", "autres_6_mois"):
        share = shares["formation" if key == "formation" else "autres"]
        return Cell(share.rate, share.count, "" if share.rate is not None else NOT_PUBLISHED)
    months = int(key.split("_")[1])
    if months == 6:
        share = shares["emploi"]
        return Cell(share.rate, share.count, "" if share.rate is not None else NOT_PUBLISHED)
    horizon = next((h for h in panel.horizons if h.months == months), None)
    if horizon is None:  # a figure with the 6-month shares only (the DEPP's school-level indicators)
        return Cell(None, None, NOT_PUBLISHED)
    if horizon.not_yet_measured:
        return Cell(None, None, NOT_YET_MEASURED)
    reason = "" if horizon.employment_rate is not None else NOT_PUBLISHED
    return Cell(horizon.employment_rate, horizon.employment_count, reason)


@dataclass(frozen=True)
class Block:
    """One figure block of a page: the panel shown and what it is about."""

    element: int  # its rank on the page (1, 2…), which ties the lines of one block together
    formation: str
    cfd: str
    panel: FigurePanel
    school: str = ""
    uai: str = ""
    is_fallback: bool = False  # the place asked had no figures: these are the nearest place's
    note: str = ""  # what the page says instead of figures (a seconde commune in a school's list)


def numbered(blocks: Iterable[Block]) -> list[Block]:
    """The blocks ranked 1, 2… in order, a seconde commune's specialities each a block of its own (as the pages
    show them, one sub-panel per speciality)."""
    flat = []
    for block in blocks:
        flat += [replace(block, panel=sub) for sub in block.panel.terminales] or [block]
    return [replace(block, element=rank) for rank, block in enumerate(flat, start=1)]


def _cell(block: Block, key: str) -> Cell:
    return Cell(None, None, block.note) if block.note else cell(block.panel, key)


def _line(block: Block, key: str) -> tuple:
    panel, value = block.panel, _cell(block, key)
    return (
        block.element,
        block.formation,
        block.cfd,
        block.school,
        block.uai,
        panel.voie,
        panel.speciality,
        panel.scope,
        "oui" if block.is_fallback else "non",
        key,
        "" if value.rate is None else value.rate,
        "" if value.count is None else value.count,
        panel.millesime_label,
        "" if panel.cohort is None else panel.cohort,
        panel.source.label if panel.source else "",
        value.reason,
    )


def extra_line(block: Block, key: str, *, value: int | None, millesime: str, source: str, reason: str) -> tuple:
    """A line of `CSV_HEADER` about `block` that is not one of its rates (the compare page's choice rows)."""
    panel = block.panel
    identity = (block.element, block.formation, block.cfd, block.school, block.uai, panel.voie, panel.speciality)
    return (*identity, panel.scope, "oui" if block.is_fallback else "non", key, "" if value is None else value, "",
            millesime, "", source, reason)  # fmt: skip


# OWASP's rule against CSV injection: a cell starting with one of these is read as a formula by spreadsheet software
# (`=HYPERLINK(…)`, `@SUM(…)`, `+cmd|…`, a tab or CR before any of them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell that would start a formula gets a leading `'` (shown as text, the value otherwise intact). Our
    own numbers stay numbers: they are computed, never taken from a source's text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(blocks: Sequence[Block], after: Callable[[Block], Iterable[tuple]] | None = None) -> str:
    """`;`-separated text, one line per block and rate (the view adds the BOM spreadsheet software needs), then
    the lines `after(block)` gives about that block, if any. Every CSV export of the site is written here, every
    cell through `spreadsheet_safe`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def write(line: Iterable[object]) -> None:
        writer.writerow([spreadsheet_safe(value) for value in line])

    write(CSV_HEADER)
    for block in blocks:
        for key, _label in ROWS:
            write(_line(block, key))
        for line in after(block) if after is not None else ():
            write(line)
    return buffer.getvalue()


def block_dict(block: Block) -> dict:
    """One block as JSON: the same fields as a CSV line, the rates nested, the missing cause and salaries added."""
    panel = block.panel
    source = panel.source
    return {
        "element": block.element,
        "formation": block.formation,
        "cfd": block.cfd,
        "etablissement": block.school,
        "uai": block.uai,
        "voie": panel.voie,
        "specialite": panel.speciality,
        "chiffres_de": panel.scope,
        "a_defaut": block.is_fallback,
        "millesime": panel.millesime_label,
        "promotion": source.leavers if source else "",
        "effectif_derniere_annee": panel.cohort,
        "sortis_de_formation": panel.leavers,
        "source": source.label if source else "",
        "chiffres_consultes_le": source.fetched_at.date().isoformat() if source and source.fetched_at else None,
        "absence": (
            {"cause": panel.missing.cause.value, "titre": panel.missing.title, "explication": panel.missing.text}
            if panel.missing and not block.note
            else None
        ),
        "remarque": block.note,
        "indicateurs": [
            {
                "indicateur": key,
                "libelle": label,
                "valeur_pourcent": value.rate,
                "nombre_de_jeunes": value.count,
                "raison": value.reason,
            }
            for key, label in ROWS
            for value in [_cell(block, key)]
        ],
        "salaires_12_mois": (
            {"q1": panel.salaries.q1, "mediane": panel.salaries.median, "q3": panel.salaries.q3}
            if panel.salaries
            else None
        ),
    }


def json_document(*, title: str, page_url: str, blocks: Sequence[Block], attribution: str = ATTRIBUTION) -> dict:
    """A page's JSON export: what it is, where its page is, the licence, and its figure blocks."""
    return {
        "titre": title,
        "page": page_url,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": attribution,
        "colonnes_csv": list(CSV_HEADER),
        "chiffres": [block_dict(block) for block in blocks],
    }


def evolution_dict(evolution: Evolution) -> dict:
    """The evolution table (one row per promotion, one column per voie) as JSON."""
    return {
        "source": evolution.source,
        "colonnes": list(evolution.columns),
        "promotions": [
            {
                "millesime": row.millesime,
                "valeurs": [
                    {
                        "colonne": column,
                        "emploi_6_mois": cell_.employment_rate,
                        "formation": cell_.study_rate,
                        "effectif_derniere_annee": cell_.cohort,
                        "raison": cell_.missing,
                    }
                    for column, cell_ in zip(evolution.columns, row.cells, strict=True)
                ],
            }
            for row in evolution.rows
        ],
    }


# --- As downloads -------------------------------------------------------------------------------------------------

EXPORT_CACHE_CONTROL = "public, max-age=3600"


def csv_response(text: str, filename: str) -> HttpResponse:
    """A `;`-separated export, UTF-8 with a BOM (spreadsheet software reads the accents right), as a download."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
