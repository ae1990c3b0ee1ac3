"""Turn the service layer's `IndicatorResult` objects into what the figure templates show.

- `present(result, scope=..., scope_kind=...)` → `FigurePanel`: one figure (or the reason there is none) for one place;
- `present_chain([(result, scope, kind), …])` → `FigureChain`: the school → region → France fallback, the first
  panel being the one asked and `fallback` the nearest one with figures;
- `present_evolution(columns)` → `Evolution`: one row per millésime, one column per voie;
- `unasked_chain(scope, kind, voie)`: a place with no code to ask the source about.

Templates never see raw JSON nor an `IndicatorResult`: only the frozen dataclasses of `figures.models`. Every panel
carries its millésime, its cohort size and its source line; a panel without figures carries a `Missing` whose
`cause` says why, in the words of `figures.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from guidance.inserjeunes.codes import Filiere, Millesime, newest_first
from guidance.inserjeunes.results import CertificationFigures, DonneeSourceType, TerminalError
from guidance.web.figures.insersup import insersup_cause, is_insersup_question
from guidance.web.figures.models import (
    HORIZONS,
    CarriedOver,
    Evolution,
    EvolutionCell,
    EvolutionRow,
    FigureChain,
    FigurePanel,
    Horizon,
    MillesimeLink,
    Missing,
    Salaries,
    ScopeKind,
    Share,
    SourceLine,
)
from guidance.web.figures.reach import is_offline
from guidance.web.figures.wording import (
    AGRICOLE,
    MESSAGES,
    NO_FIGURES_SHORT,
    NOT_IN_MILLESIME,
    SHARE_LABELS,
    SHARE_LABELS_INSERSUP,
    SMALL_COHORT_SHORT,
    SOURCE_LABEL,
    MissingCause,
    leavers_years,
    millesime_label,
    shared_cohorts_note,
    voie_label_for,
)

# Absence names of the service layer mapped onto our causes. Read by name so that the mapping survives
# additions to the service's enum: an unknown name falls back to NO_DATA (a neutral, true message).
_ABSENCE_CAUSES: dict[str, MissingCause] = {
    "SMALL_COHORT": MissingCause.SMALL_COHORT,
    "NO_DATA_FOR_MILLESIME": MissingCause.NO_DATA_FOR_MILLESIME,
    "UNKNOWN_CERTIFICATION": MissingCause.UNKNOWN,
    "UNKNOWN_FORMATION": MissingCause.UNKNOWN,
    "UNKNOWN_SCHOOL": MissingCause.UNKNOWN,
    "NO_DATA": MissingCause.NO_DATA,
    "UNAVAILABLE": MissingCause.UNAVAILABLE,
    # The upstream refused our question: a bug of ours, logged by the service; to a visitor it is unavailability.
    "INVALID_REQUEST": MissingCause.UNAVAILABLE,
}


def _int(value: Any) -> int | None:
    if value is None:
        return None
    return int(round(value))


def absence_cause(absence: Any) -> MissingCause | None:
    """Our cause for a service `Absence` (an enum member or its name); None when there is no absence."""
    if absence is None:
        return None
    name = getattr(absence, "name", str(absence)).upper()
    return _ABSENCE_CAUSES.get(name, MissingCause.NO_DATA)


def millesime_links(values: Iterable[str], current: str | None = None) -> tuple[MillesimeLink, ...]:
    """Links to each millésime, newest first, the current one flagged, named by the years of leaving they count."""
    return tuple(MillesimeLink(v, leavers_years(v), v == current) for v in newest_first(values))


def missing(cause: MissingCause, *, millesimes: Sequence[MillesimeLink] = (), cohort: int | None = None) -> Missing:
    title, text = MESSAGES[cause]
    return Missing(cause=cause, title=title, text=text, millesimes=tuple(millesimes), cohort=cohort)


def shares(
    values: Iterable[tuple[str, float | None, float | None]], labels: Mapping[str, tuple[str, str]] = SHARE_LABELS
) -> tuple[Share, ...]:
    """The three 6-month shares [(key, rate, count)…] with their drawing (x, width in a 0–100 box); `labels` are
    InserJeunes' words, or InserSup's for its records."""
    shares, x = [], 0.0
    for key, rate, count in values:
        rate = _int(rate)
        # Rates are rounded separately and may add up to 101: clamp the drawing, never the written number.
        width = max(0.0, min(float(rate or 0), 100.0 - x))
        label, explanation = labels[key]
        shares.append(Share(key, label, explanation, rate, _int(count), x, width))
        x += width
    return tuple(shares)


def _shares(figures: CertificationFigures) -> tuple[Share, ...]:
    insersup = figures.filiere_kind is Filiere.SUPERIEUR
    return shares(
        (
            ("emploi", figures.taux_en_emploi_6_mois, figures.nb_en_emploi_6_mois),
            ("formation", figures.taux_en_formation, figures.nb_poursuite_etudes),
            ("autres", figures.taux_autres_6_mois, None),
        ),
        SHARE_LABELS_INSERSUP if insersup else SHARE_LABELS,
    )


def _horizons(figures: CertificationFigures) -> tuple[Horizon, ...]:
    return tuple(
        Horizon(
            months=months,
            employment_rate=_int(getattr(figures, f"taux_en_emploi_{months}_mois")),
            employment_count=_int(getattr(figures, f"nb_en_emploi_{months}_mois")),
            other_rate=_int(getattr(figures, f"taux_autres_{months}_mois")),
            not_yet_measured=figures.is_absent(f"taux_en_emploi_{months}_mois"),
        )
        for months in HORIZONS
    )


def _salaries(figures: CertificationFigures) -> Salaries | None:
    if not figures.has_salaries:  # never for a small cohort (see results._Stats.has_salaries)
        return None
    median = _int(figures.salaire_12_mois_q2)
    if median is None:  # has_salaries says there is one
        return None
    return Salaries(
        q1=_int(figures.salaire_12_mois_q1),
        median=median,
        q3=_int(figures.salaire_12_mois_q3),
    )


def _carried_over(figures: CertificationFigures) -> CarriedOver | None:
    source = figures.donnee_source
    if source is None or not source.is_carried_over:
        return None
    return CarriedOver(
        code=source.code_certification,
        is_former=source.type is DonneeSourceType.ANCIENNE,
        is_known=source.type in (DonneeSourceType.ANCIENNE, DonneeSourceType.NOUVELLE),
    )


def _panel_from_figures(
    figures: CertificationFigures, *, scope: str, scope_kind: ScopeKind, voie: str, common: dict[str, Any]
) -> FigurePanel:
    millesime = Millesime(figures.millesime) if figures.millesime else None
    cohort = _int(figures.nb_annee_term)
    filiere = getattr(figures, "filiere", "") or ""
    base = {
        "scope": scope,
        "scope_kind": scope_kind,
        "voie": voie_label_for(voie, filiere),
        "filiere": filiere,
        "millesime": millesime,
        "cohort": cohort,
        "leavers": _int(figures.nb_sortant),
        "in_study": _int(figures.nb_poursuite_etudes),
        "carried_over": _carried_over(figures),
        "is_closed": bool(figures.formation_fermee),
        "absent": figures.absent_fields,
        **common,
    }
    if figures.has_terminales:
        base["terminales"] = tuple(
            _terminal_panel(
                entry, scope=scope, scope_kind=scope_kind, voie=voie, common=common, current=figures.millesime
            )
            for entry in figures.certifications_terminales
        )
        return FigurePanel(**base)
    if figures.too_few_learners:
        return FigurePanel(**base, missing=missing(MissingCause.SMALL_COHORT, cohort=cohort))
    if figures.taux_en_emploi_6_mois is None and figures.taux_en_formation is None:
        return FigurePanel(**base, missing=missing(MissingCause.NO_DATA))
    return FigurePanel(
        **base,
        shares=_shares(figures),
        horizons=_horizons(figures),
        salaries=_salaries(figures),
        contract_breaks=_int(figures.taux_rupture_contrats),
    )


def _terminal_panel(
    entry: CertificationFigures | TerminalError,
    *,
    scope: str,
    scope_kind: ScopeKind,
    voie: str,
    common: dict,
    current: str | None,
) -> FigurePanel:
    if isinstance(entry, TerminalError):
        # The entry's `millesimes` echo the millésime that was asked, split into years (upstream stats.js
        # statsAnneeTerminale), not the ones available: offering them as links would send the visitor to pages
        # that may not exist. The page's own millésime links stay the way to another promotion.
        cause = MissingCause.NO_DATA_FOR_MILLESIME if entry.error == "ErrorNoDataForMillesime" else MissingCause.NO_DATA
        return FigurePanel(
            scope=scope,
            scope_kind=scope_kind,
            voie=voie,
            speciality=entry.libelle or entry.code_certification,
            speciality_code=entry.code_certification,
            missing=missing(cause),
            source=common.get("source"),
        )
    panel = _panel_from_figures(entry, scope=scope, scope_kind=scope_kind, voie=voie, common=common)
    return replace(
        panel, speciality=entry.libelle or entry.code_certification, speciality_code=entry.code_certification
    )


def agricultural_regions(panels: Sequence[FigurePanel]) -> tuple[FigurePanel, ...]:
    """The panels of one voie, once a record of it says `agricole`: each named as the agricultural voie, and a
    region's "no data" said for what it is. The source's regional figures leave agricultural trainings out
    (December 2025): the gap is not this training's in this region, and the visitor is sent to the French figures."""
    if not any(panel.is_agricole for panel in panels):
        return tuple(panels)
    gaps = (MissingCause.NO_DATA, MissingCause.UNKNOWN)
    named = [replace(panel, voie=voie_label_for(panel.voie, AGRICOLE)) for panel in panels]
    return tuple(
        replace(panel, missing=missing(MissingCause.NOT_REGIONAL_AGRICOLE))
        if panel.scope_kind is ScopeKind.REGION and panel.missing is not None and panel.missing.cause in gaps
        else panel
        for panel in named
    )


