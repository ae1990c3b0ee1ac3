"""What the search indexes for each row (`search_text`), in sections (see `scoring.py`).

Called by the importers and the API sync before they save rows, and by `reindex()` after any other change.
"""

import re

from guidance.catalog.scoring import SECTION_SEPARATOR, diploma_token
from guidance.catalog.text import index_words, initials
from guidance.inserjeunes.territories import DEPARTEMENTS


def specialty_initials(specialty: str) -> list[str]:
    """Acronyms people use for a specialty: of the whole and of the part before its option
    ("Services informatiques aux organisations option A solutions d'infrastructure…" → sio, and siosisr-like)."""
    base = re.split(r"\b(?:option|opt\.?)\b|[:(]", specialty, maxsplit=1, flags=re.IGNORECASE)[0]
    found = [initials(base)]
    return [token for token in dict.fromkeys(found) if len(token) >= 2]


def formation_search_text(
    *,
    label: str,
    diploma_type: str,
    specialty: str,
    field_label: str = "",
    family_label: str = "",
    codes: tuple[str, ...] = (),
) -> str:
    primary = index_words(label)
    token = diploma_token(diploma_type)
    if token:
        primary.append(token)
    primary += specialty_initials(specialty)
    secondary = index_words(field_label) + index_words(family_label) + [code.lower() for code in codes]
    return SECTION_SEPARATOR.join([" ".join(dict.fromkeys(primary)), " ".join(dict.fromkeys(secondary))])


def school_search_text(
    *, name: str, town: str, postal_code: str, departement_code: str, uai: str, kind_label: str
) -> str:
    rest = [postal_code] if postal_code else []
    if departement_code:
        # "31" and "031" both name Haute-Garonne; "2a" Corse-du-Sud.
        short = departement_code.lstrip("0").lower()
        rest += [short, departement_code.lower()]
        rest += index_words(DEPARTEMENTS.get(departement_code, ("",))[0])
    rest += [uai.lower(), *index_words(kind_label)]
    sections = [index_words(name), index_words(town), [word for word in rest if word]]
    return SECTION_SEPARATOR.join(" ".join(dict.fromkeys(section)) for section in sections)
