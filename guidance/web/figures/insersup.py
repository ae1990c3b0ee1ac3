"""What the figures say differently about a higher-education diploma (a SISE code: InserSup's figures)."""

from __future__ import annotations

from typing import Any

from guidance.indicators.upstream import insersup_available
from guidance.inserjeunes.codes import CodeKind
from guidance.web.figures.wording import MissingCause


def is_insersup_question(result: Any) -> bool:
    """A question about a higher-education diploma (a SISE code): InserSup's figures."""
    certs = getattr(getattr(result, "question", None), "certs", ())
    return any(getattr(cert, "kind", None) is CodeKind.SISE for cert in certs)


def insersup_cause(cause: MissingCause) -> MissingCause:
    """InserSup's own words for a diploma or place it has no figures for: not followed by InserSup, or, when this
    installation cannot reach InserSup at all (the offline replica without its file), not available here."""
    if cause not in (MissingCause.UNKNOWN, MissingCause.NO_DATA):
        return cause
    return MissingCause.INSERSUP_UNKNOWN if insersup_available() else MissingCause.INSERSUP_OFFLINE