def voie_named(label: str, panels: Iterable[FigurePanel | None]) -> str:
    """The label of a voie (a heading, a table cell) once its figures are known: agricultural when a record of it
    says so (`wording.voie_label_for`), else `label` as the catalogue names it."""
    agricole = any(panel is not None and panel.is_agricole for panel in panels)
    return voie_label_for(label, AGRICOLE) if agricole else label


def name_specialities(panel: FigurePanel, names: Mapping[str, tuple[str, str]]) -> FigurePanel:
    """The same panel with its specialities (seconde commune) named from the catalogue: {code: (label, url)}.

    The source's labels are raw BCN abbreviations (`TLEPRO BOULANGER-PÂTISSIER`); ours are readable and linked.
    """
    if not panel.terminales:
        return panel
    named = []
    for sub in panel.terminales:
        label, url = names.get(sub.speciality_code, (sub.speciality, ""))
        named.append(replace(sub, speciality=label, speciality_url=url))
    return replace(panel, terminales=tuple(named))


def present(
    result: Any,
    *,
    scope: str,
    scope_kind: ScopeKind | str,
    voie: str = "",
    is_new_formation: bool = False,
) -> FigurePanel:
    """One panel for one `IndicatorResult`.

    `scope` is the place as a visitor reads it ("France", "Bretagne", a school name). `is_new_formation` (from the
    catalogue: opened too recently to have a finished cohort) turns a "no data" / "unknown" absence into the
    "new training" message, which is the true reason in that case.
    """
    scope_kind = ScopeKind(scope_kind)
    figures = result.figures
    current = figures.millesime if figures is not None else _asked_millesime(result)
    links = millesime_links(result.available_millesimes or (), current)
    source = SourceLine(
        label=str(result.source or SOURCE_LABEL),
        millesime_label=millesime_label(current) if current else "",
        fetched_at=result.fetched_at,
        is_stale=bool(result.is_stale),
        notes=_notes(figures),
    )
    common: dict[str, Any] = {"source": source, "millesimes": links}
    if figures is not None and isinstance(figures, CertificationFigures):
        return _panel_from_figures(figures, scope=scope, scope_kind=scope_kind, voie=voie, common=common)
    cause = absence_cause(result.absence) or MissingCause.NO_DATA
    if is_new_formation and cause in (MissingCause.NO_DATA, MissingCause.UNKNOWN):
        cause = MissingCause.NEW_FORMATION
    elif scope_kind is ScopeKind.SCHOOL and cause in (MissingCause.NO_DATA, MissingCause.UNKNOWN) and is_offline():
        cause = MissingCause.SCHOOL_OFFLINE  # the open data hold none: not a gap of this school's
    elif is_insersup_question(result):  # InserSup's own words (figures.insersup)
        cause = insersup_cause(cause)
    offered = tuple(link for link in links if not link.is_current)
    return FigurePanel(
        scope=scope,
        scope_kind=scope_kind,
        voie=voie,
        millesime=Millesime(current) if current else None,
        missing=missing(cause, millesimes=offered if cause is MissingCause.NO_DATA_FOR_MILLESIME else ()),
        **common,
    )


