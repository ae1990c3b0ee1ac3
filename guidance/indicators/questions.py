"""The value types of the indicators service: the questions pages ask, and the results they get.

Re-exported by `guidance.indicators.service` (import them from there); kept apart so the service module holds
the cache and upstream logic only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from guidance.inserjeunes.codes import Certification, CodeKind, Millesime, Region, Uai
from guidance.inserjeunes.results import Figures
from guidance.inserjeunes.routes import QuestionKind, UpstreamRequest, request_for_question

SOURCE_INSERJEUNES = "InserJeunes (MENJ-DEPP, DARES)"
SOURCE_INSERSUP = "InserSup (MESR-SIES)"


class Absence(StrEnum):
    """Why a result has no figures to show (a page says a different thing for each)."""

    SMALL_COHORT = "small_cohort"  # fewer than 20 learners: figures kept (nb_annee_term), rates not shown
    NO_DATA_FOR_MILLESIME = "no_data_for_millesime"  # see available_millesimes
    UNKNOWN_CERTIFICATION = "unknown_certification"
    UNKNOWN_FORMATION = "unknown_formation"  # this school does not teach this certification (for the API)
    UNKNOWN_SCHOOL = "unknown_school"
    NO_DATA = "no_data"
    # Upstream down, too slow, circuit open, refused our credentials, or answered figures that cannot be: later.
    UNAVAILABLE = "unavailable"
    INVALID_REQUEST = "invalid_request"  # the upstream rejected the question (400): a bug of ours, not cached


@dataclass(frozen=True)
class Question:
    """One question to the upstream. Build it with the constructors; codes are parsed value objects only."""

    kind: QuestionKind
    certs: tuple[Certification, ...]
    region: Region | None = None
    uai: Uai | None = None
    millesime: Millesime | None = None
    page: int = 0  # regional lists only: which page, of how many items
    page_size: int = 0

    @classmethod
    def national(cls, cert: Certification, millesime: Millesime | None = None) -> Question:
        return cls(QuestionKind.NATIONAL, (cert,), millesime=millesime)

    @classmethod
    def regional(cls, cert: Certification, region: Region, millesime: Millesime | None = None) -> Question:
        return cls(QuestionKind.REGIONAL, (cert,), region=region, millesime=millesime)

    @classmethod
    def school(cls, uai: Uai, cert: Certification, millesime: Millesime | None = None) -> Question:
        return cls(QuestionKind.SCHOOL, (cert,), uai=uai, millesime=millesime)

    @classmethod
    def filieres(
        cls, certs: Sequence[Certification], region: Region | None = None, millesime: Millesime | None = None
    ) -> Question:
        """A filières view (pro and apprentissage side by side) of a diploma's codes, in any order."""
        unique = tuple(sorted(set(certs), key=lambda c: (c.kind.value, c.code)))
        if not unique:
            raise ValueError("a filières question needs at least one certification")
        if any(c.kind is CodeKind.SISE for c in unique):
            raise ValueError("the filières view covers CFD and MEFSTAT11 codes only (no SISE)")
        return cls(QuestionKind.FILIERES, unique, region=region, millesime=millesime)

    @classmethod
    def regional_list(
        cls, region: Region, millesime: Millesime | None = None, *, page: int = 1, page_size: int = 500
    ) -> Question:
        """One page of every certification of a region with its regional figures (the peers of a formation)."""
        return cls(QuestionKind.REGIONAL_LIST, (), region=region, millesime=millesime, page=page, page_size=page_size)

    @classmethod
    def across_regions(
        cls, certs: Sequence[Certification], millesime: Millesime | None = None, *, page_size: int = 500
    ) -> Question:
        """A diploma's regional figures in every region (one page of `/regionales?code_certifications=…`, an
        authenticated list): a map of the regions in one call."""
        unique = tuple(sorted(set(certs), key=lambda c: (c.kind.value, c.code)))
        if not unique:
            raise ValueError("a question across regions needs at least one certification")
        return cls(QuestionKind.ACROSS_REGIONS, unique, millesime=millesime, page=1, page_size=page_size)

    @property
    def upstream_request(self) -> UpstreamRequest:
        """The canonical upstream request (path + query) this question maps to."""
        return request_for_question(self)

    @property
    def cache_key(self) -> str:
        """The canonical upstream request as text.

        e.g. `/api/inserjeunes/certifications/CFD:40025214?millesime=2024`
        """
        return self.upstream_request.key

    @property
    def source(self) -> str:
        return SOURCE_INSERSUP if any(c.kind is CodeKind.SISE for c in self.certs) else SOURCE_INSERJEUNES


@dataclass(frozen=True)
class IndicatorResult:
    """What a page shows for one question.

    `figures`: CertificationFigures (national), RegionalFigures, SchoolFigures, FilieresFigures (filières
    view: `.pro` and `.apprentissage` side by side, `.voies` to loop) or a RegionalList (a page of a region's
    list, for the peers); for a seconde commune the national
    or regional figures carry `certifications_terminales`. `absence` says why there is nothing to show;
    with SMALL_COHORT the figures are still there (for `nb_annee_term`) but rates and salaries are not shown.
    `fetched_at`/`is_stale`: when the upstream gave this answer, and whether it is older than the cache TTL
    (served because the upstream failed, or while a refresh runs).
    """

    question: Question
    figures: Figures | None = None
    absence: Absence | None = None
    available_millesimes: tuple[str, ...] = ()
    fetched_at: datetime | None = None
    is_stale: bool = False
    source: str = SOURCE_INSERJEUNES

    @property
    def ok(self) -> bool:
        """Figures to show (rates included)."""
        return self.figures is not None and self.absence is None

    @property
    def is_other_certification(self) -> bool:
        """The figures are those of another code than the one asked (a non-final year answers with its final
        year's figures): say which one the page shows."""
        asked = self.question.certs[0].code if len(self.question.certs) == 1 else None
        code = getattr(self.figures, "code_certification", None)
        return asked is not None and code is not None and code != asked
