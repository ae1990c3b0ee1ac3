"""Job words of the search: the diplomas leading to the job titles a visitor's words name, and the few job words
the official tables do not cover well.

- `match_job_words(words) -> JobMatch`: "cariste" → the ROME N1101 → the CFDs Certif Info declares for it, from
  the 11,522 ROME job titles and Certif Info's CFD → ROME links imported by `guidance.orientation` (their words are
  indexed by `indexing.reindex`, `JobTitle.search_words`).
- `RELATED_WORDS`: job words the data lack, mapped to the words trainings are named with. Each entry stays because
  the data lack it (checked on the full files):
  - "garage", "garagiste", "voiture": not (or barely) job titles; in the titles they name car rental, engineering
    or transport jobs, while families typing them mean car repair (maintenance des véhicules);
  - "mecanicien" alone: its 60 titles spread over 30 kinds of mechanics (boats, aircraft, farm machines); families
    typing it mostly mean cars, so the vehicle field is added (ranked below the data's own diplomas);
  - "cuisinier", "cuisiniere": ROME 4 files the title "Cuisinier / Cuisinière" under G1601 while Certif Info links
    the CAP Cuisine (50022139, 50022146) to G1602 only, so the data alone miss the CAP everyone means;
  - "electricien", "electricienne": the word names too many ROME codes (`MAX_ROMES`) for the job words to add
    diplomas, and the BCN names the school diplomas after the trade's field ("Bac pro Métiers de l'électricité et
    de ses environnements connectés", MELEC), which holds neither word;
  - "policier": a single title (policier municipal) leading to a single diploma; the security diplomas of the BCN
    (métiers de la sécurité) are what a student picturing the police can enter.

Keys and values are folded (no accents, lower case); keys are matched after `text.stem`. The related words are
alternatives of the typed word in its group (it still matches by itself), ranked below what was typed.
"""

import time
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Max

from guidance.orientation.models import FormationJob, JobTitle, RomeCode
from guidance.search.text import DIPLOMA_TOKENS, STOPWORDS, stem, words

MIN_JOB_WORD = 3  # shorter words ("de", "bp") never name a job
MAX_ROMES = 40  # a word naming more ROME codes than this ("agent", "technicien") is too vague to add diplomas
MIN_SHARE = 0.25  # a ROME code holding less than a quarter of the best code's titles is noise
MIN_PREFIX = 4  # a query word matches a longer title word only from 4 letters ("plomb" → plombier)

_RELATED: dict[str, tuple[str, ...]] = {
    "cuisinier": ("cuisine",),
    "cuisiniere": ("cuisine",),
    "mecanicien": ("vehicule", "mecanique"),
    "garage": ("vehicule", "automobile"),
    "garagiste": ("vehicule", "automobile"),
    "voiture": ("vehicule", "automobile"),
    "electricien": ("electricite",),
    "electricienne": ("electricite",),
    "policier": ("securite",),
}

RELATED_WORDS: dict[str, tuple[str, ...]] = {stem(key): related for key, related in _RELATED.items()}


@dataclass(frozen=True, slots=True)
class JobMatch:
    """Diplomas leading to the job titles the words name, and a few of the titles matched.

    `cfds`: CFD → strength in (0, 1]: the share of the matched titles held by the best ROME code the diploma
    declares (relative to the code holding most), times 1 for the titles' own code, 0.8 for their parent fiche,
    0.5 for a domaine professionnel Certif Info declared whole."""

    cfds: dict[str, float]
    titles: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.cfds)


_NO_MATCH = JobMatch({})


