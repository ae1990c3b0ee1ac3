"""The canonical upstream requests: one path and query per question, built from parsed codes only.

`UpstreamRequest.key` is what the cache is keyed by; `UpstreamRequest.parse` turns an answer into the frozen
dataclass of `guidance.inserjeunes.results`. A raw string given where a value object of
`guidance.inserjeunes.codes` is expected is a `TypeError` (`require_type`): nothing typed by a visitor reaches a
URL unparsed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from urllib.parse import quote, urlencode

from guidance.inserjeunes import parsing, results
from guidance.inserjeunes.codes import Certification, Millesime, Region, Uai
from guidance.inserjeunes.errors import Unavailable, UnavailableCause

API_PREFIX = "/api/inserjeunes"


class QuestionKind(StrEnum):
    """Which route (and which parser) a question goes to; the indicators service's questions use it as is."""

    NATIONAL = "national"
    REGIONAL = "regional"
    SCHOOL = "school"
    FILIERES = "filieres"
    REGIONAL_LIST = "regional_list"  # one page of `/regionales/{region}` (authenticated): a region's peers
    ACROSS_REGIONS = "across_regions"  # `/regionales?code_certifications=…` (authenticated): a diploma in every region


_PARSERS: dict[str, Callable[[object], results.Figures]] = {
    QuestionKind.NATIONAL: parsing.parse_certification,
    QuestionKind.REGIONAL: parsing.parse_regional,
    QuestionKind.SCHOOL: parsing.parse_school,
    QuestionKind.FILIERES: parsing.parse_filieres,
    QuestionKind.REGIONAL_LIST: parsing.parse_regional_list,
    QuestionKind.ACROSS_REGIONS: parsing.parse_regional_list,
}


@dataclass(frozen=True)
class UpstreamRequest:
    """A canonical GET: `key` is the same text for the same question, whoever asks. `authenticated` routes need
    our credentials in the direct mode (the gateway wants its token on every route)."""

    kind: str  # which parser reads the answer (a `QuestionKind`)
    path: str  # percent-encoded, under API_PREFIX
    params: tuple[tuple[str, str], ...] = ()  # sorted; only parameters the API allows (others are a 400)
    authenticated: bool = False

    @property
    def key(self) -> str:
        return f"{self.path}?{urlencode(self.params)}" if self.params else self.path

    @property
    def millesime(self) -> str:
        params = dict(self.params)
        return params.get("millesime") or params.get("millesimes", "")

    def parse(self, payload: object) -> results.Figures:
        """The frozen dataclass of this answer; raises `Unavailable(MALFORMED)` on an unexpected shape or on
        figures that cannot be (a rate outside 0-100, a negative count, a part above its whole)."""
        try:
            return _PARSERS[self.kind](payload)
        except results.PayloadError as exc:
            raise Unavailable(UnavailableCause.MALFORMED, str(exc), route=self.path, status=200) from None


def path_segment(value: str) -> str:
    """`value` percent-encoded for one segment of a path (`:` kept, as the API's codes carry it)."""
    return quote(value, safe=":")


def _codes(certs: Sequence[Certification]) -> str:
    return path_segment("|".join(c.prefixed for c in certs))


def _params(millesime: Millesime | None, **extra: str) -> tuple[tuple[str, str], ...]:
    params = dict(extra)
    if millesime is not None:
        params["millesime"] = str(millesime)
    return tuple(sorted(params.items()))


def require_type(value: object, kind: type, what: str) -> None:
    """Only parsed value objects reach a URL: a raw string here is a bug of the caller."""
    if not isinstance(value, kind):
        raise TypeError(f"{what} must be a {kind.__name__} from guidance.inserjeunes.codes, got {value!r}")


_TYPES: dict[str, type] = {"cert": Certification, "region": Region, "uai": Uai, "millesime": Millesime}


def _check_all(**values: object) -> None:
    """`require_type` of each value against the value object its name stands for; a millésime may be None (the
    latest)."""
    for name, value in values.items():
        if not (name == "millesime" and value is None):
            require_type(value, _TYPES[name], name)


def national_request(cert: Certification, millesime: Millesime | None = None) -> UpstreamRequest:
    _check_all(cert=cert, millesime=millesime)
    return UpstreamRequest(
        QuestionKind.NATIONAL, f"{API_PREFIX}/certifications/{path_segment(cert.prefixed)}", _params(millesime)
    )


def regional_request(cert: Certification, region: Region, millesime: Millesime | None = None) -> UpstreamRequest:
    _check_all(cert=cert, region=region, millesime=millesime)
    path = f"{API_PREFIX}/regionales/{path_segment(region.code)}/certifications/{path_segment(cert.prefixed)}"
    return UpstreamRequest(QuestionKind.REGIONAL, path, _params(millesime))


def school_request(uai: Uai, cert: Certification, millesime: Millesime | None = None) -> UpstreamRequest:
    _check_all(uai=uai, cert=cert, millesime=millesime)
    path = f"{API_PREFIX}/formations/{path_segment(uai.value)}-{path_segment(cert.prefixed)}"
    return UpstreamRequest(QuestionKind.SCHOOL, path, _params(millesime))


