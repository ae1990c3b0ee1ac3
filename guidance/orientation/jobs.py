"""Jobs ↔ diplomas from the official tables: Certif Info (CFD → ROME), ROME 4.60, its job titles, Onisep.

Public interface:
- `jobs_for_formation(formation) -> list[Job]`: the jobs a diploma prepares for (ROME codes Certif Info declares).
- `onisep_formation(formation) -> OnisepPage | None`: its Onisep Idéo-Formations page when the data link it.
The job words of the search ("cariste" → the ROME N1101 → the CFDs declaring it) are the search's own
(`guidance.search.jobs`), read from the tables imported here.

Links: France Travail's page of a ROME code is built as
`https://candidat.francetravail.fr/metierscope/fiche-metier/<ROME>`, the pattern of every "lien site FT" of
romeMetier.csv; Onisep métier and formation links are the files' own (ODbL: show `ONISEP_CREDIT`).
"""

from dataclasses import dataclass
from functools import lru_cache

from guidance.pagecache import generations

FRANCE_TRAVAIL_URL = "https://candidat.francetravail.fr/metierscope/fiche-metier/{code}"
JOBS_SOURCE = "Certif Info (Réseau des Carif-Oref), ROME 4.60 (France Travail)"
ONISEP_CREDIT = "Source : Onisep, Idéo-Formations et Idéo-Métiers, licence ODbL"
ONISEP_YEAR = "2022"  # Idéo-Formations snapshot of May 2022 (romeMetier.csv: October 2024)


@dataclass(frozen=True, slots=True)
class OnisepLink:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Job:
    """A job a diploma prepares for. `is_domain`: Certif Info gave a whole domaine professionnel (H1200 → H12)."""

    rome_code: str
    label: str
    france_travail_url: str  # "" for a domaine professionnel (no fiche)
    onisep: tuple[OnisepLink, ...] = ()
    is_domain: bool = False
    source: str = JOBS_SOURCE


@dataclass(frozen=True, slots=True)
class OnisepPage:
    ideo_id: str
    label: str
    type_label: str
    duration: str
    level_label: str
    url: str
    credit: str = ONISEP_CREDIT
    year: str = ONISEP_YEAR


def _cfd(formation) -> str:
    return formation if isinstance(formation, str) else formation.cfd


def jobs_for_formation(formation) -> list["Job"]:
    """The ROME codes Certif Info declares for the diploma (≤ 5 per row; the union of its rows), best rank first.

    A code ending in "00" is a domaine professionnel (Certif Info's way of naming a whole field): it is given with
    the domaine's label and no France Travail link. Codes the referential does not know are left out. [] when the
    diploma has no Certif Info row with ROME codes (the page then says the link is not known, not "no job").
    Read once per diploma and data generation (an import moves it), not on every page: four queries saved a page.
    """
    return list(_jobs(generations.current(), _cfd(formation)))


@lru_cache(maxsize=4096)
def _jobs(generation: str, cfd: str) -> tuple["Job", ...]:
    from guidance.orientation.models import FormationJob, OnisepJob, ProfessionalDomain, RomeCode

    codes = list(FormationJob.objects.filter(cfd=cfd).order_by("rank", "rome_code"))
    if not codes:
        return ()
    romes = [c.rome_code for c in codes]
    labels = dict(RomeCode.objects.filter(code__in=romes).values_list("code", "label"))
    domains = dict(ProfessionalDomain.objects.filter(code__in=[r[:3] for r in romes]).values_list("code", "label"))
    onisep: dict[str, list[OnisepLink]] = {}
    for rome, label, url in OnisepJob.objects.filter(rome_code__in=romes).values_list("rome_code", "label", "url"):
        onisep.setdefault(rome, []).append(OnisepLink(label, url))
    jobs = []
    for rome in romes:
        if rome in labels:
            links = tuple(sorted(onisep.get(rome, ()), key=lambda link: link.label))
            jobs.append(Job(rome, labels[rome], FRANCE_TRAVAIL_URL.format(code=rome), links))
        elif rome.endswith("00") and rome[:3] in domains:
            jobs.append(Job(rome, domains[rome[:3]], "", is_domain=True))
    return tuple(jobs)


def onisep_formation(formation) -> OnisepPage | None:
    """The Onisep page of the diploma, through Certif Info's codeIdeo2 (None when no record links it): the record
    of the smallest FOR id among those linking its CFD."""
    return _onisep_index(generations.current()).get(_cfd(formation))


@lru_cache(maxsize=1)
def _onisep_index(generation: str) -> dict[str, OnisepPage]:
    """Every CFD's Onisep page, read once per data generation (an import moves it): a formation page asked it with
    a `LIKE '%…%'` over the ~6,000 records, 3 to 9 ms a page (issue 24)."""
    from guidance.orientation.models import OnisepFormation

    index: dict[str, OnisepPage] = {}
    for record in OnisepFormation.objects.order_by("ideo_id"):
        page = OnisepPage(
            record.ideo_id, record.label, record.type_label, record.duration, record.level_label, record.url
        )
        for cfd in record.cfds.split():
            index.setdefault(cfd, page)
    return index


def forget_onisep_index() -> None:
    """Tests: each has its own database, whose generation counters start again (the jobs' memo too)."""
    _onisep_index.cache_clear()
    _jobs.cache_clear()
