"""Every French sentence the site writes about figures, once: a cause gets the same words on every page.

Templates and presenters read these constants and functions; no other module of `guidance.web` writes a sentence
about why a figure is missing, where a fallback figure comes from, or what a voie is called.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from guidance.catalog.models import SUPERIEUR, Formation, Voie
from guidance.indicators import peers
from guidance.inserjeunes.codes import Certification
from guidance.inserjeunes.results import SMALL_COHORT_THRESHOLD

SOURCE_LABEL = "InserJeunes (ministère de l’Éducation nationale – DEPP, ministère du Travail – DARES)"
INSERSUP_SOURCE_LABEL = "InserSup (ministère de l’Enseignement supérieur – SIES)"
DEPP_SOURCE = "InserJeunes, indicateurs par établissement (ministère de l’Éducation nationale – DEPP)"

VOIE_LABELS: dict[str, str] = dict(Voie.choices)
# A higher-education diploma has one set of figures, InserSup's: named so where a voie is named (compare, cards).
VOIE_LABELS[SUPERIEUR] = "Enseignement supérieur"
# Agricultural trainings (lycées agricoles) are published under their own filière since December 2025.
AGRICOLE = "agricole"
AGRICOLE_LABEL = "Voie scolaire agricole"


def voie_label_for(label: str, filiere: str | None) -> str:
    """The voie as a visitor reads it, corrected by the record's `filiere`: an agricultural training is named as
    such ("Voie scolaire agricole", a cursus suffix kept), never as the general voie scolaire."""
    if filiere != AGRICOLE or label.startswith(AGRICOLE_LABEL) or label.endswith("(enseignement agricole)"):
        return label  # not agricultural, or already named so
    scolaire = VOIE_LABELS[Voie.SCOLAIRE]
    if not label or label.startswith(scolaire):
        return AGRICOLE_LABEL + label[len(scolaire) :] if label else AGRICOLE_LABEL
    return f"{label} (enseignement agricole)"


def cursus_labels(
    formation: Formation, certifications: Sequence[tuple[str, Certification]]
) -> dict[Certification, str]:
    """ "Voie scolaire", or, when a voie has several codes, what tells them apart: the length of the cursus
    ("Voie scolaire, cursus en 2 ans"), else its rank ("Voie scolaire, cursus 2").
    `formation.mefs` prefetched keeps it query-free."""
    mefs = {mef.mefstat11: mef for mef in formation.mefs.all()}
    labels = {}
    for voie in dict.fromkeys(v for v, _ in certifications):
        certs = [cert for v, cert in certifications if v == voie]
        base = VOIE_LABELS.get(voie, voie)
        durations = [getattr(mefs.get(cert.code), "duration_years", None) for cert in certs]
        distinct = len(certs) > 1 and None not in durations and len(set(durations)) == len(durations)
        for number, (cert, years) in enumerate(zip(certs, durations, strict=True), start=1):
            if len(certs) == 1:
                labels[cert] = base
            elif distinct:
                labels[cert] = f"{base}, cursus en {years} an{'s' if (years or 0) > 1 else ''}"
            else:
                labels[cert] = f"{base}, cursus {number}"  # its code stays in exports, never in a sentence
    return labels


def voie_label_of(formation: Formation, voie: str, cert: Certification | None) -> str:
    """The label of one figure of `formation` in `voie` (a card, a compare column, a school's block): the voie,
    with the cursus it describes when the voie has several, so that a 1-year cursus is never read as the voie."""
    if cert is None:
        return VOIE_LABELS.get(voie, voie)
    return cursus_labels(formation, formation.certifications()).get(cert, VOIE_LABELS.get(voie, voie))


# A diploma with no code in a voie: nothing to ask the source, and the page says why.
NOT_OFFERED: dict[str, str] = {
    Voie.SCOLAIRE: "Ce diplôme ne se prépare pas en voie scolaire (aucune classe de dernière année n’existe pour lui "
    "dans la nomenclature de l’Éducation nationale) : il n’y a donc pas de chiffres pour cette voie.",
    Voie.APPRENTISSAGE: "Ce diplôme n’a pas de code pour l’apprentissage : il n’y a pas de chiffres pour cette voie.",
}


class MissingCause(StrEnum):
    """Why a figure is not shown. Each cause has its own message (`MESSAGES`)."""

    SMALL_COHORT = "small_cohort"
    NO_DATA_FOR_MILLESIME = "no_data_for_millesime"
    UNKNOWN = "unknown"  # the source does not know this training (or this school)
    NEW_FORMATION = "new_formation"  # a training too recent to have a cohort that finished
    NO_DATA = "no_data"
    UNAVAILABLE = "unavailable"
    NOT_REGIONAL_AGRICOLE = "not_regional_agricole"  # regional figures leave agricultural trainings out
    INSERSUP_UNKNOWN = "insersup_unknown"  # InserSup publishes nothing for this higher-education diploma (here)
    INSERSUP_OFFLINE = "insersup_offline"  # this installation cannot reach InserSup's figures (offline replica)
    SCHOOL_OFFLINE = "school_offline"  # the open data hold no figures per school and per formation


# A renewed diploma shown with its former version's figures is not compared with the region's other diplomas.
CARRIED_OVER_NO_POSITION = (
    "Ces chiffres sont ceux de l’ancienne version du diplôme : ils ne sont pas comparés aux autres formations de la "
    "région."
)

# Said wherever a page explains why a school has no figures of its own for a formation (offline).
SCHOOL_FIGURES_OFFLINE = (
    "Les données ouvertes utilisées par ce site ne donnent pas les chiffres de chaque formation établissement par "
    "établissement."
)

# (title, explanation) of each cause.
MESSAGES: dict[MissingCause, tuple[str, str]] = {
    MissingCause.SMALL_COHORT: (
        "Moins de 20 jeunes : chiffres non publiés",
        "Moins de 20 jeunes étaient en dernière année. Sur un si petit groupe, les pourcentages ne seraient pas "
        "fiables et pourraient permettre de reconnaître quelqu’un : ils ne sont donc pas publiés.",
    ),
    MissingCause.NO_DATA_FOR_MILLESIME: (
        "Pas de chiffres pour cette promotion",
        "La source ne publie pas de chiffres pour cette promotion. Vous pouvez consulter une autre promotion.",
    ),
    MissingCause.UNKNOWN: (
        "Formation non suivie par la source",
        "InserJeunes ne suit pas cette formation à cet endroit : aucun chiffre n’existe pour elle.",
    ),
    MissingCause.NEW_FORMATION: (
        "Formation trop récente",
        "Cette formation est récente : aucune promotion ne l’a encore terminée, il n’y a donc pas encore de chiffres.",
    ),
    MissingCause.NO_DATA: (
        "Pas de chiffres disponibles",
        "La source n’a pas de chiffres pour cette formation à cet endroit.",
    ),
    MissingCause.UNAVAILABLE: (
        "Chiffres momentanément indisponibles",
        "Nous n’arrivons pas à joindre la source des chiffres pour le moment. Réessayez dans quelques minutes.",
    ),
    MissingCause.NOT_REGIONAL_AGRICOLE: (
        "Pas de chiffres régionaux pour l’enseignement agricole",
        "La source publie les chiffres de l’enseignement agricole pour la France et pour chaque lycée, mais pas par "
        "région : comparez avec ceux de la France.",
    ),
    MissingCause.INSERSUP_UNKNOWN: (
        "Pas de chiffres publiés pour ce diplôme",  # lower-cased on cards: no proper noun here
        "InserSup, qui suit les étudiants du supérieur, ne publie pas de chiffres pour ce diplôme à cet endroit : "
        "il ne suit pas encore toutes les formations, ou trop peu d’étudiants l’ont terminé.",
    ),
    MissingCause.SCHOOL_OFFLINE: (
        "Pas de chiffres par établissement dans les données ouvertes",
        SCHOOL_FIGURES_OFFLINE,
    ),
    MissingCause.INSERSUP_OFFLINE: (
        "Chiffres du supérieur non disponibles ici",
        "Les chiffres de ce diplôme viennent d’InserSup (ministère de l’Enseignement supérieur), par l’API "
        "InserJeunes : ils ne sont pas disponibles dans cette installation du site.",
    ),
}

# The short reasons of a table cell (evolution table, compare table, CSV export).
SMALL_COHORT_SHORT = f"moins de {SMALL_COHORT_THRESHOLD} jeunes"
NO_FIGURES_SHORT = "pas de chiffres"
NOT_IN_MILLESIME = "—"  # a voie without that promotion in the evolution table
NOT_PUBLISHED = "Non publié par la source"
NOT_YET_MEASURED = "Pas encore mesuré"
BY_SPECIALITY = "Chiffres publiés par spécialité : voir la page de la formation"
BY_SPECIALITY_BELOW = "Chiffres publiés pour chaque spécialité : voir plus bas, après la dernière année."

# The counts under a figure, in the order shown: (source field, label). `taux_rupture_contrats` is a percentage.
COUNT_LABELS: tuple[tuple[str, str], ...] = (
    ("nb_annee_term", "Jeunes en dernière année"),
    ("nb_poursuite_etudes", "Poursuivent des études"),
    ("nb_sortant", "Sortis de formation"),
    ("taux_rupture_contrats", "Contrats d’apprentissage rompus"),
)

SHARE_LABELS: dict[str, tuple[str, str]] = {
    "emploi": (
        "En emploi",
        "Salarié ou salariée dans le privé ou le public (hors indépendants), 6 mois après la sortie.",
    ),
    "formation": (
        "En formation",
        "Continue ses études ou une autre formation (y compris en apprentissage) l’année suivante.",
    ),
    "autres": (
        "Autres situations",
        "Ni en emploi salarié ni en formation : en recherche d’emploi, indépendant, à l’étranger, inactif…",
    ),
}

# InserSup's three situations (its students of the final year of a higher-education diploma, `superieur` records).
SHARE_LABELS_INSERSUP: dict[str, tuple[str, str]] = {
    "emploi": (
        "En emploi",
        "A quitté ses études et occupe un emploi salarié en France (privé ou public, hors indépendants), 6 mois "
        "après le diplôme.",
    ),
    "formation": ("Continue ses études", "Est de nouveau inscrit dans l’enseignement supérieur l’année suivante."),
    "autres": (
        "Autres situations",
        "A quitté ses études sans emploi salarié en France : en recherche d’emploi, indépendant, à l’étranger…",
    ),
}

# Where a school's figures come from (apprentissage): which organisation the source describes.
UAI_TYPE_LABELS = {
    "lieu_formation": "le lieu de formation",
    "formateur": "l’organisme formateur",
    "gestionnaire": "l’organisme gestionnaire",
}


def fallback_sentence(scope: str, *, is_france: bool) -> str:
    """The one wording of a fallback figure: where it comes from, when the place asked has none."""
    if is_france:
        return "À défaut : la même formation dans toute la France"
    return f"À défaut : la même formation dans la région {scope}"


def millesime_label(value: str) -> str:
    """`2022_2023` → `2022-2023`: the millésime as a code (exports, data attributes); sentences use `leavers_*`."""
    return value.replace("_", "-")


# --- Which leavers a millésime counts: the one wording of every page -------------------------------------------


def leavers_years(millesime: object) -> str:
    """The years of leaving a millésime counts: `2023` → "2023"; a period `2022_2023` (or its label `2022-2023`)
    → "2022 et 2023", two cohorts added together ("" without a millésime)."""
    value = str(millesime or "")
    if not value:
        return ""
    first, last = value[:4], value[-4:]
    return last if first == last else f"{first} et {last}"


def leavers_sentence(millesime: object) -> str:
    """ "jeunes sortis en 2023", "jeunes sortis en 2022 et 2023" — never "promotion 2023" for a period."""
    years = leavers_years(millesime)
    return f"jeunes sortis en {years}" if years else ""


def leavers_note(millesime: object) -> str:
    """The line under a figure: which leavers it counts, and that a period adds two cohorts together."""
    sentence = leavers_sentence(millesime)
    if " et " in sentence:
        return f"Chiffres des {sentence} (deux années de sortie additionnées)"
    return f"Chiffres des {sentence}" if sentence else ""


def millesime_source(source: str, millesime: object) -> str:
    """ "Source : …, millésime 2022_2023 (jeunes sortis en 2022 et 2023)": a list-based figure's source line."""
    return f"Source : {source}, millésime {millesime} ({leavers_sentence(millesime)})"


def position_source(millesime: object) -> str:
    """The source line of a position among the region's peers (`peers.position_for`)."""
    return f"{millesime_source(peers.SOURCE, millesime)} ; {peers.POSITION_LIMITS}."


def shared_cohorts_note(millesimes: Iterable[object]) -> str:
    """Under an evolution table: two successive periods share one cohort (`2021_2022` and `2022_2023` both count
    the leavers of 2022), so their figures are not independent ("" when no two rows overlap)."""
    periods = sorted({str(m) for m in millesimes if "_" in str(m)}, key=lambda m: m[-4:], reverse=True)
    pairs = [(new, old) for new, old in zip(periods, periods[1:], strict=False) if old[-4:] == new[:4]]
    if not pairs:
        return ""
    newer, older = pairs[0]
    return (
        f"Deux lignes qui se suivent ont une année de sortie en commun : « {leavers_years(older)} » et "
        f"« {leavers_years(newer)} » comptent toutes deux les {leavers_sentence(newer[:4])}. Leurs chiffres se "
        "recouvrent donc en partie ; pour voir une vraie évolution, comparez deux lignes qui n’ont pas d’année en "
        "commun."
    )


# --- DEPP value added in one sentence --------------------------------------------------------------------------


def signed(value: float) -> str:
    """+4, −7 (a real minus sign), 0."""
    number = round(value)
    return "0" if number == 0 else f"{'+' if number > 0 else '−'}{abs(number)}"


def _points(value: float) -> str:
    return f"{signed(value)}\u00a0point{'s' if abs(round(value)) > 1 else ''}"


def _pct(value: float) -> str:
    return f"{round(value)}\u202f%"


def value_added_sentence(rate: float | None, expected: float | None, value_added: float | None) -> str:
    """The DEPP value added in one plain sentence, with its numbers ("" when they are missing)."""
    if rate is None or expected is None:
        return ""
    value_added = value_added if value_added is not None else rate - expected
    comparison = "plus que" if round(value_added) > 0 else "moins que" if round(value_added) < 0 else "autant que"
    return (
        f"Six mois après leur sortie, {_pct(rate)} des jeunes sortis de l’établissement "
        f"avaient un emploi, contre {_pct(expected)} attendus pour des jeunes de même profil (âge, sexe, "
        f"formation suivie, origine sociale) dans une zone d’emploi comparable : c’est {comparison} prévu, "
        f"soit une valeur ajoutée de {_points(value_added)}."
    )


LICENCE = "Licence Ouverte / Etalab 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
# What a page that reuses our figures must keep next to them (the licence's attribution).
ATTRIBUTION = f"Source : InserJeunes (DEPP, DARES), {LICENCE}"
INSERSUP_ATTRIBUTION = f"Source : InserSup (MESR-SIES), {LICENCE}"


# --- The answer block (figures.answer): one sentence per fact ----------------------------------------------------

# The three situations out of 10 young people, each with its verb in the singular and the plural.
_PEOPLE_WORDS = {
    "emploi": ("travaille", "travaillent"),
    "formation": ("continue ses études", "continuent leurs études"),
    "autres": ("est dans une autre situation", "sont dans une autre situation"),
}
# Whom the pictogram counts: InserJeunes divides its three shares by every learner of the final year.
PEOPLE_INTRO = "Sur 10 jeunes en dernière année, 6 mois après"
LEAVERS_DEFINITION = "Les jeunes sortis de formation sont ceux qui ne continuent pas leurs études."
SALARIES_OFFLINE = (
    "Salaires : les données ouvertes utilisées par ce site n’en contiennent pas, ils ne sont pas affichés."
)
SALARIES_NOT_PUBLISHED = "Salaires : la source n’en publie pas pour ces jeunes."
NOT_YET_MEASURED_ANY = "pas encore mesuré pour les promotions publiées"
VOIES_DIFFER = (
    "Pourquoi l’apprentissage et la voie scolaire n’ont pas les mêmes chiffres : un apprenti travaille déjà dans une "
    "entreprise pendant sa formation et y est souvent embauché ensuite, alors qu’en voie scolaire beaucoup de jeunes "
    "continuent leurs études après le diplôme."
)
PEER_WORD_INTRO = "Par rapport aux formations comparables de la région, ce taux est"


def people_sentence(counts: Iterable[tuple[str, int]]) -> str:
    """ "2 travaillent, 6 continuent leurs études et 2 sont dans une autre situation" (a count of 0 is left out)."""
    parts = [f"{count} {_PEOPLE_WORDS[key][count > 1]}" for key, count in counts if count]
    return ", ".join(parts[:-1]) + " et " + parts[-1] if len(parts) > 1 else "".join(parts)
