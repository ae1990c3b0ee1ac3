"""Where a school's figures come from (apprentissage): the lieu de formation, the formateur or the gestionnaire."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from guidance.catalog.models import School
from guidance.web.figures.wording import UAI_TYPE_LABELS


@dataclass(frozen=True)
class UaiMention:
    uai: str
    school: School | None  # when the catalogue knows it (to link its page)

    @property
    def name(self) -> str:
        return self.school.display_name if self.school else ""


@dataclass(frozen=True)
class Provenance:
    """What the source says about which organisation the school's figures describe."""

    data_type_label: str  # "le lieu de formation"…; "" when the source does not say
    data_uai: UaiMention | None  # the organisation whose figures these are, when another one than the school
    lieux: tuple[UaiMention, ...]
    formateurs: tuple[UaiMention, ...]
    gestionnaires: tuple[UaiMention, ...]
    other_name: str  # libelle_etablissement when the figures come from another organisation

    @property
    def is_other_organisation(self) -> bool:
        return self.data_uai is not None


def _is_school_figures(figures) -> bool:
    return figures is not None and hasattr(figures, "uai_donnee_type")


def provenance(figures, known: dict[str, School]) -> Provenance | None:
    """From SchoolFigures (or None): which organisation the figures describe, the related UAIs named when known."""
    if not _is_school_figures(figures):
        return None

    def mentions(uais: Iterable[str]) -> tuple[UaiMention, ...]:
        return tuple(UaiMention(uai, known.get(uai)) for uai in uais)

    data_type = figures.uai_donnee_type.value if figures.uai_donnee_type else ""
    other = figures.figures_from_other_uai
    return Provenance(
        data_type_label=UAI_TYPE_LABELS.get(data_type, ""),
        data_uai=UaiMention(figures.uai_donnee, known.get(figures.uai_donnee)) if other else None,
        lieux=mentions(figures.uai_lieu_formation),
        formateurs=mentions(figures.uai_formateur),
        gestionnaires=mentions(figures.uai_gestionnaire),
        other_name=(figures.libelle_etablissement or "") if other else "",
    )


def related_uais(figures_list: Iterable) -> set[str]:
    """The UAIs the figures mention (to name them from the catalogue in one query)."""
    uais: set[str] = set()
    for figures in figures_list:
        if not _is_school_figures(figures):
            continue
        uais.update(figures.uai_lieu_formation, figures.uai_formateur, figures.uai_gestionnaire)
        if figures.uai_donnee:
            uais.add(figures.uai_donnee)
    return uais
