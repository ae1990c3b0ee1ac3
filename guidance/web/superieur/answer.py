"""What a family reads first about a higher-education diploma: InserSup's figures summed up in a few facts.

`AnswerFacts` is the answer-first summary of one place (France, or one school), in the shape issue 23's answer block
takes (its pictogram of 10, the employment rate among leavers, the latest 12- and 24-month figures with their
promotion, the salary median): the block can be fed from it once it lands. Every fact is computed from the panel's
own counts (InserSup's), and says which students it counts.

InserSup counts the students of the final year of a diploma: those who go on studying the next year and those who
leave higher education (`nb_sortant`). Its employment rates are among those who left, salaried jobs in France
(`nb_en_emploi_*` ÷ `nb_sortant`); the API's `taux_en_emploi_*` divide by every student of the final year. Both are
shown, each named.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from guidance.web.figures.models import HORIZONS, FigurePanel, Salaries


def share_of(part: int | None, whole: int | None) -> int | None:
    """A whole percentage rounded half to even (as the API rounds its rates); None without both numbers."""
    if part is None or not whole:
        return None
    return round(Fraction(100 * part, whole))


@dataclass(frozen=True)
class LeaverRate:
    """Among the students who left higher education: how many had a salaried job in France `months` after; and the
    API's rate of the same job among every student of the final year (`of_everyone`)."""

    months: int
    rate: int | None
    employed: int | None
    leavers: int | None
    of_everyone: int | None = None
    not_yet_measured: bool = False


@dataclass(frozen=True)
class OutOfTen:
    """One of the three situations as a number of students out of 10 (the three add up to 10)."""

    key: str  # "emploi", "formation", "autres"
    label: str
    count: int


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


def out_of_ten(panel: FigurePanel) -> tuple[OutOfTen, ...]:
    """The three shares as whole students out of 10, by the largest remainders (so that they add up to 10)."""
    rates = [(share.key, share.label, share.rate) for share in panel.shares]
    if not rates or any(rate is None for _key, _label, rate in rates):
        return ()
    exact = [(key, label, Fraction(rate or 0, 10)) for key, label, rate in rates]
    counts = {key: int(value) for key, _label, value in exact}
    missing = 10 - sum(counts.values())
    by_remainder = sorted(exact, key=lambda item: item[2] - int(item[2]), reverse=True)
    for key, _label, _value in by_remainder[: max(0, missing)]:
        counts[key] += 1
    return tuple(OutOfTen(key, label, counts[key]) for key, label, _value in exact)


def answer_facts(panel: FigurePanel, *, salaries: Salaries | None) -> AnswerFacts | None:
    """The facts of one panel with figures (None without), `salaries` France's (a school's are France's too)."""
    if not panel.has_figures:
        return None
    horizons = {horizon.months: horizon for horizon in panel.horizons}
    rates = tuple(
        LeaverRate(
            months,
            share_of(horizon.employment_count, panel.leavers) if horizon else None,
            horizon.employment_count if horizon else None,
            panel.leavers,
            horizon.employment_rate if horizon else None,
            horizon.not_yet_measured if horizon else False,
        )
        for months in HORIZONS
        for horizon in [horizons.get(months)]
    )
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