def _notes(figures: Any) -> tuple[str, ...]:
    # Small cohorts have their own message; the source's wording for them would say it twice.
    if figures is None or getattr(figures, "too_few_learners", False):
        return ()
    meta = getattr(figures, "meta", None)
    return tuple(meta.messages) if meta is not None else ()


def _asked_millesime(result: Any) -> str | None:
    millesime = getattr(getattr(result, "question", None), "millesime", None)
    return str(millesime) if millesime else None


def present_chain(
    results: Sequence[tuple[Any, str, ScopeKind | str]], *, voie: str = "", is_new_formation: bool = False
) -> FigureChain:
    """The fallback chain: `results` is [(result, scope, scope_kind), …] from the most local to France.

    The first entry is the figure asked. When it has no figures, the first later entry that has some becomes
    `fallback` (the template labels it "à défaut, …"); when none has, there is no fallback and the asked panel's
    message stands alone.
    """
    if not results:
        raise ValueError("present_chain needs at least the figure asked")
    return chain_of(
        [
            present(result, scope=scope, scope_kind=kind, voie=voie, is_new_formation=is_new_formation)
            for result, scope, kind in results
        ]
    )


def chain_of(panels: Sequence[FigurePanel]) -> FigureChain:
    """The fallback rule on panels already presented, most local first: the first is the one asked; when it has
    no figures, the first later one that has some is the fallback."""
    asked = panels[0]
    if asked.has_any_figures:
        return FigureChain(asked=asked)
    fallback = next((panel for panel in panels[1:] if panel.has_any_figures), None)
    return FigureChain(asked=asked, fallback=fallback)


