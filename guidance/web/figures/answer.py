"""The answer first: what a family reads on a phone's first screen about a training in one place and one voie.

`place_answer(chain, history, word)` sums up one voie in a few facts, each computed from the panel's own counts and
saying which young people it counts:

- the three 6-month situations as a number of young people out of 10. InserJeunes divides them by every learner of
  the final year (`nb_annee_term`), so the pictogram counts the final year, not the leavers;
- the employment rate among those who left (`nb_en_emploi_* / nb_sortant`: the DEPP's "taux d'emploi"), at 6
  months, and the latest figure at 12 and 24 months with the promotion it comes from: the newest promotion of
  `history` that has it (the 24-month figure is measured two years later, so it is often an older promotion's);
- a word for the 6-month rate against comparable diplomas (`figures.peerword`), when there are enough of them.

`leavers_rate` is the one computation of that rate on the site (the superieur pages use it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from guidance.indicators.service import Question
from guidance.inserjeunes.codes import Millesime
from guidance.web.figures.models import FigureChain, FigurePanel, Salaries
from guidance.web.figures.reach import is_offline
from guidance.web.figures.wording import (
    BY_SPECIALITY_BELOW,
    LEAVERS_DEFINITION,
    NOT_YET_MEASURED_ANY,
    PEER_WORD_INTRO,
    PEOPLE_INTRO,
    SALARIES_NOT_PUBLISHED,
    SALARIES_OFFLINE,
    VOIES_DIFFER,
    leavers_years,
    people_sentence,
)


def share_of(part: int | None, whole: int | None) -> int | None:
    """A whole percentage rounded half to even (as the API rounds its rates); None without both numbers."""
    if part is None or not whole:
        return None
    return round(Fraction(100 * part, whole))


@dataclass(frozen=True)
class LeaverRate:
    """Among the young people who left (`leavers`): how many had a salaried job `months` after (`employed`), the
    rate of it, and the API's rate of the same job among every learner of the final year (`of_everyone`)."""

    months: int
    rate: int | None
    employed: int | None
    leavers: int | None
    of_everyone: int | None = None
    not_yet_measured: bool = False
    years: str = ""  # "2020 et 2021": the leavers it counts (set when it may differ from the panel's)

    @property
    def out_of_ten(self) -> int | None:
        """The rate as young people out of 10 ("5 sur 10"), rounded to the nearest."""
        return None if self.rate is None else round(Fraction(self.rate, 10))


def leavers_rate(panel: FigurePanel, months: int) -> LeaverRate:
    """The employment rate among leavers of `panel` at `months` (6, 12, 18 or 24), from its own counts."""
    horizon = next((h for h in panel.horizons if h.months == months), None)
    employed = horizon.employment_count if horizon else None
    return LeaverRate(
        months,
        share_of(employed, panel.leavers),
        employed,
        panel.leavers,
        horizon.employment_rate if horizon else None,
        horizon.not_yet_measured if horizon else False,
        leavers_years(panel.millesime),
    )


@dataclass(frozen=True)
class OutOfTen:
    """One of the three situations as a number of young people out of 10 (the three add up to 10)."""

    key: str  # "emploi", "formation", "autres"
    label: str
    count: int


def out_of_ten(panel: FigurePanel) -> tuple[OutOfTen, ...]:
    """The three shares as whole people out of 10, by the largest remainders (so that they add up to 10)."""
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


@dataclass(frozen=True)
class PeerWord:
    """A plain word for a rate against comparable diplomas, and the basis it was computed on (said on demand)."""

    word: str  # "plutôt haut", "dans la moyenne", "plutôt bas"
    basis: str
    intro: str = PEER_WORD_INTRO


def later_rate(history: Sequence[FigurePanel], months: int) -> LeaverRate | None:
    """The newest measure at `months` among `history` (panels of one place, newest first), None without one."""
    for panel in history:
        found = leavers_rate(panel, months)
        if found.rate is not None:
            return found
    return None