class _JobIndex:
    def __init__(self, titles, parents: dict[str, str], declared) -> None:
        self.labels: list[str] = []
        self.romes: list[str] = []
        self.words: list[tuple[str, ...]] = []
        self.postings: dict[str, set[int]] = {}
        for number, (label, rome, text) in enumerate(titles):
            self.labels.append(label)
            self.romes.append(rome)
            self.words.append(tuple(text.split()))
            for word in text.split():
                self.postings.setdefault(word, set()).add(number)
        self.vocabulary = sorted(self.postings)
        self.parents = parents
        self.by_rome: dict[str, set[str]] = {}
        for cfd, rome in declared:
            self.by_rome.setdefault(rome, set()).add(cfd)

    def titles_for(self, word: str) -> set[int]:
        found = set(self.postings.get(word, ()))
        if len(word) >= MIN_PREFIX:
            start = bisect_left(self.vocabulary, word)
            for candidate in self.vocabulary[start:]:
                if not candidate.startswith(word):
                    break
                found |= self.postings[candidate]
        return found

    def match(self, query_words: list[str]) -> JobMatch:
        titles: set[int] | None = None
        for word in query_words:
            found = self.titles_for(word)
            titles = found if titles is None else titles & found
            if not titles:
                return _NO_MATCH
        matched = sorted(titles or ())
        # Only titles the words name whole count ("Cariste", "Mécanicien / Mécanicienne poids lourds"): the
        # longer titles merely containing a word ("Chef de cuisine", "Responsable e-commerce") would turn every
        # training word into hundreds of loosely related diplomas.
        matched = [number for number in matched if _names_whole(self.words[number], query_words)]
        romes = {self.romes[number] for number in matched}
        if not romes or len(romes) > MAX_ROMES:
            return _NO_MATCH
        # A ROME code weighs by the share of the matched titles it holds (relative to the code holding most):
        # "mécanicien" names 60 titles, most of them of I1604 (automobile), so the vehicle diplomas come before
        # those of the aircraft mechanics. A diploma takes the best weight of the codes it declares, times the
        # relation: the title's own code 1, its parent fiche 0.8, a whole domaine professionnel 0.5.
        per_rome: dict[str, int] = {}
        for number in matched:
            per_rome[self.romes[number]] = per_rome.get(self.romes[number], 0) + 1
        top = max(per_rome.values())
        cfds: dict[str, float] = {}
        for rome, count in per_rome.items():
            share = count / top
            for relation, code in ((1.0, rome), (0.8, self.parents.get(rome, rome)), (0.5, rome[:3] + "00")):
                strength = round(share * relation, 3)
                if strength < MIN_SHARE:
                    continue
                for cfd in self.by_rome.get(code, ()):
                    cfds[cfd] = max(cfds.get(cfd, 0.0), strength)
        if not cfds:
            return _NO_MATCH
        shown = sorted(matched, key=lambda number: (len(self.labels[number]), self.labels[number]))[:5]
        return JobMatch(cfds, tuple(self.labels[number] for number in shown))


# Masculine / feminine endings of French job names, to one root: coiffeur / coiffeuse, agriculteur / agricultrice.
_GENDER_ENDINGS = (
    ("trice", "t"),
    ("teur", "t"),
    ("euse", "eu"),
    ("eur", "eu"),
    ("ienne", "ien"),
    ("iere", "ier"),
    ("elle", "el"),
    ("enne", "en"),
    ("ive", "if"),
)


def gender_root(word: str) -> str:
    for ending, root in _GENDER_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + root
    return word


def _names_whole(title_words: tuple[str, ...], query_words: list[str]) -> bool:
    """Every word of the title is a query word, its other gender ("assistant" / "assistante", "coiffeur" /
    "coiffeuse") or a longer form of it ("plomb" / "plombier")."""
    roots = [gender_root(typed) for typed in query_words]
    return all(
        gender_root(word) in roots
        or any(word.startswith(typed) or (len(word) >= MIN_PREFIX and typed.startswith(word)) for typed in query_words)
        for word in title_words
    )


@lru_cache(maxsize=1)
def _index_for(version: object) -> _JobIndex:
    parents = dict(RomeCode.objects.values_list("code", "parent_code"))
    titles = list(JobTitle.objects.values_list("label", "rome_code", "search_words"))
    return _JobIndex(titles, parents, FormationJob.objects.values_list("cfd", "rome_code"))


_checked: dict[str, Any] = {"at": -10.0, "version": None}


def _index() -> _JobIndex:
    now = time.monotonic()
    if _checked["version"] is None or now - _checked["at"] > 10.0:
        titles = JobTitle.objects.aggregate(n=Count("pk"), last=Max("pk"))
        declared = FormationJob.objects.aggregate(n=Count("pk"), last=Max("pk"))
        _checked.update(at=now, version=(*titles.values(), *declared.values()))
    return _index_for(_checked["version"])


def forget_index() -> None:
    _checked["version"] = None
    _index_for.cache_clear()


def match_job_words(q: str) -> JobMatch:
    """The diplomas leading to the job titles `q` names whole (diploma acronyms and small words left out): every
    word of the title is a word of `q` or its other gender ("assistante maternelle" names "Assistant maternel /
    Assistante maternelle"; "cuisine" names no title, "Chef de cuisine" has another word).

    "mécanicien poids lourds" → the title "Mécanicien / Mécanicienne poids lourds" (ROME I1604) → the CFDs
    Certif Info declares for I1604. No match when a word names no title, or the words are too vague.
    """
    query_words = [stem(word) for word in words(q or "") if word not in STOPWORDS and word not in DIPLOMA_TOKENS]
    query_words = [word for word in query_words if len(word) >= MIN_JOB_WORD and not word.isdigit()]
    if not query_words:
        return _NO_MATCH
    return _index().match(query_words)
