"""Validation of path and query parameters, collecting every problem (Joi's `abortEarly: false`) before answering
one 400 `Erreur de validation`. Parsing itself is `guidance.inserjeunes.codes`; this module only shapes the errors."""

import re

from guidance.inserjeunes import codes
from guidance.inserjeunes.territories import REGIONS
from guidance.replica.errors import detail, validation_error

_MILLESIME_RE = re.compile(r"^[0-9]{4}(_[0-9]{4})?$")
_UAI_RE = re.compile(r"^[0-9]{7}[A-Z]$")


class Validator:
    """Accumulates Joi-style details; `raise_if_invalid()` raises the 400 when there is at least one."""

    def __init__(self, query: dict[str, list[str]], allowed: set[str]) -> None:
        self.query = query
        self.details: list[dict] = []
        self._unknown = [name for name in query if name not in allowed]

    def scalar(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def items(self, name: str) -> list[str]:
        """A list parameter: repeated and/or joined with `,` or `|`."""
        return [part for value in self.query.get(name, []) for part in re.split(r"[,|]", value) if part]

    def code(self, raw: str, name: str = "code_certification") -> codes.Certification | None:
        try:
            return codes.parse_certification(raw)
        except codes.InvalidCode:
            self.details.append(
                detail([name], "{label} must be a valid certification code.", "code_certification.invalid", raw)
            )
            return None

    def codes(self, raw_items: list[str], name: str) -> list[codes.Certification]:
        parsed = []
        for index, raw in enumerate(raw_items):
            try:
                parsed.append(codes.parse_certification(raw))
            except codes.InvalidCode:
                self.details.append(
                    detail(
                        [name, index], "{label} must be a valid certification code.", "code_certification.invalid", raw
                    )
                )
        return list(dict.fromkeys(parsed))

    def region(self, raw: str, path: list) -> str | None:
        try:
            return codes.parse_region(raw).code
        except codes.InvalidCode:
            if len(raw) == 5:
                message, kind = "{label} must be a valid postal code or region code", "postal_code.invalid"
            else:
                message, kind = "{label} must be one of [" + ", ".join(REGIONS) + "]", "any.only"
            self.details.append(detail(path, message, kind, raw))
            return None

    def millesime(self, raw: str | None, path: list) -> str | None:
        if raw is None:
            return None
        if not _MILLESIME_RE.match(raw):
            message = (
                "{label} with value "
                + f'"{raw}"'
                + " fails to match the required pattern: "
                + ("/^[0-9]{4}(_[0-9]{4})?$/")
            )
            self.details.append(detail(path, message, "string.pattern.base", raw, regex=_MILLESIME_RE.pattern))
            return None
        return raw

    def uai(self, raw: str, path: list) -> str | None:
        if not _UAI_RE.match(raw):
            message = "{label} with value " + f'"{raw}"' + " fails to match the required pattern: /^[0-9]{7}[A-Z]{1}$/"
            self.details.append(detail(path, message, "string.pattern.base", raw))
            return None
        return raw

    def academie(self, raw: str, path: list) -> str | None:
        try:
            return codes.parse_academie(raw).code
        except codes.InvalidCode:
            self.details.append(detail(path, "{label} must be a valid academie code", "any.only", raw))
            return None

    def choice(self, name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
        raw = self.scalar(name)
        if raw is None:
            return default
        if raw not in allowed:
            self.details.append(detail([name], "{label} must be [" + ", ".join(allowed) + "]", "any.only", raw))
            return default
        return raw

    def number(self, name: str, default: int, minimum: int = 1) -> int:
        raw = self.scalar(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.details.append(detail([name], "{label} must be a number", "number.base", raw))
            return default
        if value < minimum:
            message = "{label} must be greater than or equal to " + str(minimum)
            self.details.append(detail([name], message, "number.min", value, limit=minimum))
            return default
        return value

    def raise_if_invalid(self) -> None:
        for name in self._unknown:
            values = self.query[name]
            self.details.append(
                detail([name], "{label} is not allowed", "object.unknown", values[-1] if values else "", child=name)
            )
        self._unknown = []
        if self.details:
            raise validation_error(self.details)