def filieres_request(
    certs: Sequence[Certification], region: Region | None = None, millesime: Millesime | None = None
) -> UpstreamRequest:
    if not certs:
        raise ValueError("a filières view needs at least one certification")
    for cert in certs:
        require_type(cert, Certification, "certs[]")
    if region is not None:
        require_type(region, Region, "region")
    _check_all(millesime=millesime)
    ordered = sorted(set(certs), key=lambda c: (c.kind.value, c.code))
    prefix = f"{API_PREFIX}/regionales/{path_segment(region.code)}" if region else API_PREFIX
    return UpstreamRequest(
        QuestionKind.FILIERES, f"{prefix}/certifications/{_codes(ordered)}", _params(millesime, vue="filieres")
    )


def list_filters(
    millesimes: Sequence[Millesime] = (), certs: Sequence[Certification] = (), **lists: Sequence[object]
) -> dict[str, str]:
    """The query of a list route filtered by millésimes, certifications, `uais=` or `regions=` (value objects)."""
    kinds: dict[str, type] = {"uais": Uai, "regions": Region}
    for millesime in millesimes:
        require_type(millesime, Millesime, "millesimes[]")
    for cert in certs:
        require_type(cert, Certification, "certs[]")
    for name, values in lists.items():
        for value in values:
            require_type(value, kinds[name], f"{name}[]")
    params = {}
    if millesimes:
        params["millesimes"] = ",".join(str(m) for m in millesimes)
    if certs:
        params["code_certifications"] = ",".join(c.prefixed for c in certs)
    for name, values in lists.items():
        if values:
            params[name] = ",".join(str(v) for v in values)
    return params


REGIONAL_LIST_PATH = f"{API_PREFIX}/regionales"


def regional_list_request(
    region: Region, millesime: Millesime | None = None, *, page: int = 1, page_size: int = 500
) -> UpstreamRequest:
    """One page of every certification of `region` (`/regionales/{region}`, authenticated), of `millesime` or,
    without one, of the latest the API has."""
    _check_all(region=region, millesime=millesime)
    if page < 1 or page_size < 1:
        raise ValueError("page and page_size start at 1")
    params = {"page": str(page), "items_par_page": str(page_size)}
    if millesime is not None:
        params["millesimes"] = str(millesime)
    path = f"{REGIONAL_LIST_PATH}/{path_segment(region.code)}"
    return UpstreamRequest(QuestionKind.REGIONAL_LIST, path, tuple(sorted(params.items())), authenticated=True)


def across_regions_request(
    certs: Sequence[Certification], millesime: Millesime | None = None, *, page_size: int = 500
) -> UpstreamRequest:
    """The regional figures of a diploma's codes in every region, in one page of the authenticated list
    `/regionales` filtered by `code_certifications` (of `millesime`, else every millésime the API lists): what a
    map of the regions needs, in one call instead of one per region."""
    if not certs:
        raise ValueError("a list across regions needs at least one certification")
    if page_size < 1:
        raise ValueError("page_size starts at 1")
    ordered = sorted(set(certs), key=lambda c: (c.kind.value, c.code))
    params = {**list_filters([millesime] if millesime else [], ordered), "page": "1", "items_par_page": str(page_size)}
    return UpstreamRequest(
        QuestionKind.ACROSS_REGIONS, REGIONAL_LIST_PATH, tuple(sorted(params.items())), authenticated=True
    )


class AskedQuestion(Protocol):
    """What `request_for_question` reads of a question (`guidance.indicators.questions.Question`)."""

    @property
    def kind(self) -> QuestionKind: ...
    @property
    def certs(self) -> tuple[Certification, ...]: ...
    @property
    def region(self) -> Region | None: ...
    @property
    def uai(self) -> Uai | None: ...
    @property
    def millesime(self) -> Millesime | None: ...
    @property
    def page(self) -> int: ...
    @property
    def page_size(self) -> int: ...


def request_for_question(question: AskedQuestion) -> UpstreamRequest:
    """The upstream request of a question (a protocol, so that this module stays below the indicators)."""
    kind, certs, region, millesime = question.kind, question.certs, question.region, question.millesime
    uai = question.uai
    if kind is QuestionKind.NATIONAL:
        return national_request(certs[0], millesime)
    if kind is QuestionKind.REGIONAL and region is not None:
        return regional_request(certs[0], region, millesime)
    if kind is QuestionKind.SCHOOL and uai is not None:
        return school_request(uai, certs[0], millesime)
    if kind is QuestionKind.FILIERES:
        return filieres_request(certs, region, millesime)
    if kind is QuestionKind.REGIONAL_LIST and region is not None:
        return regional_list_request(region, millesime, page=question.page, page_size=question.page_size)
    if kind is QuestionKind.ACROSS_REGIONS:
        return across_regions_request(certs, millesime, page_size=question.page_size)
    raise ValueError(f"question {kind!r} lacks what its route needs")
