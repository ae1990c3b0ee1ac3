"""The assembly of a formation page's figures: which questions to ask, asked together, and presented.

Every figure of a page is asked through `get_many` (the service bounds the concurrency and answers from its cache
when it can), each distinct question once:

1. the devenir in France and in the chosen region, per voie (scolaire = each final-year MEFSTAT11, apprentissage
   = the CFD), for the promotion asked (or the latest), plus the latest one when an older promotion is asked;
2. the evolution in France: the promotions before the latest (`EVOLUTION_DEPTH`); the answers also tell which
   promotions exist (those with figures, and the list the source gives when one does not);
3. for the schools of the visible page of the list: the figure at each school, with the region then France as the
   labelled fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse

from guidance.catalog.models import Formation, Mef, Offer, Voie
from guidance.indicators import peers
from guidance.indicators.service import IndicatorResult, Question
from guidance.inserjeunes.codes import Certification, InvalidCode, Millesime, Region, newest_first, parse_mefstat11
from guidance.web.figures.answer import AnswerBlock, PlaceAnswer, place_answer
from guidance.web.figures.models import Evolution, FigureChain, FigurePanel, MillesimeLink
from guidance.web.figures.peerword import peer_word
from guidance.web.figures.present import (
    agricultural_regions,
    chain_of,
    millesime_links,
    name_specialities,
    present,
    present_evolution,
    voie_named,
)
from guidance.web.figures.questions import Answers, PlaceChain, place_chain
from guidance.web.figures.wording import NOT_OFFERED, VOIE_LABELS, cursus_labels, leavers_sentence, millesime_label

EVOLUTION_DEPTH = 4  # promotions shown in the evolution table (the open data holds four regional periods)


@dataclass(frozen=True)
class VoiePanels:
    """One voie of the devenir: a panel per certification of that voie (usually one)."""

    voie: str
    label: str
    france: tuple[FigurePanel, ...]
    region: tuple[FigurePanel, ...]
    # Set when the diploma has no code in this voie (no final-year MEFSTAT11 in the BCN for the voie scolaire).
    not_offered: str = ""
    codes: tuple[str, ...] = ()  # the certification code of each panel (same order as `france` and `region`)


@dataclass(frozen=True)
class FormationFigures:
    voies: tuple[VoiePanels, ...]
    region: Region | None
    millesimes: tuple[MillesimeLink, ...]
    millesime_label: str  # the millésime of the French figures shown (their records', else the one asked)
    evolution: Evolution
    questions: int  # distinct questions asked (for tests and measurements)
    hidden_codes: tuple[str, ...] = ()  # codes of a voie left out because the source has no figures for them
    answers: tuple[PlaceAnswer, ...] = ()  # the answer block: one per voie with a code, in the place chosen
    region_evolution: Evolution | None = None  # the chosen region's promotions, one column per certification

    @property
    def leavers_sentence(self) -> str:
        """ "jeunes sortis en 2022 et 2023": the leavers the French figures shown count."""
        return leavers_sentence(self.millesime_label)

    @property
    def answer(self) -> AnswerBlock:
        """The answer block of the page, in the region chosen (else France)."""
        return AnswerBlock(peers.region_words(self.region.code) if self.region else "en France", self.answers)

    @property
    def headline(self) -> FigurePanel | None:
        """The first French panel with figures (for the page description)."""
        return next((p for voie in self.voies for p in voie.france if p.has_figures), None)


def page_certifications(formation: Formation) -> list[tuple[str, Certification]]:
    """The InserJeunes keys of a formation page, per voie (see `Formation.certifications`).

    A seconde commune has no final year of its own: its voie scolaire key is its seconde's MEFSTAT11, for which
    the source answers one set of figures per speciality that follows it (`certificationsTerminales`).
    """
    certifications = formation.certifications()
    if formation.is_seconde_commune and not any(voie == Voie.SCOLAIRE for voie, _ in certifications):
        secondes = sorted(mef.mefstat11 for mef in formation.mefs.all())
        certifications = [(Voie.SCOLAIRE.value, cert) for m in secondes if (cert := _mefstat11(m))] + [
            (voie, cert) for voie, cert in certifications if voie != Voie.SCOLAIRE
        ]
    return certifications


def _mefstat11(code: str) -> Certification | None:
    try:
        return parse_mefstat11(code)
    except InvalidCode:
        return None


def speciality_names(results: Iterable[IndicatorResult]) -> dict[str, tuple[str, str]]:
    """{code: (readable label, formation page)} of the specialities in `results` (two queries at most)."""
    codes = {
        entry.code_certification
        for result in results
        if result.figures is not None
        for entry in getattr(result.figures, "certifications_terminales", ())
    }
    if not codes:
        return {}
    names = {}
    for mef in Mef.objects.filter(mefstat11__in=codes).select_related("formation"):
        names[mef.mefstat11] = (mef.formation.label, reverse("web:formation", args=[mef.formation.cfd]))
    for formation in Formation.objects.filter(cfd__in=codes):
        names[formation.cfd] = (formation.label, reverse("web:formation", args=[formation.cfd]))
    return names


def _has_figures(result: IndicatorResult) -> bool:
    return result.figures is not None


def _kept(
    certifications: Sequence[tuple[str, Certification]], latest: dict[Certification, Question], answers: Answers
) -> list[tuple[str, Certification]]:
    """The certifications to show: in a voie with several codes (e.g. a BTS in one or two years), those the source
    has figures for; a voie whose codes all lack figures keeps them all, so that the page says why."""
    kept = []
    for voie in dict.fromkeys(v for v, _ in certifications):
        certs = [cert for v, cert in certifications if v == voie]
        with_figures = [cert for cert in certs if _has_figures(answers[latest[cert]])]
        kept += [(voie, cert) for cert in (with_figures or certs)]
    return kept


def build_formation_figures(
    formation: Formation,
    certifications: Sequence[tuple[str, Certification]],
    *,
    region: Region | None,
    millesime: Millesime | None,
    answers: Answers,
) -> FormationFigures:
    """The devenir of `formation` in France and in `region`, per voie, and its evolution across promotions."""
    is_new = formation.is_new()
    # France is asked the millésime as chosen (`Answers` finds the form the source has), a region its period.
    in_region = millesime.regional() if millesime else None
    latest = {cert: Question.national(cert) for _, cert in certifications}
    national = {cert: Question.national(cert, millesime) for _, cert in certifications}
    regional = {cert: Question.regional(cert, region, in_region) for _, cert in certifications} if region else {}
    answers.ask([*latest.values(), *national.values(), *regional.values()])
    all_certifications, certifications = certifications, _kept(certifications, latest, answers)
    hidden = [cert.code for _, cert in all_certifications if (_, cert) not in certifications]
    labels = cursus_labels(formation, certifications)

    # The evolution goes back from the latest promotion each certification has (or the latest the source lists).
    evolution_questions: dict[Certification, dict[str, Question]] = {}
    known: set[str] = set()
    for _, cert in certifications:
        for result in (answers[latest[cert]], answers[national[cert]]):
            known.update(result.available_millesimes)
        latest_figures = answers[latest[cert]].figures
        anchor = _latest_millesime(answers[latest[cert]]) or _latest_millesime(answers[national[cert]])
        by_millesime: dict[str, Question] = {}
        if anchor:
            # The latest promotion is the answer already asked without a millésime: not asked a second time.
            same = getattr(latest_figures, "millesime", None) == anchor
            by_millesime[anchor] = latest[cert] if same else Question.national(cert, Millesime(anchor))
            value = Millesime(anchor)
            for _ in range(EVOLUTION_DEPTH - 1):
                value = value.previous()
                by_millesime[value.value] = Question.national(cert, value)
        evolution_questions[cert] = by_millesime
    region_history = _region_history(certifications, regional, region, answers) if region else {}
    answers.ask(q for by_m in [*evolution_questions.values(), *region_history.values()] for q in by_m.values())

    columns = []
    for _, cert in certifications:
        results = {m: answers[q] for m, q in evolution_questions[cert].items()}
        # A promotion the source has no figures for is left out, unless it was listed as available.
        for m, result in results.items():
            if result.figures is not None:
                known.add(m)
            known.update(result.available_millesimes)
        columns.append((labels[cert], results))
    evolution = present_evolution(
        [(label, {m: r for m, r in results.items() if m in known}) for label, results in columns]
    )

    shown = _shown_millesime(answers, national.values(), millesime) or _first_known_latest(answers, latest.values())
    names = speciality_names(answers[q] for q in [*national.values(), *regional.values()])

    def panel(result: IndicatorResult, scope: str, kind: str, cert: Certification) -> FigurePanel:
        presented = present(result, scope=scope, scope_kind=kind, voie=labels[cert], is_new_formation=is_new)
        return name_specialities(presented, names)

    voies, place_answers = [], []
    for voie in Voie.values:
        certs = [cert for v, cert in certifications if v == voie]
        label = VOIE_LABELS.get(voie, voie)
        if not certs:
            voies.append(VoiePanels(voie, label, (), (), not_offered=NOT_OFFERED.get(voie, "")))
            continue
        france = tuple(panel(answers[national[c]], "France", "france", c) for c in certs)
        here = tuple(panel(answers[regional[c]], region.nom, "region", c) for c in certs) if region else ()
        panels = agricultural_regions([*france, *here])
        france, here = panels[: len(france)], panels[len(france) :]
        label = voie_named(label, panels)
        voies.append(VoiePanels(voie, label, france, here, codes=tuple(c.code for c in certs)))
        history = {  # every promotion asked of each certification, in the region chosen and in France
            c: (
                [panel(answers[q], region.nom, "region", c) for q in region_history[c].values()] if region else [],
                [panel(answers[q], "France", "france", c) for q in evolution_questions[c].values()],
            )
            for c in certs
        }
        place_answers.append(_voie_answer(voie, label, certs, france, here, history, region))
    return FormationFigures(
        voies=tuple(voies),
        region=region,
        millesimes=millesime_links(known, shown),
        millesime_label=millesime_label(shown) if shown else "",
        evolution=evolution,
        questions=len(answers),
        hidden_codes=tuple(hidden),
        answers=tuple(place_answers),
        region_evolution=present_evolution(
            [(labels[c], {m: answers[q] for m, q in by_m.items()}) for c, by_m in region_history.items()]
        )
        if region
        else None,
    )


def _region_history(
    certifications: Sequence[tuple[str, Certification]],
    regional: dict[Certification, Question],
    region: Region,
    answers: Answers,
) -> dict[Certification, dict[str, Question]]:
    """Per certification, the regional promotions from the one shown back (`EVOLUTION_DEPTH` of them): the answer
    block finds there the newest 24-month figure, the region's evolution table its rows."""
    history: dict[Certification, dict[str, Question]] = {}
    for _, cert in certifications:
        asked = regional[cert]
        anchor = getattr(answers[asked].figures, "millesime", None) or asked.millesime
        if not anchor:
            history[cert] = {}
            continue
        value = Millesime(str(anchor))
        by_millesime = {value.value: asked}
        for _ in range(EVOLUTION_DEPTH - 1):
            value = value.previous()
            by_millesime[value.value] = Question.regional(cert, region, value)
        history[cert] = by_millesime
    return history


