"""Text helpers shared by the importers and the search: accent folding, tokens, light stemming, readable labels.

The same `index_words` runs on stored text and on queries, so both sides always agree whatever the database.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_WORD_RE = re.compile(r"[0-9a-z]+")

# Small words that carry no meaning for the search (French articles, prepositions).
STOPWORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur", "un"}
    | {"une", "avec", "dans", "option", "opt"}
)

# Diploma short labels of the BCN (N_NIVEAU_FORMATION_DIPLOME.LIBELLE_COURT) → how a reader writes them.
DIPLOMA_TYPES = {
    "CAP": "CAP",
    "CAPA": "CAPA",
    "BEP": "BEP",
    "BEPA": "BEPA",
    "BAC PRO": "Bac pro",
    "BAC PRO AG": "Bac pro agricole",
    "BP": "BP",
    "BPA": "BPA",
    "BTS": "BTS",
    "BTSA": "BTSA",
    "MC": "MC",
    "BMA": "BMA",
    "BT": "BT",
    "BTA": "BTA",
    "BAC TECHNO": "Bac techno",
    "LIC PRO": "Licence pro",
    "LIC LMD": "Licence",
    "BUT": "BUT",
    "DUT": "DUT",
    "MASTER PRO": "Master pro",
    "MASTER LMD": "Master",
    "ING": "Diplôme d'ingénieur",
    "DEUST": "DEUST",
    "DMA": "DMA",
    "DNMADE": "DN MADE",
    "CS 3": "CS",
    "CS 4": "CS",
    "CS 5": "CS",
    "CSA": "CSA",
}

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
}
DIPLOMA_TOKENS = frozenset(
    {"cap", "capa", "bep", "bepa", "bp", "bpa", "bts", "btsa", "mc", "bma", "bt", "bta", "but", "dut"}
    | {"deust", "dma", "cs", "csa", "bacpro", "licencepro", "bactechno", "titrepro", "master", "licence"}
)

_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii"})
_VOWELS = frozenset("aeiouy")


def fold(text: str) -> str:
    """Lower case without accents or ligatures ("Pâtisserie Œnologie" → "patisserie oenologie")."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


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


class AccentRestorer:
    """Puts accents back on upper-case BCN words, learnt from readable French texts of the same data.

    Each folded word maps to its most frequent accented spelling seen in the readable sources.
    """

    def __init__(self, readable_texts: Iterable[str] = ()) -> None:
        seen: dict[str, Counter] = {}
        for text in readable_texts:
            for word in re.findall(r"[^\W\d_]+", text):
                lower = word.lower()
                folded = fold(lower)
                if folded != lower:
                    seen.setdefault(folded, Counter())[lower] += 1
        self.forms = {folded: counts.most_common(1)[0][0] for folded, counts in seen.items()}

    def __call__(self, word: str) -> str:
        return self.forms.get(word, word)


def sentence_case(text: str, restore: AccentRestorer | None = None, keep_upper: Iterable[str] = ()) -> str:
    """BCN upper-case label → French sentence case, acronyms and roman numerals kept ("CUISINE" → "Cuisine")."""
    keep = {item.upper() for item in keep_upper}
    parts = re.split(r"([^\w]+)", text.strip())
    out: list[str] = []
    previous_word = ""
    for part in parts:
        if not part or not re.match(r"\w", part):
            out.append(part)
            continue
        lower = part.lower()
        if part.isupper() and (
            part in keep
            or lower in _ROMAN
            or (len(part) > 1 and not (set(lower) & _VOWELS))
            or (len(part) == 1 and previous_word == "option")
        ):
            word = part
        else:
            word = restore(lower) if restore else lower
        out.append(word)
        previous_word = lower
    result = "".join(out)
    return result[:1].upper() + result[1:]