def evolution_cell(result: Any) -> EvolutionCell:
    figures = result.figures
    if figures is None or not isinstance(figures, CertificationFigures):
        cause = absence_cause(result.absence) or MissingCause.NO_DATA
        return EvolutionCell(None, None, None, MESSAGES[cause][0])
    cohort = _int(figures.nb_annee_term)
    if figures.too_few_learners:
        return EvolutionCell(None, None, cohort, SMALL_COHORT_SHORT)
    if figures.taux_en_emploi_6_mois is None and figures.taux_en_formation is None:
        return EvolutionCell(None, None, cohort, NO_FIGURES_SHORT)
    return EvolutionCell(_int(figures.taux_en_emploi_6_mois), _int(figures.taux_en_formation), cohort, "")


def present_evolution(columns: Sequence[tuple[str, dict[str, Any]]]) -> Evolution:
    """`columns` is [(column label, {millésime: IndicatorResult}), …].

    Rows are the union of the millésimes, newest first; a voie without that millésime gets a dash.
    """
    all_millesimes = newest_first(m for _, by_millesime in columns for m in by_millesime)
    rows = tuple(
        EvolutionRow(
            millesime=millesime_label(m),
            cells=tuple(
                evolution_cell(by_millesime[m])
                if m in by_millesime
                else EvolutionCell(None, None, None, NOT_IN_MILLESIME)
                for _, by_millesime in columns
            ),
        )
        for m in all_millesimes
    )
    sources = [str(r.source) for _, by_millesime in columns for r in by_millesime.values() if r.source]
    return Evolution(
        columns=tuple(label for label, _ in columns),
        rows=rows,
        source=sources[0] if sources else SOURCE_LABEL,
        shared_cohorts=shared_cohorts_note(all_millesimes),
    )


def unasked_chain(scope: str, scope_kind: ScopeKind, voie: str) -> FigureChain:
    """A place whose training has no code in that voie (no final year in the catalogue): nothing to ask."""
    source = SourceLine(label=SOURCE_LABEL, millesime_label="", fetched_at=None, is_stale=False)
    return FigureChain(FigurePanel(scope, scope_kind, voie, missing=missing(MissingCause.UNKNOWN), source=source))