def _voie_answer(
    voie: str,
    label: str,
    certs: Sequence[Certification],
    france: Sequence[FigurePanel],
    here: Sequence[FigurePanel],
    history: dict[Certification, tuple[list[FigurePanel], list[FigurePanel]]],
    region: Region | None,
) -> PlaceAnswer:
    """The answer block of one voie: the place chosen (the region, else France; France when the region has no
    figures), the first certification of the voie with figures there."""
    if region is not None:
        chains = [chain_of([r, f]) for f, r in zip(france, here, strict=True)]
    else:
        chains = [FigureChain(f) for f in france]
    index = next((i for i, chain in enumerate(chains) if chain.shown.has_figures), 0)
    chain, cert = chains[index], certs[index]
    shown = chain.shown
    word = None
    if region is not None and not chain.is_fallback and shown.has_figures and shown.millesime is not None:
        word = peer_word(cert.code, region, voie, str(shown.millesime))
    in_region, in_france = history[cert]
    return place_answer(label, chain, in_france if shown.scope_is_france else in_region, word)


def _latest_millesime(result: IndicatorResult) -> str | None:
    if millesime := getattr(result.figures, "millesime", None):
        return str(millesime)
    available = newest_first(result.available_millesimes)
    return available[0] if available else None


def _shown_millesime(answers: Answers, questions: Iterable[Question], asked: Millesime | None) -> str | None:
    """The millésime of the French figures shown: the one their records carry (which may be the other form of the
    one asked), else the one asked (the page then says there are no figures for it)."""
    figures = [answers[q].figures for q in questions]
    found = newest_first(m for f in figures if (m := getattr(f, "millesime", None)))
    return found[0] if found else (str(asked) if asked else None)


