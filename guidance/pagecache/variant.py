"""What in a request chooses its answer, read exactly as the views read it: the page key is built from these
decisions only, never from raw header strings, so that no header spelling can file one answer under another's key.

- `htmx_decision`: "page", or "fragment:<target>" as django-htmx's `request.htmx` reads the HX-* headers (each one
  URL-decoded when its `…-URI-AutoEncoded: true` companion is sent). A history restore is a page. The target is
  kept only when the view says it changes the fragment (`targets` of `@cache_page_view`).
- `canonical_query`: the query parameters the view reads, the last value of each (what `QueryDict.get`, and so a
  Django form, sees), sorted by name; everything else is dropped. `canonicalise` makes the request say exactly
  that before the view runs, so that the answer stored under a key is the one that key names.
- `accepts_gzip`: `Accept-Encoding` read leniently (RFC 9110): a weight we cannot read is "not accepted".
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django_htmx.middleware import HtmxDetails

PAGE = "page"


def htmx_details(request: HttpRequest) -> HtmxDetails:
    """`request.htmx` as django-htmx's middleware sets it (built here when the middleware has not run yet)."""
    details = getattr(request, "htmx", None)
    return details if isinstance(details, HtmxDetails) else HtmxDetails(request)


def htmx_decision(request: HttpRequest, targets: frozenset[str] = frozenset()) -> str:
    """What the views answer this request with: the whole page, or a fragment (for one of `targets`)."""
    htmx = htmx_details(request)
    if not htmx or htmx.history_restore_request:
        return PAGE
    target = htmx.target or ""
    return f"fragment:{target if target in targets else ''}"


def canonical_query(request: HttpRequest, params: frozenset[str]) -> str:
    """The query string of the parameters `params` only: last value of each, sorted by name, URL-encoded."""
    query = request.GET
    return urlencode([(name, query.getlist(name)[-1]) for name in sorted(params) if query.getlist(name)])


def canonicalise(request: HttpRequest, params: frozenset[str]) -> None:
    """Make `request` carry its canonical query string only (its `GET` and `QUERY_STRING` both)."""
    canonical = canonical_query(request, params)
    if canonical != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = canonical
        request.GET = QueryDict(canonical, encoding=request.encoding)


# RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
_QVALUE_RE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
_GZIP_CODINGS = {"gzip", "x-gzip"}


def _weight(parameters: str) -> float:
    """The `q` of one coding's parameters: 1 when absent, 0 (not accepted) when it is not a valid qvalue."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if _QVALUE_RE.fullmatch(value) else 0.0
    return 1.0


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client takes a gzip body: `gzip` (or `x-gzip`) with a weight above 0, else `*` with one."""
    explicit: list[float] = []
    wildcard: list[float] = []
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        if coding in _GZIP_CODINGS:
            explicit.append(_weight(parameters))
        elif coding == "*":
            wildcard.append(_weight(parameters))
    weights = explicit or wildcard
    return bool(weights) and max(weights) > 0
