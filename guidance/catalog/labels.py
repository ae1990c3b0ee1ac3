"""Readable labels of the catalogue: accent folding, the BCN's diploma types as a reader writes them, upper-case BCN
labels put back in French sentence case (used by the importers and the API sync before they save rows)."""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

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

_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii"})
_VOWELS = frozenset("aeiouy")


def fold(text: str) -> str:
    """Lower case without accents or ligatures ("Pâtisserie Œnologie" → "patisserie oenologie")."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


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
