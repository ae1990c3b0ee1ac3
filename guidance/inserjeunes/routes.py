"""The canonical upstream requests: one path and query per question, built from parsed codes only.

`UpstreamRequest.key` is what the cache is keyed by; `UpstreamRequest.parse` turns an answer into the frozen
dataclass of `guidance.inserjeunes.results`. A raw string given where a value object of
`guidance.inserjeunes.codes` is expected is a `TypeError`: nothing typed by a visitor reaches a URL unparsed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
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


_PARSERS: dict[str, Callable[[object], Any]] = {
    QuestionKind.NATIONAL: parsing.parse_certification,
    QuestionKind.REGIONAL: parsing.parse_regional,
    QuestionKind.SCHOOL: parsing.parse_school,
    QuestionKind.FILIERES: parsing.parse_filieres,
}


@dataclass(frozen=True)
class UpstreamRequest:
    """A canonical GET of a public route: `key` is the same text for the same question, whoever asks."""

    kind: str  # which parser reads the answer (national, regional, school, filieres)
    path: str  # percent-encoded, under API_PREFIX
    params: tuple[tuple[str, str], ...] = ()  # sorted; only parameters the API allows (others are a 400)

    @property
    def key(self) -> str:
        return f"{self.path}?{urlencode(self.params)}" if self.params else self.path

    @property
    def millesime(self) -> str:
        return dict(self.params).get("millesime", "")

    def parse(self, payload: object):
        """The frozen dataclass of this answer; raises `Unavailable(MALFORMED)` on an unexpected shape."""
        try:
            return _PARSERS[self.kind](payload)
        except results.PayloadError as exc:
            raise Unavailable(UnavailableCause.MALFORMED, str(exc), route=self.path, status=200) from None


def _segment(value: str) -> str:
    return quote(value, safe=":")


def _codes(certs: Sequence[Certification]) -> str:
    return _segment("|".join(c.prefixed for c in certs))


def _params(millesime: Millesime | None, **extra: str) -> tuple[tuple[str, str], ...]:
    params = dict(extra)
    if millesime is not None:
        params["millesime"] = str(millesime)
    return tuple(sorted(params.items()))


def _check(value: object, kind: type, what: str) -> None:
    """Only parsed value objects reach a URL: a raw string here is a bug of the caller."""
    if not isinstance(value, kind):
        raise TypeError(f"{what} must be a {kind.__name__} from guidance.inserjeunes.codes, got {value!r}")


_TYPES = {"cert": Certification, "region": Region, "uai": Uai, "millesime": Millesime}


def _check_all(**values: object) -> None:
    """`_check` each value against the value object its name stands for; a millésime may be None (the latest)."""
    for name, value in values.items():
        if not (name == "millesime" and value is None):
            _check(value, _TYPES[name], name)


def national_request(cert: Certification, millesime: Millesime | None = None) -> UpstreamRequest:
    _check_all(cert=cert, millesime=millesime)
    return UpstreamRequest(
        QuestionKind.NATIONAL, f"{API_PREFIX}/certifications/{_segment(cert.prefixed)}", _params(millesime)
    )


def regional_request(cert: Certification, region: Region, millesime: Millesime | None = None) -> UpstreamRequest:
    _check_all(cert=cert, region=region, millesime=millesime)
    path = f"{API_PREFIX}/regionales/{_segment(region.code)}/certifications/{_segment(cert.prefixed)}"
    return UpstreamRequest(QuestionKind.REGIONAL, path, _params(millesime))


def school_request(uai: Uai, cert: Certification, millesime: Millesime | None = None) -> UpstreamRequest:
    _check_all(uai=uai, cert=cert, millesime=millesime)
    path = f"{API_PREFIX}/formations/{_segment(uai.value)}-{_segment(cert.prefixed)}"
    return UpstreamRequest(QuestionKind.SCHOOL, path, _params(millesime))


def filieres_request(
    certs: Sequence[Certification], region: Region | None = None, millesime: Millesime | None = None
) -> UpstreamRequest:
    if not certs:
        raise ValueError("a filières view needs at least one certification")
    for cert in certs:
        _check(cert, Certification, "certs[]")
    if region is not None:
        _check(region, Region, "region")
    _check_all(millesime=millesime)
    ordered = sorted(set(certs), key=lambda c: (c.kind.value, c.code))
    prefix = f"{API_PREFIX}/regionales/{_segment(region.code)}" if region else API_PREFIX
    return UpstreamRequest(
        QuestionKind.FILIERES, f"{prefix}/certifications/{_codes(ordered)}", _params(millesime, vue="filieres")
    )


def request_for_question(question) -> UpstreamRequest:
    """The upstream request of an `indicators.service.Question` (duck-typed to keep this module below it)."""
    kind = str(question.kind)
    if kind == QuestionKind.NATIONAL:
        return national_request(question.certs[0], question.millesime)
    if kind == QuestionKind.REGIONAL:
        return regional_request(question.certs[0], question.region, question.millesime)
    if kind == QuestionKind.SCHOOL:
        return school_request(question.uai, question.certs[0], question.millesime)
    if kind == QuestionKind.FILIERES:
        return filieres_request(question.certs, question.region, question.millesime)
    raise ValueError(f"unknown question kind {kind!r}")