@dataclass(frozen=True)
class PlaceAnswer:
    """One voie in one place, summed up: what the answer block shows."""

    voie_label: str
    panel: FigurePanel  # the figures shown (the place asked, or the nearest with figures)
    fallback_note: str  # "" or "À défaut : la même formation dans toute la France"
    people: tuple[OutOfTen, ...]
    at_6: LeaverRate
    at_12: LeaverRate | None
    at_24: LeaverRate | None
    word: PeerWord | None = None

    @property
    def has_figures(self) -> bool:
        return self.panel.has_figures

    @property
    def persons(self) -> tuple[str, ...]:
        """The ten people of the pictogram, each by their situation's key."""
        return tuple(part.key for part in self.people for _ in range(part.count))

    @property
    def people_sentence(self) -> str:
        """ "2 travaillent, 6 continuent leurs études et 2 sont dans une autre situation"."""
        return people_sentence((part.key, part.count) for part in self.people)

    @property
    def years(self) -> str:
        return leavers_years(self.panel.millesime)

    @property
    def at_24_is_older(self) -> bool:
        """The 24-month figure comes from an older promotion than the rest of the answer."""
        return self.at_24 is not None and self.at_24.years != self.years

    @property
    def salaries(self) -> Salaries | None:
        return self.panel.salaries

    @property
    def by_speciality(self) -> str:
        return BY_SPECIALITY_BELOW

    @property
    def salaries_note(self) -> str:
        """Said instead of a salary: offline there is none by construction, online the source published none."""
        if self.salaries is not None:
            return ""
        return SALARIES_OFFLINE if is_offline() else SALARIES_NOT_PUBLISHED


@dataclass(frozen=True)
class AnswerBlock:
    """The answer block of a page: where (`place`: "en Occitanie", "en France"), one answer per voie."""

    place: str
    answers: tuple[PlaceAnswer, ...]

    @property
    def has_figures(self) -> bool:
        return any(answer.has_figures for answer in self.answers)

    # The block's fixed sentences, from `wording` (one wording per fact).
    people_intro = PEOPLE_INTRO
    not_yet_measured = NOT_YET_MEASURED_ANY
    leavers_definition = LEAVERS_DEFINITION

    @property
    def voies_note(self) -> str:
        """Why the two voies differ, said once when both have figures."""
        return VOIES_DIFFER if sum(answer.has_figures for answer in self.answers) > 1 else ""


def older_first_excluded(panels: Sequence[FigurePanel], shown: FigurePanel) -> tuple[FigurePanel, ...]:
    """`panels` with figures, newest first, from the promotion of `shown` back (never a newer one than shown)."""
    last = Millesime(str(shown.millesime)).last_year if shown.millesime else None
    kept = [p for p in panels if p.has_figures and p.millesime is not None]
    if last is not None:
        kept = [p for p in kept if Millesime(str(p.millesime)).last_year <= last]
    return tuple(sorted(kept, key=lambda p: Millesime(str(p.millesime)).last_year, reverse=True))


def place_answer(
    voie_label: str, chain: FigureChain, history: Sequence[FigurePanel] = (), word: PeerWord | None = None
) -> PlaceAnswer:
    """The answer of one voie: `chain` the place asked (with its fallback), `history` older panels of the place
    shown (any order; those newer than the one shown are ignored), `word` the comparison when there is one."""
    shown = chain.shown
    panels = older_first_excluded([shown, *history], shown) if shown.has_figures else ()
    return PlaceAnswer(
        voie_label=voie_label,
        panel=shown,
        fallback_note=chain.fallback_note,
        people=out_of_ten(shown) if shown.has_figures else (),
        at_6=leavers_rate(shown, 6),
        at_12=later_rate(panels, 12),
        at_24=later_rate(panels, 24),
        word=word if shown is chain.asked else None,
    )


def older_promotions(question: Question, shown: FigurePanel, depth: int = 3) -> list[Question]:
    """The same question for the `depth` promotions before the one of `shown` (where a 24-month figure may be)."""
    if shown.millesime is None:
        return []
    value, older = Millesime(str(shown.millesime)), []
    for _ in range(depth):
        value = value.previous()
        older.append(replace(question, millesime=value))
    return older
