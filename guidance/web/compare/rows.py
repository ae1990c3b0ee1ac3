"""The compare page's rows that help choose, below the rates: how hard it is to get in (pairs), where the rate
stands in the region (formations, when a region is set), the jobs the diploma leads to. The page and the CSV
read the same `ChoiceCell` values; every value is the data layer's (`orientation`, `indicators.peers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guidance.indicators import peers
from guidance.inserjeunes.codes import Region
from guidance.orientation.jobs import JOBS_SOURCE, jobs_for_formation
from guidance.orientation.pressure import pressure_for
from guidance.web.compare.columns import Column, Row
from guidance.web.figures.models import ScopeKind
from guidance.web.figures.wording import position_source

JOBS_SHOWN = 3


@dataclass(frozen=True)
class ChoiceCell:
    lines: tuple[str, ...] = ()  # what the cell says, one sentence per source row
    source: str = ""
    reason: str = ""  # why there is nothing ("" when `lines` has something)
    value: int | None = None  # the rate a position is about (CSV)
    millesime: str = ""

    @property
    def has_value(self) -> bool:
        return bool(self.lines)


def _pressure(column: Column) -> ChoiceCell:
    if column.school is None:
        return ChoiceCell(reason="Se lit pour une formation dans un établissement.")
    found = pressure_for(column.school, column.formation, column.item.voie)
    if not found:
        return ChoiceCell(reason=found.missing_reason)
    lines = tuple(f"{row.sentence or row.source_label} : {row.reading}." for row in found.rows)
    # The file's line stays in the CSV export; a page names the source only.
    sources = ", ".join(dict.fromkeys(row.source_label for row in found.rows))
    years = ", ".join(dict.fromkeys(row.year for row in found.rows))
    return ChoiceCell(lines, f"Source : {sources}. {found.rows[0].limits}", millesime=years)


def _position(column: Column, region: Region) -> ChoiceCell:
    if column.school is not None:
        return ChoiceCell(reason="Se lit pour une formation dans la région (page de la formation).")
    panel = column.shown
    if column.chain.is_fallback or panel.scope_kind is not ScopeKind.REGION or not panel.has_figures:
        return ChoiceCell(reason=f"Pas de chiffre publié en {region.nom} pour cette voie : rien à situer.")
    cert = column.formation.certification_for(column.item.voie)
    millesime = str(panel.millesime)
    reading = peers.position_for(cert.code, region.code, column.item.voie, millesime) if cert else None
    if reading is None:
        reason = peers.no_position_reason(cert.code, region.code, column.item.voie, millesime) if cert else ""
        return ChoiceCell(reason=reason or "Position non disponible.", millesime=millesime)
    source = position_source(millesime)
    return ChoiceCell((reading.sentence,), source, value=reading.position.value, millesime=millesime)


def _jobs(jobs: list) -> ChoiceCell:
    if not jobs:
        return ChoiceCell(reason="Métiers non renseignés dans les tables officielles (Certif Info).")
    labels = tuple(job.label for job in jobs[:JOBS_SHOWN])
    more = len(jobs) - len(labels)
    if more:
        labels += (f"et {more} autre{'s' if more > 1 else ''} (page de la formation)",)
    return ChoiceCell(labels, f"Source : {JOBS_SOURCE}.")


def choice_rows(columns: Sequence[Column], region: Region | None) -> list[Row[ChoiceCell]]:
    """The rows that apply: pressure when a pair is compared, position when a region is set, jobs always."""
    rows = []
    if any(column.school is not None for column in columns):
        rows.append(Row("demandes_entree", "Demandes à l’entrée", tuple(_pressure(c) for c in columns)))
    if region is not None:
        label = f"Position en {region.nom} (emploi à 6 mois)"
        rows.append(Row("position_region", label, tuple(_position(c, region) for c in columns)))
    if columns:
        # One look-up per distinct diploma (two voies of one formation are two columns).
        jobs = {cfd: jobs_for_formation(cfd) for cfd in dict.fromkeys(c.formation.cfd for c in columns)}
        rows.append(Row("metiers", "Métiers visés", tuple(_jobs(jobs[c.formation.cfd]) for c in columns)))
    return rows
