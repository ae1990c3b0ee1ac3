"""The CSV export of a comparison: the shared serializer (`reuse.export`) over the columns the page shows, one
block per item, so the file has the columns of every other export and the same `cell` values as the table."""

from collections.abc import Sequence

from guidance.web.compare.columns import Column, Row
from guidance.web.compare.rows import ChoiceCell
from guidance.web.reuse.export import Block, csv_text, extra_line


def blocks(compared: Sequence[Column]) -> list[Block]:
    """One block per column, ranked as on the page (a seconde commune stays one block: the table says the figures
    are published by speciality)."""
    return [
        Block(
            element=index,
            formation=column.formation.label,
            cfd=column.formation.code_label,
            panel=column.shown,
            school=column.school.display_name if column.school else "",
            uai=column.school.uai if column.school else "",
            is_fallback=column.chain.is_fallback,
        )
        for index, column in enumerate(compared, start=1)
    ]


def compare_csv_text(compared: Sequence[Column], choices: Sequence[Row[ChoiceCell]] = ()) -> str:
    """After the rates of each item, its rows of `choices` (pressure, position, jobs): their sentences in `raison`,
    the value a position is about in `valeur_pourcent`."""

    def choice_lines(block: Block) -> list[tuple]:
        lines = []
        for row in choices:
            choice = row.cells[block.element - 1]
            reason = " ; ".join(choice.lines) or choice.reason
            lines.append(
                extra_line(
                    block, row.key, value=choice.value, millesime=choice.millesime, source=choice.source, reason=reason
                )
            )
        return lines

    return csv_text(blocks(compared), after=choice_lines)
