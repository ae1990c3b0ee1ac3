"""What a family reads first about a higher-education diploma: InserSup's figures summed up in a few facts.

`AnswerFacts` is the answer-first summary of one place (France, or one school), in the shape of the answer block of
the other pages (`figures.answer`, whose rate among leavers and ten people it reuses): its pictogram of 10, the
employment rate among leavers, the latest 12- and 24-month figures with their promotion, the salary median. Every
fact is computed from the panel's own counts (InserSup's), and says which students it counts.

InserSup counts the students of the final year of a diploma: those who go on studying the next year and those who
leave higher education (`nb_sortant`). Its employment rates are among those who left, salaried jobs in France
(`nb_en_emploi_*` ÷ `nb_sortant`); the API's `taux_en_emploi_*` divide by every student of the final year. Both are
shown, each named.
"""

from __future__ import annotations

from dataclasses import dataclass

from guidance.web.figures.answer import LeaverRate, OutOfTen, leavers_rate, out_of_ten, share_of
from guidance.web.figures.models import HORIZONS, FigurePanel, Salaries

__all__ = ["AnswerFacts", "LeaverRate", "OutOfTen", "answer_facts", "out_of_ten", "share_of"]


@dataclass(frozen=True)
class AnswerFacts:
    scope: str  # "France" or the school's name
    students: int | None  # in the final year (the API's `nb_annee_term`)
    leavers: int | None  # who left higher education (`nb_sortant`)
    out_of_ten: tuple[OutOfTen, ...]  # the three situations 6 months after, out of 10 students
    leaver_rates: tuple[LeaverRate, ...]  # 6, 12, 18, 24 months
    salaries: Salaries | None  # France's quartiles 12 months after (InserSup publishes them for France)
    leavers_sentence: str  # "jeunes sortis en 2023"
    promotion: str  # "promotion 2023", "promotions 2022 et 2023" (two years added together, per school)

    @property
    def people(self) -> tuple[str, ...]:
        """The ten students of the pictogram, each by their situation's key."""
        return tuple(part.key for part in self.out_of_ten for _ in range(part.count))

    def rate_at(self, months: int) -> LeaverRate | None:
        return next((rate for rate in self.leaver_rates if rate.months == months and rate.rate is not None), None)

    @property
    def at_6(self) -> LeaverRate | None:
        return self.rate_at(6)

    @property
    def at_12(self) -> LeaverRate | None:
        return self.rate_at(12)

    @property
    def at_24(self) -> LeaverRate | None:
        return self.rate_at(24)


def answer_facts(panel: FigurePanel, *, salaries: Salaries | None) -> AnswerFacts | None:
    """The facts of one panel with figures (None without), `salaries` France's (a school's are France's too)."""
    if not panel.has_figures:
        return None
    rates = tuple(leavers_rate(panel, months) for months in HORIZONS)
    return AnswerFacts(
        scope=panel.scope,
        students=panel.cohort,
        leavers=panel.leavers,
        out_of_ten=out_of_ten(panel),
        leaver_rates=rates,
        salaries=salaries,
        leavers_sentence=panel.leavers_sentence,
        promotion=f"promotion{'s' if ' et ' in panel.leavers_years else ''} {panel.leavers_years}",
    )
