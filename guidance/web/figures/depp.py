"""The DEPP school-level indicators (all the trainings of a school together), as rows and as a figure panel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from guidance.catalog.models import Population, School, SchoolIndicators
from guidance.inserjeunes.codes import Millesime
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
