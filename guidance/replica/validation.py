"""Validation of path, query and body parameters as the API's Joi schemas do it (`abortEarly: false`): every
parameter is checked, each wrong one gives one detail, and the 400 `Erreur de validation` lists them all, unknown
parameters last (`object.unknown`).

The code rules are the API's own (`server/src/http/utils/validators.js`), not the site's parser
(`guidance.inserjeunes.codes`): the replica must refuse what the API refuses (lower-case codes, `cfd:` prefixes,
académie `1` for `01`) and accept what it accepts (letters in a MEFSTAT11, a period `2018_2020`).

Values are what the WSGI layer hands over: a string, or a list of strings when a parameter is repeated. The API's
query parser makes a list of a repeated parameter too, and its schemas then refuse it (`string.base`…): so does
the replica.
"""

import re
from dataclasses import dataclass

from guidance.inserjeunes.territories import POSTAL_REGIONS, REGIONS
from guidance.replica.errors import detail, validation_error

# The API's certification patterns, tried in this order (a code matching the CFD rule is a CFD).
CODE_PATTERNS = (
    ("cfd", re.compile(r"^(?:CFD:)?([0-9A-Z]{8})$")),
    ("mef11", re.compile(r"^(?:MEFSTAT11:)?([0-9A-Z]{11})$")),
    ("sise", re.compile(r"^SISE:([A-Z0-9]{7})$")),
)
_MILLESIME_RE = re.compile(r"^([0-9]{4})(_([0-9]{4}))?$")
_UAI_RE = re.compile(r"^[0-9]{7}[A-Z]{1}$")
_MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER
# Joi's number conversion accepts these strings (sign, decimals, exponent, surrounding blanks).
_NUMBER_RE = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$", re.IGNORECASE)

# The API lists the valid codes in the order of its regions table: 00 first, then the INSEE codes ascending.
REGION_VALIDS = tuple(sorted(REGIONS))
# The académies of the API's regions table, in its order (region by region), as `context.valids` lists them.
ACADEMIE_VALIDS = (
    *("40", "42", "44", "41", "77", "78", "32", "31", "33", "28", "43", "01", "24", "25", "18", "07", "03", "70"),
    *("20", "09", "19", "12", "15", "17", "14", "13", "22", "04", "16", "11", "10", "06", "08", "02", "23", "27"),
)

Value = str | list[str]

# The API runs every query string through a Mongo sanitizer (@exortek/express-mongo-sanitize 1.1.1, `replaceWith:
# "_"`, server.js) before its routes: in keys and values, each of these characters becomes `_`, unless the whole
# text looks like an e-mail address. Path parameters and the login body are left alone.
_UNSAFE = re.compile(r"[$.\\/{}()*+?|\[\]^\x00-\x1f\x7f-\x9f]")
_EMAIL_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_EMAIL = re.compile(rf"{_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*@(?:{_EMAIL_LABEL}\.)+{_EMAIL_LABEL}", re.IGNORECASE)


def sanitized(text: str) -> str:
    return text if _EMAIL.fullmatch(text) else _UNSAFE.sub("_", text)


def sanitized_query(values: dict[str, Value]) -> dict[str, Value]:
    """The query as the API's routes see it: `?code_certifications=A|B` arrives as `A_B` (a 400), a token in
    `?apiKey=` loses its dots (a 401); only `,` separates list items there."""
    return {
        sanitized(name): sanitized(value) if isinstance(value, str) else [sanitized(item) for item in value]
        for name, value in values.items()
    }


@dataclass(frozen=True, slots=True)
class Code:
    """A certification code as the API reads it: its type (`cfd`, `mef11`, `sise`) and the bare code."""

    type: str
    code: str


def code_of(raw: object) -> Code | None:
    """The first of the API's patterns `raw` matches, or None."""
    if not isinstance(raw, str):
        return None
    for kind, pattern in CODE_PATTERNS:
        if match := pattern.match(raw):
            return Code(kind, match[1])
    return None


