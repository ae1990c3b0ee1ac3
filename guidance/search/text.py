"""The words of the search: tokens, light stemming, stop words, diploma acronyms.

The same `index_words` runs on stored text (`indexing.py`) and on queries (`query.py`), so both sides always agree
whatever the database. Accents are folded by the catalogue's own `labels.fold`.
"""

import re

from guidance.catalog.labels import fold

_WORD_RE = re.compile(r"[0-9a-z]+")

# Small words that carry no meaning for the search (French articles, prepositions).
STOPWORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur", "un"}
    | {"une", "avec", "dans", "option", "opt"}
)

# Search aliases: what a person types → the token indexed for that diploma type.
DIPLOMA_ALIASES: dict[str, str] = {
    "bac pro": "bacpro",
    "bac professionnel": "bacpro",
    "baccalaureat professionnel": "bacpro",
    "licence pro": "licencepro",
    "licence professionnelle": "licencepro",
    "bac techno": "bactechno",
    "mention complementaire": "mc",
    "brevet professionnel": "bp",
    "brevet de technicien superieur": "bts",
    "certificat d aptitude professionnelle": "cap",
    "titre pro": "titrepro",
    "titre professionnel": "titrepro",
    # Higher education (issue 25): the words a student uses for the SISE diploma types.
    "licence generale": "licence",
    "licence lmd": "licence",
    "master meef": "master",
    "bachelor universitaire de technologie": "but",
    "diplome universitaire de technologie": "dut",
    "diplome d ingenieur": "ingenieur",
    "ecole d ingenieur": "ingenieur",
    "ecole d ingenieurs": "ingenieur",
    "ecole ingenieur": "ingenieur",
    "diplome d ecole de management": "ecolemanagement",
    "ecole de management": "ecolemanagement",
    "ecole de commerce": "ecolemanagement",
    "business school": "ecolemanagement",
}
DIPLOMA_TOKENS = frozenset(
    {"cap", "capa", "bep", "bepa", "bp", "bpa", "bts", "btsa", "mc", "bma", "bt", "bta", "but", "dut"}
    | {"deust", "dma", "cs", "csa", "bacpro", "licencepro", "bactechno", "titrepro", "master", "licence"}
    | {"ingenieur", "ecolemanagement"}
)


def words(text: str) -> list[str]:
    """Folded alphanumeric words, in order."""
    return _WORD_RE.findall(fold(text))


def stem(word: str) -> str:
    """Singular form good enough for matching: chevaux → cheval, métiers → metier, bois stays bois."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"
    if word.endswith(("s", "x")) and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


def index_words(text: str) -> list[str]:
    """Words as the search indexes and queries them: folded, stemmed, stop words dropped."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]


def initials(text: str) -> str:
    """Acronym of the significant words ("Services informatiques aux organisations" → "sio")."""
    significant = [word for word in words(text) if word not in STOPWORDS and not word.isdigit()]
    return "".join(word[0] for word in significant) if len(significant) >= 2 else ""
