"""The domain filter of the formation search: the ~110 NSF groups of the BCN (`Formation.field_code`, 3 digits, with
labels as the BCN writes them: "Formations generales" and "Formations générales", "constuction"…) read as the
16 sub-domains of the NSF (the code's first 2 digits), with labels in plain words. One home for these labels.

`domaine=22` keeps the formations of every group 22x; a 3-digit group (`domaine=221`, the links of the home page
and of the popular fields) keeps its own.
"""

from guidance.catalog.labels import fold
from guidance.catalog.models import Formation

# NSF sub-domains (Nomenclature des spécialités de formation, 1994), worded for a pupil.
FIELD_GROUPS = {
    "10": "Enseignement général",
    "11": "Mathématiques et sciences",
    "12": "Sciences humaines, droit et économie",
    "13": "Lettres, langues et arts",
    "20": "Industrie (plusieurs techniques)",
    "21": "Agriculture, pêche, forêt et espaces verts",
    "22": "Alimentation, cuisine, chimie, énergie et matériaux",
    "23": "Bâtiment, travaux publics et bois",
    "24": "Textile, habillement et cuir",
    "25": "Mécanique, électricité et électronique",
    "30": "Services (plusieurs spécialités)",
    "31": "Commerce, vente, gestion et transport",
    "32": "Communication, information et informatique",
    "33": "Santé, social, beauté, hôtellerie et tourisme",
    "34": "Sécurité, environnement et propreté",
    "41": "Développement personnel",
    "42": "Sport, loisirs et vie quotidienne",
}


def field_group(field_code: str) -> str:
    """The sub-domain of an NSF group code ("221" → "22"), "" when it has none we know."""
    return field_code[:2] if field_code[:2] in FIELD_GROUPS else ""


def grouped_field_choices(present_codes: set[str]) -> list[tuple[str, str]]:
    """(sub-domain, plain label) of the sub-domains holding at least one of `present_codes`, in alphabetical
    order ("Sécurité" before "Sport")."""
    groups = {field_group(code) for code in present_codes} - {""}
    return sorted(((group, FIELD_GROUPS[group]) for group in groups), key=lambda item: fold(item[1]))


def field_choices() -> list[tuple[str, str]]:
    """The domains of the filter: the sub-domains the catalogue holds, in plain words."""
    return grouped_field_choices(field_codes())


def field_codes() -> set[str]:
    """The NSF groups (3 digits) the catalogue holds: `domaine=221` links stay valid."""
    return set(Formation.objects.exclude(field_code="").values_list("field_code", flat=True).distinct())
