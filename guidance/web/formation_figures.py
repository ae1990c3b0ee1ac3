"""The figures of a formation page: which questions to ask the service, asked together, and presented.

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

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse

from guidance.catalog.models import Formation, Mef, Offer, Voie
from guidance.indicators.service import IndicatorResult, Question, get_many
from guidance.inserjeunes.codes import (
    Certification,
    CodeKind,
    InvalidCode,
    Millesime,
    Region,
    parse_uai,
    region_from_code,
)
from guidance.web.presenters import (
    Evolution,
    FigureChain,
    FigurePanel,
    MillesimeLink,
    ScopeKind,
    millesime_links,
    name_specialities,
    present,
    present_chain,
    present_evolution,
)

EVOLUTION_DEPTH = 4  # promotions shown in the evolution table (the open data holds four regional periods)
VOIE_LABELS = dict(Voie.choices)
NOT_OFFERED = {
    Voie.SCOLAIRE: "Ce diplôme ne se prépare pas en voie scolaire (aucune classe de dernière année n’existe pour lui "
    "dans la nomenclature de l’Éducation nationale) : il n’y a donc pas de chiffres pour cette voie.",
    Voie.APPRENTISSAGE: "Ce diplôme n’a pas de code pour l’apprentissage : il n’y a pas de chiffres pour cette voie.",
}


def previous_millesime(value: str) -> str:
    """The promotion before `value`: `2022_2023` → `2021_2022`, `2024` → `2023`."""
    if "_" in value:
        first, last = value.split("_")
        return f"{int(first) - 1}_{int(last) - 1}"
    return str(int(value) - 1)


def national_millesime(millesime: Millesime | None) -> Millesime | None:
    """National figures are per year of leaving: a period asked (`2022_2023`) means its last year (`2023`)."""
    return Millesime(str(millesime.last_year)) if millesime else None


def regional_millesime(millesime: Millesime | None) -> Millesime | None:
    """Regional and school figures cumulate two years: a year asked (`2023`) means the period ending with it."""
    return Millesime(f"{millesime.last_year - 1}_{millesime.last_year}") if millesime else None


def is_new_formation(formation: Formation, today: datetime.date | None = None) -> bool:
    """Opened so recently that no promotion has finished it and been followed for 6 months yet."""
    if formation.opened_on is None:
        return False
    today = today or datetime.date.today()
    return formation.opened_on.year + (formation.duration_years or 1) >= today.year


class Answers:
    """The results of a page, each distinct question asked once, in as few `get_many` rounds as possible:
    questions known early are `plan`ned and go with the next `ask`."""

    def __init__(self) -> None:
        self._results: dict[Question, IndicatorResult] = {}
        self._planned: list[Question] = []
        self.rounds = 0

    def plan(self, questions: Iterable[Question]) -> None:
        self._planned.extend(questions)

    def ask(self, questions: Iterable[Question] = ()) -> None:
        missing = list(dict.fromkeys(q for q in [*self._planned, *questions] if q not in self._results))
        self._planned.clear()
        if missing:
            self.rounds += 1
            self._results.update(zip(missing, get_many(missing), strict=True))

    def __getitem__(self, question: Question) -> IndicatorResult:
        return self._results[question]

    def __len__(self) -> int:
        return len(self._results)


@dataclass(frozen=True)
class VoiePanels:
    """One voie of the devenir: a panel per certification of that voie (usually one)."""

    voie: str
    label: str
    france: tuple[FigurePanel, ...]
    region: tuple[FigurePanel, ...]
    # Set when the diploma has no code in this voie (no final-year MEFSTAT11 in the BCN for the voie scolaire).
    not_offered: str = ""


@dataclass(frozen=True)
class FormationFigures:
    voies: tuple[VoiePanels, ...]
    region: Region | None
    millesimes: tuple[MillesimeLink, ...]
    millesime_label: str  # the promotion shown (asked, or the latest)
    evolution: Evolution
    questions: int  # distinct questions asked (for tests and measurements)
    hidden_codes: tuple[str, ...] = ()  # codes of a voie left out because the source has no figures for them

    @property
    def has_any_figure(self) -> bool:
        return any(panel.has_figures or panel.terminales for voie in self.voies for panel in voie.france + voie.region)

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
        certifications = [(Voie.SCOLAIRE.value, Certification(CodeKind.MEFSTAT11, m)) for m in secondes] + [
            (voie, cert) for voie, cert in certifications if voie != Voie.SCOLAIRE
        ]
    return certifications


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


def _labels(formation: Formation, certifications: Sequence[tuple[str, Certification]]) -> dict[Certification, str]:
    """ "Voie scolaire", or, when a voie has several codes, what tells them apart (the length of the cursus)."""
    mefs = {mef.mefstat11: mef for mef in formation.mefs.all()}  # prefetched by the view
    labels = {}
    for voie in dict.fromkeys(v for v, _ in certifications):
        certs = [cert for v, cert in certifications if v == voie]
        base = VOIE_LABELS.get(voie, voie)
        durations = [getattr(mefs.get(cert.code), "duration_years", None) for cert in certs]
        distinct = len(certs) > 1 and None not in durations and len(set(durations)) == len(durations)
        for cert, years in zip(certs, durations, strict=True):
            if len(certs) == 1:
                labels[cert] = base
            elif distinct:
                labels[cert] = f"{base}, cursus en {years} an{'s' if years > 1 else ''}"
            else:
                labels[cert] = f"{base} ({cert.code})"
    return labels


def build_formation_figures(
    formation: Formation,
    certifications: Sequence[tuple[str, Certification]],
    *,
    region: Region | None,
    millesime: Millesime | None,
    answers: Answers,
) -> FormationFigures:
    """The devenir of `formation` in France and in `region`, per voie, and its evolution across promotions."""
    is_new = is_new_formation(formation)
    millesime = national_millesime(millesime)
    in_region = regional_millesime(millesime)
    latest = {cert: Question.national(cert) for _, cert in certifications}
    national = {cert: Question.national(cert, millesime) for _, cert in certifications}
    regional = {cert: Question.regional(cert, region, in_region) for _, cert in certifications} if region else {}
    answers.ask([*latest.values(), *national.values(), *regional.values()])
    all_certifications, certifications = certifications, _kept(certifications, latest, answers)
    hidden = [cert.code for _, cert in all_certifications if (_, cert) not in certifications]
    labels = _labels(formation, certifications)

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
            same = latest_figures is not None and latest_figures.millesime == anchor
            by_millesime[anchor] = latest[cert] if same else Question.national(cert, Millesime(anchor))
            value = anchor
            for _ in range(EVOLUTION_DEPTH - 1):
                value = previous_millesime(value)
                by_millesime[value] = Question.national(cert, Millesime(value))
        evolution_questions[cert] = by_millesime
    answers.ask(q for by_m in evolution_questions.values() for q in by_m.values())

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

    shown = str(millesime) if millesime else _first_known_latest(answers, latest.values())
    names = speciality_names(answers[q] for q in [*national.values(), *regional.values()])

    def panel(result: IndicatorResult, scope: str, kind: str, cert: Certification) -> FigurePanel:
        presented = present(result, scope=scope, scope_kind=kind, voie=labels[cert], is_new_formation=is_new)
        return name_specialities(presented, names)

    voies = []
    for voie in Voie.values:
        certs = [cert for v, cert in certifications if v == voie]
        label = VOIE_LABELS.get(voie, voie)
        if not certs:
            voies.append(VoiePanels(voie, label, (), (), not_offered=NOT_OFFERED.get(voie, "")))
            continue
        france = tuple(panel(answers[national[c]], "France", "france", c) for c in certs)
        here = tuple(panel(answers[regional[c]], region.nom, "region", c) for c in certs) if region else ()
        voies.append(VoiePanels(voie, label, france, here))
    return FormationFigures(
        voies=tuple(voies),
        region=region,
        millesimes=millesime_links(known, shown),
        millesime_label=shown.replace("_", "-") if shown else "",
        evolution=evolution,
        questions=len(answers),
        hidden_codes=tuple(hidden),
    )


def _latest_millesime(result: IndicatorResult) -> str | None:
    if result.figures is not None and getattr(result.figures, "millesime", None):
        return result.figures.millesime
    available = sorted(result.available_millesimes, key=lambda v: (v[-4:], v), reverse=True)
    return available[0] if available else None


def _first_known_latest(answers: Answers, questions: Iterable[Question]) -> str | None:
    values = [m for q in questions if (m := _latest_millesime(answers[q]))]
    return max(values, key=lambda v: (v[-4:], v)) if values else None


# --- The schools of the visible page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferRow:
    offer: Offer
    voie_label: str
    chain: FigureChain | None  # None when the school's code cannot be asked about


def offer_certification(offer: Offer, certifications: Sequence[tuple[str, Certification]]) -> Certification | None:
    """The InserJeunes key of an offer: its final-year MEFSTAT11 (scolaire), the CFD (apprentissage)."""
    if offer.voie == Voie.SCOLAIRE and offer.mefstat11:
        return Certification(CodeKind.MEFSTAT11, offer.mefstat11)
    return next((cert for voie, cert in certifications if voie == offer.voie), None)


@dataclass(frozen=True)
class OfferPlan:
    offer: Offer
    chain: tuple[tuple[Question, str, str], ...]  # (question, place, scope kind), most local first; empty: no figure


def plan_offer_rows(
    offers: Sequence[Offer],
    certifications: Sequence[tuple[str, Certification]],
    *,
    millesime: Millesime | None,
    answers: Answers,
) -> list[OfferPlan]:
    """The questions of each visible offer (school, its region, France), planned to go with the page's first round."""
    plans = []
    for offer in offers:
        cert = offer_certification(offer, certifications)
        try:
            uai = parse_uai(offer.school.uai)
            region = region_from_code(offer.school.region_code) if offer.school.region_code else None
        except InvalidCode:
            uai, region = None, None
        if cert is None or uai is None:
            plans.append(OfferPlan(offer, ()))
            continue
        chain = [
            (Question.school(uai, cert, regional_millesime(millesime)), offer.school.display_name, ScopeKind.SCHOOL)
        ]
        if region is not None:
            chain.append((Question.regional(cert, region, regional_millesime(millesime)), region.nom, ScopeKind.REGION))
        chain.append((Question.national(cert, national_millesime(millesime)), "France", ScopeKind.FRANCE))
        plans.append(OfferPlan(offer, tuple(chain)))
    answers.plan(q for plan in plans for q, _, _ in plan.chain)
    return plans


def build_offer_rows(plans: Sequence[OfferPlan], *, answers: Answers) -> list[OfferRow]:
    """Each visible offer with its figure at the school, or the region then France as a labelled fallback."""
    answers.ask()  # a no-op when the page's first round already carried the planned questions
    rows = []
    for plan in plans:
        voie_label = VOIE_LABELS.get(plan.offer.voie, plan.offer.voie)
        if not plan.chain:
            rows.append(OfferRow(plan.offer, voie_label, None))
            continue
        presented = present_chain([(answers[q], scope, kind) for q, scope, kind in plan.chain], voie=voie_label)
        rows.append(OfferRow(plan.offer, voie_label, presented))
    return rows
