"""The DEPP school-level indicators (all the trainings of a school together), as rows and as a figure panel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from guidance.catalog.models import Population, School, SchoolIndicators
from guidance.inserjeunes.codes import Millesime
from guidance.web.figures.answer import AnswerBlock, LeaverRate, PlaceAnswer, out_of_ten
from guidance.web.figures.models import FigurePanel, ScopeKind, SourceLine
from guidance.web.figures.present import missing, shares
from guidance.web.figures.wording import (
    DEPP_SOURCE,
    MissingCause,
    leavers_sentence,
    leavers_years,
    signed,
    value_added_sentence,
)

POPULATION_ORDER: dict[str, int] = {Population.ENSEMBLE: 0, Population.SCOLAIRE: 1, Population.APPRENTIS: 2}


@dataclass(frozen=True)
class IndicatorRow:
    millesime: str
    population_label: str
    row: SchoolIndicators

    @property
    def millesime_label(self) -> str:
        return Millesime(self.millesime).label

    @property
    def leavers_sentence(self) -> str:
        return leavers_sentence(self.millesime)

    @property
    def leavers_years(self) -> str:
        return leavers_years(self.millesime)

    @property
    def value_added_sentence(self) -> str:
        row = self.row
        return value_added_sentence(row.employment_rate_6m, row.expected_rate, row.value_added)

    @property
    def value_added_label(self) -> str:
        return "—" if self.row.value_added is None else signed(self.row.value_added)


def indicator_rows(indicators: Iterable[SchoolIndicators]) -> list[IndicatorRow]:
    """Newest millésime first; within one, the whole school first, then pupils, then apprentices."""
    rows = sorted(
        indicators,
        key=lambda ind: (-Millesime(ind.millesime).last_year, POPULATION_ORDER.get(ind.population, 9)),
    )
    return [IndicatorRow(ind.millesime, ind.get_population_display(), ind) for ind in rows]


def headline_indicator(rows: Sequence[IndicatorRow]) -> IndicatorRow | None:
    """The row the page opens with: the newest millésime, whole school when there is such a row."""
    return rows[0] if rows else None


def depp_panel(row: IndicatorRow, school: School) -> FigurePanel:
    """A DEPP school-level row as a figure panel (shares + source line), for the shared templates."""
    ind = row.row
    has_shares = any(v is not None for v in (ind.share_in_employment, ind.share_in_study, ind.share_other))
    drawn = shares(
        (
            ("emploi", ind.share_in_employment, None),
            ("formation", ind.share_in_study, None),
            ("autres", ind.share_other, None),
        )
    )
    return FigurePanel(
        scope=school.display_name,
        scope_kind=ScopeKind.SCHOOL,
        voie=row.population_label,
        millesime=Millesime(ind.millesime),
        cohort=ind.cohort_size,
        shares=drawn if has_shares else (),
        missing=None if has_shares else missing(MissingCause.NO_DATA),
        source=SourceLine(label=DEPP_SOURCE, millesime_label=row.millesime_label, fetched_at=None, is_stale=False),
    )


def _rate_at(rows: Sequence[IndicatorRow], population: str, months: int) -> LeaverRate | None:
    """The newest DEPP rate among leavers at `months` for `population` (the rows are newest first)."""
    for item in rows:
        value = getattr(item.row, f"employment_rate_{months}m")
        if item.row.population == population and value is not None:
            return LeaverRate(months, round(value), None, None, years=item.leavers_years)
    return None


def depp_answer(rows: Sequence[IndicatorRow], school: School) -> AnswerBlock | None:
    """The answer block of a school page, from the DEPP's school-level rows: the ten people of the newest row
    (divided by every learner of the final year) and the DEPP's own employment rate among leavers at 6, 12 and 24
    months, each from the newest row that has it. No counts: the DEPP publishes rates only."""
    headline = headline_indicator(rows)
    if headline is None:
        return None
    panel = depp_panel(headline, school)
    population = headline.row.population
    at_6 = _rate_at(rows[:1], population, 6) or LeaverRate(6, None, None, None, years=headline.leavers_years)
    label = "Toutes formations professionnelles confondues"
    if population != Population.ENSEMBLE:
        label += f" ({headline.population_label.lower()})"
    answer = PlaceAnswer(
        label,
        panel,
        "",
        out_of_ten(panel) if panel.has_figures else (),
        at_6,
        _rate_at(rows, population, 12),
        _rate_at(rows, population, 24),
    )
    return AnswerBlock("dans cet établissement", (answer,))
