"""Readable French labels of higher-education diplomas, from the BCN's SISE table (upper case, no accents).

    INFORMATIQUE (licence)                      → Licence Informatique
    DROIT NOTARIAL (master)                     → Master Droit notarial
    METIERS DU NUMERIQUE : CONCEPTION, … WEB    → Licence pro Métiers du numérique : conception, … web
    INFORMATIQUE | DEPLOIEMENT D'APPLICATIONS…  → BUT Informatique, parcours Déploiement d’applications…
    INGENIEUR DIPLOME DE L'ECOLE NATIONALE SUPERIEURE AGRONOMIQUE DE TOULOUSE
                                                → Diplôme d’ingénieur de l’École nationale supérieure agronomique
                                                  de Toulouse

Accents come back from readable French texts of the same open data (`AccentRestorer`, here with plural and
feminine forms of the words it learnt), place names from the communes' official spelling, acronyms stay upper case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from guidance.catalog.labels import AccentRestorer, fold, sentence_case


@dataclass(frozen=True)
class SiseType:
    """How a SISE diploma type (`TYPE_DIPLOME_SISE`) reads on the site."""

    label: str  # the readable type, before the mention ("Licence"); `named` types are their own label
    level: str  # European qualification level (RNCP), as `Level` keys it
    years: int | None  # usual length of the cursus
    part: str = "parcours"  # what `LIBELLE_INTITULE_2` is for this type ("parcours", "option")
    named: bool = False  # the BCN label names the diploma itself (engineering, management): no type before it
    # Licences and masters: the national mentions of the 2014 nomenclature (arrêté du 22 janvier 2014) have codes
    # starting with these two digits; the 2003-2013 codes (21…, 22…: "DOMAINE : MENTION | SPECIALITE") were
    # replaced by them, and no cohort of them is followed by InserSup, although the 2021 BCN never closed them.
    national_prefix: str = ""


ENGINEERING = "Diplôme d’ingénieur"
MANAGEMENT = "Diplôme d’école de management"

# The types a student chooses after the bac or a first diploma (N_TYPE_DIPLOME_SISE codes). Left out: the steps
# within a cursus (DEUG, maîtrise intermédiaire), university diplomas (DU), preparation for competitive exams,
# health studies, doctorates and continuing-education titles.
SISE_TYPES: dict[str, SiseType] = {
    "XA": SiseType("Licence", "6", 3, national_prefix="23"),
    "DP": SiseType("Licence pro", "6", 1),
    "DL": SiseType("Licence pro", "6", 3),
    "DR": SiseType("BUT", "6", 3),
    "CB": SiseType("DUT", "5", 2, part="option"),
    "XB": SiseType("Master", "7", 2, national_prefix="25"),
    "XD": SiseType("Master MEEF", "7", 2, national_prefix="25"),
    "FI": SiseType(ENGINEERING, "7", 3, part="spécialité", named=True),
    "FN": SiseType(ENGINEERING, "7", 3, part="spécialité", named=True),
    "FM": SiseType(ENGINEERING, "7", 3, part="spécialité", named=True),
    "RA": SiseType(MANAGEMENT, "7", None, named=True),  # visé, grade de master
    "RB": SiseType(MANAGEMENT, "7", None, named=True),  # visé bac + 5
    "RC": SiseType(MANAGEMENT, "6", None, named=True),  # visé bac + 4
    "RH": SiseType(MANAGEMENT, "6", None, named=True),  # visé bac + 4, grade de licence
    "RD": SiseType(MANAGEMENT, "6", None, named=True),  # visé bac + 3
    "RG": SiseType(MANAGEMENT, "6", None, named=True),  # visé bac + 3, grade de licence
}

# Words of higher-education labels the readable open data does not spell (checked on the 2021 SISE table).
HIGHER_EDUCATION_WORDS = (
    "théologie géosciences humanités littérature méditerranée vallée décisionnelle moléculaire intégré "
    "sécurité sûreté réseaux systèmes énergie énergétique électronique électrique électrotechnique "
    "génie génétique géographie géologie géomatique mécanique matériaux médias médiation métiers "
    "économie économique éducation écologie études étude ingénieur ingénierie supérieure supérieur "
    "école université établissement numérique mathématiques mathématique société sociétés santé "
    "théâtre cinéma muséologie archéologie égyptologie hébreu grec sémiotique télécommunications "
    "aéronautique aérospatial spécialité spécialisé spécialisée diplôme diplômé délivré européen européenne "
    "développement médecine pédagogie préhistoire physiopathologie pharmacologie épidémiologie "
    "hôtellerie hôtelière biosécurité sécurisation télédétection cartographie modélisation réalité "
    "créativité propriété activités activité libertés collectivités sûreté intérieure rédaction réalisation "
    "pratiques créations création légal légale fiscalité comptabilité contrôle audit qualité "
    "Bâtiment énergies procédés procédé éco-conception géotechnique télécommunication préparatoire intégrative "
    "procès procédure écotechnologies écosystèmes éthique sécurisé sécurisés sécurisées décision"
)
# Words whose accented form depends on the sense: the sense of higher-education labels ("DIPLOME" is a noun there).
OVERRIDES = {"diplome": "diplôme"}

# Acronyms kept in capitals (the rest of a label goes to sentence case).
SISE_ACRONYMS = (
    "AES", "BTP", "CPE", "EEA", "IUT", "LEA", "LLCER", "MASS", "MEEF", "MIAGE", "MIASHS", "MIDO", "PGE",
    "PME", "RH", "SHS", "STAPS", "TIC", "TPE", "UFR", "QHSE", "BS", "CNAM", "INSA", "ENS", "ENSAM", "ESCP",
    "EDHEC", "ESSEC", "HEC", "ISG", "ESCI", "ECE", "EM", "SKEMA", "ESTA", "IAE", "IEP", "UTC", "UTT",
    "UTBM", "ESIEE", "ISAE", "ENSTA", "ENSAE", "ENSAI", "EPF", "EPITA", "ESME", "ECAM", "ICAM", "ISEN", "IMT",
    "CESI", "EPU", "ITIPH", "ENSCI", "ENSATT", "CNSMD", "ISIT", "DN", "MADE", "DNA", "DNSEP", "IDEA", "INP",
    "CY", "ENSEEIHT", "ENSIACET", "ENSAT", "SUPAERO", "ENAC", "ENSTB", "ENSEA", "ESTP", "ISTOM", "ESA", "ISARA",
)  # fmt: skip

# Words that start the name of an institution: capitalised ("de l'École nationale…", "de l'Université de Brest").
INSTITUTION_WORDS = frozenset({"ecole", "universite", "institut", "conservatoire", "etablissement"})
# Names of regions and provinces found in school names, which no commune is called.
REGION_NAMES = (
    "Alsace", "Aquitaine", "Atlantique", "Auvergne", "Bourgogne", "Bretagne", "Champagne", "Franche-Comté",
    "Lorraine", "Normandie", "Picardie", "Provence", "Corse", "Savoie", "Méditerranée", "Océan", "Indien",
    "Pacifique", "Europe", "France", "Antilles", "Guyane", "Réunion", "Guadeloupe", "Martinique", "Opale",
    "Yvelines", "Essonne", "Val", "Loire", "Rhône", "Alpes", "Marne", "Ardenne", "Limousin", "Poitou",
    "Occitanie", "Azur", "Pays", "Aix", "Cergy", "Sorbonne", "Saclay",
)  # fmt: skip
# Region names and big cities are names wherever they stand ("EM Lyon", "ESCP Europe"), except those that are also
# common words of labels.
ANYWHERE_POPULATION = 50_000
AMBIGUOUS_NAMES = frozenset({"tours", "nice", "lens", "vannes", "val", "pays", "ocean", "indien", "france"})
_TRAILING_PART_SEPARATOR = re.compile(r"\s*\|\s*")


class InflectingRestorer(AccentRestorer):
    """`AccentRestorer` that also knows the plural and feminine forms of the words it learnt ("supérieures",
    "appliquées", "ingénieurs" from "supérieur", "appliqué", "ingénieur"), and `OVERRIDES`."""

    _ENDINGS = ("es", "e", "s", "x")

    def __init__(self, readable_texts: Iterable[str] = (), curated: str = "") -> None:
        super().__init__(readable_texts)
        # Words spelt by hand win over what the texts teach (a text's typo, "ingeniérie", must not spread).
        self.forms.update({fold(word): word for word in curated.lower().split() if fold(word) != word})
        self.forms.update(OVERRIDES)

    def __call__(self, word: str) -> str:
        if word in self.forms:
            return self.forms[word]
        for ending in self._ENDINGS:
            base = word[: -len(ending)]
            if word.endswith(ending) and len(base) > 3 and base in self.forms:
                return self.forms[base] + ending
        return word


class ProperNames:
    """Place names as they are officially written (communes, regions): after "de" / "d'" / "du" / "et" in a label,
    or anywhere for the `anywhere` ones (big cities, regions)."""

    def __init__(self, names: Iterable[str], anywhere: Iterable[str] = ()) -> None:
        self.names: dict[tuple[str, ...], str] = {}
        for name in names:
            key = tuple(re.findall(r"[a-z0-9]+", fold(name)))
            if key and len(key) <= 4:
                self.names.setdefault(key, name)
        self.anywhere = {
            key: name
            for name in anywhere
            if len(key := tuple(re.findall(r"[a-z0-9]+", fold(name)))) == 1 and key[0] not in AMBIGUOUS_NAMES
        }

    def apply(self, text: str) -> str:
        """`text` with the place names that follow "de", "d'", "du" or "et" written as their official name."""
        tokens = re.split(r"([^\w]+)", text)
        words = [(i, t) for i, t in enumerate(tokens) if t and re.match(r"\w", t)]
        out = list(tokens)
        position = 0
        while position < len(words):
            index, word = words[position]
            previous = fold(words[position - 1][1]) if position else ""
            matched = 0
            if (fold(word),) in self.anywhere:
                out[index] = self.anywhere[(fold(word),)]
                matched = 1
            elif previous in {"de", "d", "du", "et"}:
                for length in range(min(4, len(words) - position), 0, -1):
                    key = tuple(fold(w) for _, w in words[position : position + length])
                    if key in self.names:
                        parts = re.findall(r"[^\W_]+", self.names[key])
                        if len(parts) == length:
                            for (i, _), part in zip(words[position : position + length], parts, strict=True):
                                out[i] = part
                            matched = length
                            break
            position += matched or 1
        return "".join(out)


def _keep_upper(text: str) -> set[str]:
    """Acronyms of one label: the known ones, and the short words written inside parentheses or after a dash
    ("(MIAGE)", "-MIASHS")."""
    kept = set(SISE_ACRONYMS)
    for group in re.findall(r"\(([^()]*)\)", text) + re.findall(r"\s-([A-Z]+)\b", text):
        kept.update(word for word in re.findall(r"[A-Z]+", group) if len(word) <= 7)
    return kept


def readable(text: str, restore: AccentRestorer, places: ProperNames) -> str:
    """A BCN upper-case label in French sentence case, accents, place names and acronyms restored, typographic
    apostrophes."""
    cased = sentence_case(text.strip(), restore, _keep_upper(text))
    cased = places.apply(cased)
    cased = re.sub(r"\s+", " ", cased).replace("'", "’")
    return re.sub(r"’\s+", "’", re.sub(r"\s+([,.])", r"\1", cased))


def _capitalise_institutions(text: str) -> str:
    def upper_first(match: re.Match) -> str:
        word = match.group(2)
        if fold(word) not in INSTITUTION_WORDS:
            return match.group(0)
        return match.group(1) + word[:1].upper() + word[1:]

    return re.sub(r"(\b(?:de l’|de la |du |de |des |d’|l’))(\w+)", upper_first, text)


def sise_label(
    kind: SiseType, mention: str, part: str, restore: AccentRestorer, places: ProperNames
) -> tuple[str, str]:
    """(label, specialty) of one SISE diploma: its type then its mention (and its parcours or option), or, for an
    engineering or management diploma, its own name ("INGENIEUR DIPLOME DE …" read as "Diplôme d'ingénieur de …")."""
    mention = _TRAILING_PART_SEPARATOR.sub(" ", mention).strip()
    specialty = readable(mention, restore, places)
    if part.strip():
        detail = readable(part, restore, places)
        specialty += f", {kind.part} {detail[:1].lower()}{detail[1:]}"
    if not kind.named:
        # A mention that already says its type ("Master intégré franco-allemand…") is not preceded by it again.
        same = fold(specialty).startswith(fold(kind.label) + " ")
        return (specialty if same else f"{kind.label} {specialty}"), specialty
    specialty = _capitalise_institutions(specialty)
    if kind.label == ENGINEERING:
        specialty = re.sub(r"^Ingénieur dipl[ôo]m[ée] ", "Diplôme d’ingénieur ", specialty)
    return specialty, specialty


def place_names(communes: Iterable[Mapping[str, object]], *, minimum_population: int = 5000) -> ProperNames:
    """The proper names of labels: communes of at least `minimum_population` people (small ones share their name
    with common words), and regions and provinces."""
    populated = [
        (str(commune["nom"]), population)
        for commune in communes
        if isinstance(population := commune.get("population"), int) and population >= minimum_population
    ]
    big = [name for name, population in populated if population >= ANYWHERE_POPULATION]
    return ProperNames([*(name for name, _ in populated), *REGION_NAMES], anywhere=[*big, *REGION_NAMES])