def _first_known_latest(answers: Answers, questions: Iterable[Question]) -> str | None:
    values = newest_first(m for q in questions if (m := _latest_millesime(answers[q])))
    return values[0] if values else None


# --- The schools of the visible page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferRow:
    offer: Offer
    voie_label: str
    chain: FigureChain | None  # None when the school's code cannot be asked about


@dataclass(frozen=True)
class OfferPlan:
    offer: Offer
    chain: PlaceChain | None  # None: no figure to ask for (no code in that voie, or a malformed UAI)
    label: str  # the voie, with the cursus of the offer when the voie has several


def offer_certification(
    formation: Formation, offer: Offer, certifications: Sequence[tuple[str, Certification]]
) -> Certification | None:
    """The InserJeunes key of an offer (`Formation.certification_for`: parsed codes only); for a seconde commune,
    whose final years are its specialities', the page's own key of that voie (its seconde's MEFSTAT11)."""
    cert = formation.certification_for(offer.voie, offer.mefstat11)
    return cert or next((cert for voie, cert in certifications if voie == offer.voie), None)


def plan_offer_rows(
    formation: Formation,
    offers: Sequence[Offer],
    certifications: Sequence[tuple[str, Certification]],
    *,
    millesime: Millesime | None,
    answers: Answers,
) -> list[OfferPlan]:
    """The questions of each visible offer of `formation` (school, its region, France), planned to go with the
    page's first round."""
    plans = []
    labels = cursus_labels(formation, certifications)
    for offer in offers:
        cert = offer_certification(formation, offer, certifications)
        chain = place_chain(cert, school=offer.school, millesime=millesime) if cert else None
        label = (labels.get(cert) if cert else None) or VOIE_LABELS.get(offer.voie, offer.voie)
        plans.append(OfferPlan(offer, chain, label))
    answers.plan(q for plan in plans if plan.chain for q in plan.chain.questions)
    return plans


def build_offer_rows(formation: Formation, plans: Sequence[OfferPlan], *, answers: Answers) -> list[OfferRow]:
    """Each visible offer with its figure at the school, or the region then France as a labelled fallback."""
    answers.ask()  # a no-op when the page's first round already carried the planned questions
    is_new = formation.is_new()
    rows = []
    for plan in plans:
        voie_label = plan.label
        if plan.chain is None:
            rows.append(OfferRow(plan.offer, voie_label, None))
            continue
        chain = answers.chain(plan.chain, voie=voie_label, is_new_formation=is_new)
        rows.append(OfferRow(plan.offer, voie_named(voie_label, [chain.shown]), chain))
    return rows