def region_of_postal_code(raw: str) -> str | None:
    """The region of a 5-character value read as the API reads a postal code (`findRegionByCodePostal`): its
    first three characters when it starts with 97 or 98, else its first two, looked up in the API's table
    (`territories.POSTAL_REGIONS`, keyed `075`, `02A`, `971`); None when no département matches. The rest of the
    value is never checked there, so `2A004` (Ajaccio) and even `75ABC` reach their region as they do upstream."""
    if raw.startswith(("97", "98")):
        return POSTAL_REGIONS.get(raw[:3])
    # The API lists Corsica as `20`, `2A` and `2B`; the table keys its two halves as `02A` / `02B`.
    return POSTAL_REGIONS.get("02A" if raw[:2] == "20" else "0" + raw[:2])


def _one_of(valids: tuple[str, ...]) -> str:
    """Joi's `any.only` wording: `must be [a]` for one valid value, `must be one of [a, b]` for several."""
    return "{label} must be " + ("" if len(valids) == 1 else "one of ") + "[" + ", ".join(valids) + "]"


class Validator:
    """Checks the parameters of one request. Each check returns the parsed value (or the default) and records a
    detail when the value is wrong; `raise_if_invalid()` raises the 400 when there is at least one."""

    def __init__(self, values: dict[str, Value], allowed: set[str]) -> None:
        self.values = values
        self.details: list[dict] = []
        self._unknown = [name for name in values if name not in allowed]

    def _fail(self, path: list, message: str, kind: str, value: object, **context) -> None:
        self.details.append(detail(path, message, kind, value, **context))

    def _items(self, name: str) -> list[object] | None:
        """A list parameter split as the API does (`,` or `|`); a repeated one stays a single (list) item."""
        raw = self.values.get(name)
        if raw is None:
            return None
        return re.split(r"[,|]", raw) if isinstance(raw, str) else [raw]

    # --- scalars ---------------------------------------------------------------------------------------------
    def _string(self, path: list, raw: object) -> str | None:
        if not isinstance(raw, str):
            self._fail(path, "{label} must be a string", "string.base", raw)
            return None
        if raw == "":
            self._fail(path, "{label} is not allowed to be empty", "string.empty", raw)
            return None
        return raw

    def _only(self, path: list, raw: object, valids: tuple[str, ...]) -> None:
        """`any.only` for a value outside `valids`. Joi (abortEarly false) then still runs the string type's own
        check, so an empty value also gets `string.empty` and a repeated one `string.base`: two details, one
        path."""
        self._fail(path, _one_of(valids), "any.only", raw, valids=list(valids))
        if not isinstance(raw, str):
            self._fail(path, "{label} must be a string", "string.base", raw)
        elif raw == "":
            self._fail(path, "{label} is not allowed to be empty", "string.empty", raw)

    def choice(self, name: str, valids: tuple[str, ...], default: str | None = None) -> str | None:
        raw = self.values.get(name)
        if raw is None:
            return default
        if raw not in valids:
            self._only([name], raw, valids)
            return default
        return raw

    def image_on_error(self) -> str:
        """`imageOnError`: an empty value means the default, `false`."""
        if self.values.get("imageOnError") == "":
            return "false"
        return self.choice("imageOnError", ("true", "false", "empty"), "false") or "false"

    def millesime_at(self, path: list, raw: object) -> str | None:
        if (value := self._string(path, raw)) is None:
            return None
        match = _MILLESIME_RE.match(value)
        if not match or (match[3] and int(match[3]) < int(match[1])):
            self._fail(path, "{label} must have format XXXX or XXXX-1_XXXX", "millesime.invalid", value)
            return None
        return value

    def millesime(self, name: str = "millesime") -> str | None:
        raw = self.values.get(name)
        return None if raw is None else self.millesime_at([name], raw)

    def uai_at(self, path: list, raw: object) -> str | None:
        if (value := self._string(path, raw)) is None:
            return None
        if not _UAI_RE.match(value):
            message = (
                "{label} with value " + f'"{value}"' + " fails to match the required pattern: /^[0-9]{7}[A-Z]{1}$/"
            )
            # Joi puts the RegExp object itself in the context, which JSON writes as `{}`.
            self._fail(path, message, "string.pattern.base", value, regex={})
            return None
        return value

    def region_at(self, path: list, raw: object) -> str | None:
        """A region code, or a 5-character postal code turned into its region."""
        if isinstance(raw, str) and len(raw) == 5:
            region = region_of_postal_code(raw)
            if region is None:
                self._fail(path, "{label} must be a valid postal code or region code", "postal_code.invalid", raw)
            return region
        if raw not in REGION_VALIDS:
            self._only(path, raw, REGION_VALIDS)
            return None
        return raw

    def code(self, name: str) -> Code | None:
        """One certification code (the school route's `code_certification`)."""
        raw = self.values.get(name)
        found = code_of(raw)
        if found is None:
            self._fail([name], "{label} must be a valid certification code.", "code_certification.invalid", raw)
        return found

    def number(self, name: str, default: int) -> int:
        """A page number or size. The API takes any number and its database layer reads 0 as the default; the
        replica also refuses negative and fractional values, which the API's database answers with a 500 or
        with pages that do not add up."""
        raw = self.values.get(name)
        if raw is None:
            return default
        if not isinstance(raw, str) or not _NUMBER_RE.match(raw):
            self._fail([name], "{label} must be a number", "number.base", raw)
            return default
        value = float(raw)
        if not abs(value) <= _MAX_SAFE_INTEGER:  # infinity included
            # Joi's number type refuses what a double cannot hold exactly (`1e20`, `99999999999999999999`).
            self._fail([name], "{label} must be a safe number", "number.unsafe", raw)
            return default
        if value == 0:
            return default
        if value < 0:
            self._fail([name], "{label} must be greater than or equal to 0", "number.min", value, limit=0)
            return default
        if not value.is_integer():
            self._fail([name], "{label} must be an integer", "number.integer", value)
            return default
        return int(value)

    # --- lists -----------------------------------------------------------------------------------------------
    def codes(self, name: str) -> list[Code] | None:
        """Certification codes; one detail for the whole list when any is wrong, as the API reports it. None when
        a code is wrong (the list is then unusable), [] when the parameter is absent."""
        items = self._items(name)
        if items is None:
            return []
        parsed = [code_of(item) for item in items]
        codes = [found for found in parsed if found is not None]
        if len(codes) != len(parsed):
            self._fail(
                [name], "{label} must have the type CFD, MEFSTAT11 or SISE", "codes_certification.invalid", items
            )
            return None
        return codes

    def universe(self, codes: list[Code] | None) -> None:
        """`universe` must agree with the codes: `secondaire` for CFD and MEFSTAT11 (and no code), `superieur` for
        SISE; a mix of both, or wrong codes, leaves it free. It changes nothing the replica answers (no SISE data)."""
        if codes is None:
            return
        types = {code.type for code in codes}
        if types <= {"cfd", "mef11"}:
            self.choice("universe", ("secondaire",))
        elif types == {"sise"}:
            self.choice("universe", ("superieur",))

    def millesimes(self, name: str = "millesimes") -> list[str]:
        items = self._items(name) or []
        return [m for i, raw in enumerate(items) if (m := self.millesime_at([name, i], raw))]

    def uais(self, name: str = "uais") -> list[str]:
        items = self._items(name) or []
        return [u for i, raw in enumerate(items) if (u := self.uai_at([name, i], raw))]

    def regions(self, name: str = "regions") -> list[str]:
        items = self._items(name) or []
        return [r for i, raw in enumerate(items) if (r := self.region_at([name, i], raw))]

    def academies(self, name: str = "academies") -> list[str]:
        found = []
        for index, raw in enumerate(self._items(name) or []):
            if raw in ACADEMIE_VALIDS:
                found.append(raw)
            else:
                message = "{label} must be a valid academie code"
                self._fail([name, index], message, "any.only", raw, valids=list(ACADEMIE_VALIDS))
        return found

    # --- body ------------------------------------------------------------------------------------------------
    def required_string(self, name: str) -> str | None:
        if name not in self.values:
            self.details.append(detail([name], "{label} is required", "any.required"))
            return None
        return self._string([name], self.values[name])

    def raise_if_invalid(self) -> None:
        for name in self._unknown:
            self._fail([name], "{label} is not allowed", "object.unknown", self.values[name], child=name)
        self._unknown = []
        if self.details:
            raise validation_error(self.details)
