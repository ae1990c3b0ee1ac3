"""The CSV export of a comparison: one line per item and rate, the same `Cell` values as the page's table."""

import csv
import io
from collections.abc import Sequence

from guidance.web.compare import columns
from guidance.web.compare.columns import Column
from guidance.web.compare.rows import ChoiceRow

CSV_HEADER = (
    "element",
    "formation",
    "cfd",
    "etablissement",
    "uai",
    "voie",
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


def csv_text(compared: Sequence[Column], choices: Sequence[ChoiceRow] = ()) -> str:
    """`;`-separated text (the view adds the BOM spreadsheet software needs to read the accents right).

    After the rates of each item, its rows of `choices` (pressure, position, jobs): their sentences in `raison`
    when there is one per cell, the value a position is about in `valeur_pourcent`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for index, column in enumerate(compared, start=1):
        panel = column.shown
        for key, _label in columns.ROWS:
            value = columns.cell(panel, key)
            writer.writerow(
                (
                    index,
                    column.formation.label,
                    column.formation.cfd,
                    column.school.display_name if column.school else "",
                    column.school.uai if column.school else "",
                    column.voie_label,
                    panel.scope,
                    "oui" if column.chain.is_fallback else "non",
                    key,
                    "" if value.rate is None else value.rate,
                    "" if value.count is None else value.count,
                    panel.millesime_label,
                    "" if panel.cohort is None else panel.cohort,
                    panel.source.label if panel.source else "",
                    value.reason,
                )
            )
        for row in choices:
            choice = row.cells[index - 1]
            identity = (
                index,
                column.formation.label,
                column.formation.cfd,
                column.school.display_name if column.school else "",
                column.school.uai if column.school else "",
                column.voie_label,
                panel.scope,
                "oui" if column.chain.is_fallback else "non",
                row.key,
            )
            text = " ; ".join(choice.lines) or choice.reason
            value = "" if choice.value is None else choice.value
            writer.writerow((*identity, value, "", choice.millesime, "", choice.source, text))
    return buffer.getvalue()
