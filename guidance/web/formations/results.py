"""The formation search's results page: the place understood, the order by outcome within a region, and the
headline figure of each card (one `get_many` for the page, `figures.headline`).

The order by outcome is the service's (`peers.sort_by_outcome`: the region's figures of the newest period, the
voie of the search or the voie scolaire); this module only says what was done, or why it was not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from guidance.catalog.models import Formation, Voie
from guidance.indicators import peers
from guidance.inserjeunes.codes import InvalidCode, Region, region_from_code
from guidance.search.diplomas import is_open
from guidance.search.engine import FormationResults
from guidance.web.figures.headline import Headline, headlines
from guidance.web.figures.wording import VOIE_LABELS, millesime_source


@dataclass(frozen=True)
class Card:
    formation: Formation
    headline: Headline
    sort_rate: int | None = None  # the regional figure the results are ordered by, when they are
    # The other versions of the diploma folded into this card (`search.diplomas`), most recent first, and the one
    # the headline's figures come from when the card's own version has none yet (a renewed diploma).
    versions: tuple[Formation, ...] = ()
    figures_from: Formation | None = None

    @property
    def is_closed(self) -> bool:
        """No longer delivered (a closing date to come is not closed yet: "fermeture prévue")."""
        return not is_open(self.formation.closed_on)


@dataclass(frozen=True)
class OutcomeOrder:
    """What the order by outcome did: `sentence` says it (with its source), `reason` why it could not."""

    sentence: str = ""
    source: str = ""
    reason: str = ""
    measure_label: str = ""


def search_region(data: dict, results: FormationResults) -> Region | None:
    """The region the search is within: the one chosen, else the one of the place understood."""
    code = data.get("region") or results.place_region
    try:
        return region_from_code(code) if code else None
    except InvalidCode:
        return None


def order_by_outcome(
    results: FormationResults, region: Region | None, *, voie: str, measure: str, minimum: int | None
) -> tuple[list[Formation], dict[int, int | None], OutcomeOrder]:
    """The results ordered by their regional `measure` (highest first, without a figure last), at least
    `minimum` when given. Returns the formations, {formation id: rate}, and what the page says."""
    label = peers.MEASURES[measure][1]
    if region is None:
        reason = "Le tri et le filtre par résultats se font dans une région : choisissez une région."
        return [], {}, OutcomeOrder(reason=reason, measure_label=label)
    millesime = peers.latest_millesime(region.code)
    if millesime is None:
        reason = "Les chiffres régionaux ne sont pas disponibles pour le moment : résultats par pertinence."
        return [], {}, OutcomeOrder(reason=reason, measure_label=label)
    by_id = Formation.objects.prefetch_related("mefs").in_bulk(results.ids)
    ordered = [by_id[pk] for pk in results.ids if pk in by_id]
    voie = voie or Voie.SCOLAIRE.value
    ranked = peers.sort_by_outcome(ordered, region.code, voie, millesime, measure, minimum)
    # peers ranks the formations given: the catalogue's.
    rates = {r.formation.pk: r.figure.value(measure) for r in ranked if r.figure is not None}
    with_minimum = f", {minimum} % au moins" if minimum is not None else ""
    sentence = (
        f"Classées selon la part « {label} » {peers.region_words(region.code)}, {VOIE_LABELS[voie].lower()}"
        f"{with_minimum} : la plus haute d’abord, celles sans chiffre publié à la fin."
    )
    source = f"{millesime_source(peers.SOURCE, millesime)}."
    return [r.formation for r in ranked], rates, OutcomeOrder(sentence, source, "", label)


def cards_page(
    objects: Sequence[Formation],
    number: int,
    per_page: int,
    *,
    region: Region | None,
    voie: str | None,
    rates: dict[int, int | None],
    others: dict[int, tuple[int, ...]] | None = None,
) -> tuple[Page[Formation], list[Card]]:
    """The page asked and its cards, each with its headline figure (the page's questions in one round) and the
    other versions of its diploma (`others`: {id shown: ids of the other versions}, `FormationResults.others`)."""
    page = objects.page(number, per_page) if isinstance(objects, FormationResults) else None
    if page is None:
        page = Paginator(objects, per_page).get_page(number)
    formations = list(page.object_list)
    others = others or {}
    by_id = Formation.objects.in_bulk([pk for f in formations for pk in others.get(f.pk, ())])
    versions = [tuple(by_id[pk] for pk in others.get(f.pk, ()) if pk in by_id) for f in formations]
    # A version without figures yet (CAP Cuisine 50022146) shows those of its most recent version that has some,
    # and says so on the card.
    sources = [
        None if f.has_figures else next((v for v in own if v.has_figures), None)
        for f, own in zip(formations, versions, strict=True)
    ]
    shown = [source or f for f, source in zip(formations, sources, strict=True)]
    found = headlines(shown, region=region, voie=voie or None)
    cards = [
        Card(f, h, rates.get(f.pk), v, source)
        for f, h, v, source in zip(formations, found, versions, sources, strict=True)
    ]
    return page, cards
