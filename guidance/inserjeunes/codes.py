"""Parsing and validation of every code that may reach an upstream URL.

Nothing typed by a visitor is pasted into an upstream path or query string unparsed: views and commands turn
raw strings into these small value objects first, and the client only accepts the value objects.
Each parser returns a frozen value or raises `InvalidCode`.

Case: a visitor who types `23i01021235` or `cfd:40031212` in one of our URLs or forms means the code, so by default
the parsers strip and upper-case what they are given. Every value object therefore holds the canonical, upper-case
code, and the client (which only takes value objects) never sends a lower-case one: the API answers 400 to those.
`exact=True` reads a code the way the API's validators do (`server/src/http/utils/validators.js`): no stripping, no
upper-casing, no zero-padding; the replica uses it to answer what the API would.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from guidance.inserjeunes.territories import POSTAL_REGIONS, REGIONS


class InvalidCode(ValueError):
    """A code does not follow its rule. `kind` names the code type, `value` is what was given."""

    def __init__(self, kind: str, value: object, reason: str = "") -> None:
        self.kind = kind
        self.value = value
        self.reason = reason or f"{kind} invalide"
        super().__init__(f"{self.reason}: {value!r}")


class CodeKind(StrEnum):
    CFD = "CFD"
    MEFSTAT11 = "MEFSTAT11"
    SISE = "SISE"


class Filiere(StrEnum):
    PRO = "pro"  # voie scolaire, lycées professionnels (MEFSTAT11)
    AGRICOLE = "agricole"  # voie scolaire, enseignement agricole (MEFSTAT11)
    APPRENTISSAGE = "apprentissage"  # CFD
    SUPERIEUR = "superieur"  # InserSup (SISE)


_UAI_RE = re.compile(r"^[0-9]{7}[A-Z]$")
_CFD_RE = re.compile(r"^[0-9A-Z]{8}$")
# Letters since January 2025 (agricultural MEFs such as 23I01021235), upper case only, as the API checks them.
_MEFSTAT11_RE = re.compile(r"^[0-9A-Z]{11}$")
_SISE_RE = re.compile(r"^[0-9A-Z]{7}$")
_MILLESIME_RE = re.compile(r"^([0-9]{4})(?:_([0-9]{4}))?$")
_POSTAL_RE = re.compile(r"^[0-9]{5}$")
_CORSICA_UAI_PREFIXES = {"620": "02A", "720": "02B"}


def _clean(raw: object, kind: str, exact: bool = False) -> str:
    if not isinstance(raw, str):
        raise InvalidCode(kind, raw, f"{kind} absent")
    value = raw if exact else raw.strip().upper()
    if not value or len(value) > 64:
        raise InvalidCode(kind, raw)
    return value


@dataclass(frozen=True, slots=True)
class Uai:
    value: str

    def __str__(self) -> str:
        return self.value

    @property
    def departement_code(self) -> str:
        """The département of the school, as `territories.DEPARTEMENTS` keys it (0750001A → 075, 9710001A → 971).

        Corsican UAIs start with 620 (Corse-du-Sud) and 720 (Haute-Corse): they map to 02A and 02B.
        """
        return departement_of_uai(self.value)


def departement_of_uai(uai: str) -> str:
    """The département a UAI starts with, as `territories.DEPARTEMENTS` keys it: 0750001A → 075, 9710001A → 971.

    Corsican UAIs start with 620 (Corse-du-Sud) and 720 (Haute-Corse), the codes the Education nationale gave
    the two départements (the referential keys them 02A and 02B). The one rule for the site, its importers and
    the replica.
    """
    prefix = uai[:3]
    return _CORSICA_UAI_PREFIXES.get(prefix, prefix)


def parse_uai(raw: object, *, exact: bool = False) -> Uai:
    value = _clean(raw, "UAI", exact)
    if not _UAI_RE.match(value):
        raise InvalidCode("UAI", raw, "UAI invalide (7 chiffres et une lettre)")
    return Uai(value)


@dataclass(frozen=True, slots=True)
class Certification:
    """One certification code: a CFD (apprentissage), a MEFSTAT11 (voie scolaire) or a SISE (supérieur)."""

    kind: CodeKind
    code: str  # bare code, as responses carry it

    def __str__(self) -> str:
        return self.code

    @property
    def prefixed(self) -> str:
        """The form we send upstream (`CFD:…`, `MEFSTAT11:…`, `SISE:…`)."""
        return f"{self.kind.value}:{self.code}"


def parse_certification(raw: object, *, exact: bool = False) -> Certification:
    """Type decided by prefix, else by length: 8 = CFD, 11 = MEFSTAT11. SISE needs its prefix.

    CFD and MEFSTAT11 are `[0-9A-Z]` (8 and 11 characters), SISE `[0-9A-Z]{7}`; see the module docstring for case.
    """
    value = _clean(raw, "code de certification", exact)
    prefix, sep, bare = value.partition(":")
    kind: CodeKind | None
    if sep:
        try:
            kind = CodeKind(prefix)
        except ValueError:
            raise InvalidCode("code de certification", raw, "Préfixe de code inconnu") from None
    else:
        bare = value
        kind = {8: CodeKind.CFD, 11: CodeKind.MEFSTAT11}.get(len(value))
    if kind is None:
        raise InvalidCode("code de certification", raw, "Code de certification invalide")
    rule = {CodeKind.CFD: _CFD_RE, CodeKind.MEFSTAT11: _MEFSTAT11_RE, CodeKind.SISE: _SISE_RE}[kind]
    if not rule.match(bare):
        raise InvalidCode(kind.value, raw, f"{kind.value} invalide")
    return Certification(kind, bare)


def parse_cfd(raw: object) -> Certification:
    cert = parse_certification(raw)
    if cert.kind is not CodeKind.CFD:
        raise InvalidCode("CFD", raw, "CFD invalide (8 caractères)")
    return cert


def parse_mefstat11(raw: object) -> Certification:
    cert = parse_certification(raw)
    if cert.kind is not CodeKind.MEFSTAT11:
        raise InvalidCode("MEFSTAT11", raw, "MEFSTAT11 invalide (11 chiffres ou lettres)")
    return cert


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # INSEE code
    nom: str

    def __str__(self) -> str:
        return self.code


def parsed_or_none(parser: Callable[[str], Certification], code: str) -> Certification | None:
    """A stored code that may be malformed (catalogue rows come from files): its certification, or None."""
    try:
        return parser(code)
    except InvalidCode:
        return None


def region_from_code(code: str) -> Region:
    try:
        return Region(code, REGIONS[code])
    except KeyError:
        raise InvalidCode("région", code, "Région inconnue") from None


def departement_from_postal_code(postal_code: str) -> str:
    """The 3-character département code of a 5-digit postal code, as the API derives it.

    First 2 digits, or the first 3 when they start with 97/98; Corsica (20xxx) gives 02A/02B, both in
    region 94.
    """
    if not _POSTAL_RE.match(postal_code):
        raise InvalidCode("code postal", postal_code, "Code postal invalide")
    if postal_code.startswith(("97", "98")):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "02A" if postal_code < "20200" else "02B"
    return "0" + postal_code[:2]


def parse_region(raw: object, *, exact: bool = False) -> Region:
    """An INSEE region code (`11`, `01`…) or a 5-digit postal code mapped to its region as the API maps it
    (`territories.POSTAL_REGIONS`: 977xx and 978xx are in 00, 985xx is unknown)."""
    value = _clean(raw, "région", exact)
    if value in REGIONS:
        return region_from_code(value)
    if _POSTAL_RE.match(value):
        region = POSTAL_REGIONS.get(departement_from_postal_code(value))
        if region is None:
            raise InvalidCode("région", raw, "Code postal inconnu")
        return region_from_code(region)
    raise InvalidCode("région", raw, "Région inconnue")


@dataclass(frozen=True, slots=True, order=True)
class Millesime:
    """A cohort: a year (`2024`, national) or a period of two cumulated years (`2023_2024`, regional)."""

    value: str

    def __str__(self) -> str:
        return self.value

    @property
    def is_period(self) -> bool:
        return "_" in self.value

    @property
    def last_year(self) -> int:
        return int(self.value[-4:])

    @property
    def label(self) -> str:
        """Reader-facing form: `2024` or `2023-2024`."""
        return self.value.replace("_", "-")

    @property
    def sort_key(self) -> tuple[int, str]:
        """Orders millésimes by their last year; within one year, the year (national) before the period ending
        with it (regional). Sort with `reverse=True` for newest first (see `newest_first`)."""
        return (self.last_year, self.value)

    def previous(self) -> "Millesime":
        """The promotion before: `2022_2023` → `2021_2022`, `2024` → `2023`."""
        if self.is_period:
            return Millesime(f"{self.last_year - 2}_{self.last_year - 1}")
        return Millesime(str(self.last_year - 1))

    def national(self) -> "Millesime":
        """National figures are per year of leaving: a period (`2022_2023`) means its last year (`2023`)."""
        return Millesime(str(self.last_year))

    def regional(self) -> "Millesime":
        """Regional and school figures cumulate two years: a year (`2023`) means the period ending with it."""
        return Millesime(f"{self.last_year - 1}_{self.last_year}")


def newest_first(values: Iterable[object]) -> list[str]:
    """Millésime strings (as the source writes them), distinct, newest first (see `Millesime.sort_key`)."""
    return sorted({str(v) for v in values if v}, key=lambda v: Millesime(v).sort_key, reverse=True)


def has_millesime_form(value: object) -> bool:
    """`AAAA` or `AAAA_BBBB`: the form of every millésime the API answers (its validators' pattern). Looser than
    `parse_millesime`, which a site's question must pass."""
    return isinstance(value, str) and _MILLESIME_RE.fullmatch(value) is not None


def parse_millesime(raw: object) -> Millesime:
    """`AAAA` or `AAAA_AAAA`; a period is two consecutive years (two cumulated cohorts).

    Stricter than the API, which takes any `AAAA_BBBB` with BBBB ≥ AAAA: no figures exist for other periods, and
    the site never asks for them."""
    value = _clean(raw, "millésime")
    match = _MILLESIME_RE.match(value)
    if not match:
        raise InvalidCode("millésime", raw, "Millésime invalide (AAAA ou AAAA_AAAA)")
    if match.group(2) and int(match.group(2)) != int(match.group(1)) + 1:
        raise InvalidCode("millésime", raw, "Millésime invalide (deux années consécutives)")
    return Millesime(value)
