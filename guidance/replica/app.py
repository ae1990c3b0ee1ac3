"""The replica as a plain WSGI application (no Django URLconf: it must import and answer fast).

`create_app(dataset, api_key=…, faults=…)` builds one; `get_default_app()` is the process-wide one built lazily
from settings.OPENDATA_DIR, settings.REPLICA_API_KEY and the REPLICA_* fault variables. The site's client reaches it
in process through `httpx.WSGITransport(app=get_default_app())` (base URL `http://replica.local`), or over a socket
with `python manage.py serve_replica`.
"""

import contextlib
import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from guidance.inserjeunes.territories import REGIONS
from guidance.replica import lists, routes, service_routes, svg
from guidance.replica.auth import Authenticator
from guidance.replica.dataset import Dataset, load_dataset
from guidance.replica.errors import (
    DONNEES_NON_DISPONIBLES,
    INTERNAL_ERROR,
    NOT_AUTHORIZED,
    WRONG_CREDENTIALS,
    ApiError,
    express_404,
    not_found,
)
from guidance.replica.faults import FaultConfig, FaultInjector
from guidance.replica.validation import Validator, Value, sanitized_query

logger = logging.getLogger(__name__)

PREFIX = "/api/inserjeunes"
_STATUS = {200: "200 OK", 304: "304 Not Modified", 400: "400 Bad Request", 401: "401 Unauthorized"}
_STATUS |= {404: "404 Not Found", 500: "500 Internal Server Error"}
# Express (path-to-regexp 8) tries each `{.:ext}` route with its extension first, then without; a parameter runs to
# the next `/` (`[^/]+`, so it may hold dots: the extension is what follows the last one), except one right after a
# `-` which cannot hold a `-`; and matching ignores case (`/API/InserJeunes/...` is the same route).
_ROUTES = {
    "list": r"/(certifications|formations|regionales|bcn)",
    "region_list": r"/regionales/([^/]+)",
    "national": r"/certifications/([^/]+)",
    "regional": r"/regionales/([^/]+)/certifications/([^/]+)",
    "formation": r"/formations/([^/]+)-([^/-]+)",
}
_ROUTE_PATTERNS = {
    name: (re.compile(body + r"\.([^/.]+)", re.IGNORECASE), re.compile(body, re.IGNORECASE))
    for name, body in _ROUTES.items()
}
# Every answer of the API goes through its CORS middleware (server.js, corsMiddleware.js).
_CORS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Headers", "Origin, X-Requested-With, Content-Type, Accept, API-Key"),
]
_STATS_LIST = {"millesimes", "code_certifications", "universe", "ext", "items_par_page", "page"}
_SINGLE = {"universe", "millesime", "direction", "theme", "ext", "imageOnError"}

Answer = tuple[int, list[tuple[str, str]], bytes]


def _route(name: str, route: str) -> tuple[str | None, ...] | None:
    """The parameters of route `name` (the extension last, None when absent), or None when it does not match."""
    with_ext, without_ext = _ROUTE_PATTERNS[name]
    if match := with_ext.fullmatch(route):
        return match.groups()
    if match := without_ext.fullmatch(route):
        return (*match.groups(), None)
    return None


@dataclass(frozen=True, slots=True)
class SvgOptions:
    """`ext`, `theme`, `direction` and `imageOnError` of a single route (used only when `ext` is `svg`)."""

    ext: str | None
    theme: str
    direction: str
    image_on_error: str

    @classmethod
    def read(cls, checker: Validator) -> "SvgOptions":
        direction = checker.choice("direction", ("horizontal", "vertical"))
        theme = checker.choice("theme", ("dsfr", "lba"))
        ext = checker.choice("ext", ("svg",))
        return cls(ext, theme or "dsfr", direction or "vertical", checker.image_on_error())


class ReplicaApp:
    """WSGI callable. Thread-safe: the dataset is read-only once built."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        api_key: str | None,
        faults: FaultConfig | None = None,
        credentials: dict[str, str] | None = None,
        openapi_file: Path | None = None,
    ) -> None:
        self.dataset = dataset
        self.auth = Authenticator(api_key, credentials)
        self.faults = FaultInjector(faults) if faults and faults.active else None
        self.openapi_file = openapi_file
        self._bcn_keys: list[tuple[str, str]] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            status, headers, body = self.answer(environ)
        except Exception:  # the API's generic 500, never a traceback
            logger.exception("replica: unexpected error on %s", environ.get("PATH_INFO"))
            status, headers, body = _json(ApiError(500, INTERNAL_ERROR).body(), 500, environ)
        status_line = _STATUS.get(status, f"{status} Error")
        headers = [*_CORS, *headers, ("Content-Length", str(len(body)))]
        if self.faults:
            # A truncated body keeps the full Content-Length, as when a streamed answer dies mid-way.
            status_line, headers, body = self.faults.apply(status_line, headers, body)
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers = [*headers, ("Content-Length", str(len(body)))]
        start_response(status_line, headers)
        # HEAD runs the GET route and sends its headers only (Express), Content-Length included.
        return [] if environ.get("REQUEST_METHOD", "GET").upper() == "HEAD" else [body]

    # --- dispatch ------------------------------------------------------------------------------------------
    def answer(self, environ: dict) -> Answer:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        # PEP 3333 servers give the percent-decoded path as latin-1 text of UTF-8 bytes; httpx's WSGITransport
        # gives it already decoded (so its non-latin-1 characters, or bytes that are no UTF-8, are kept as they are).
        with contextlib.suppress(UnicodeError):
            path = path.encode("latin-1").decode("utf-8")
        lowered = path.lower()  # Express matches paths ignoring case
        if lowered == "/api/doc" or lowered.startswith("/api/doc/"):  # mounted with `use`: any method, sub-path
            page = service_routes.doc_page(self.openapi_file)
            return _send(page, "text/html; charset=utf-8", environ) if page else express_404(method, path)
        reads = method in ("GET", "HEAD")
        if lowered in ("/api", "/api/") and reads:
            return _json(service_routes.health(self.dataset), 200, environ)
        if not lowered.startswith(PREFIX + "/"):
            return express_404(method, path)
        # Express routes are not strict: one trailing slash is allowed.
        route = path[len(PREFIX) :].removesuffix("/") or "/"
        query = sanitized_query(_query_values(environ.get("QUERY_STRING", "")))
        # Every route (public ones too) then moves a non-empty `apiKey` into the key header and drops it from the
        # parameters (authMiddleware.js); an empty one stays, and is then an unknown parameter.
        query_key = query.pop("apiKey") if query.get("apiKey") else None
        try:
            if route.lower() == "/auth/login" and method == "POST":
                return self.login(environ)
            handled = self.dispatch(route, query, environ, query_key) if reads else None
            if handled is None:
                return express_404(method, path)
            return handled
        except ApiError as error:
            return _json(error.body(), error.status, environ)

    def dispatch(self, route: str, query: dict, environ: dict, query_key: Value | None) -> Answer | None:
        ds = self.dataset
        # List routes read `{...query, ...path}` (the path wins), single routes `{...path, ...query}` (the query
        # wins, so `?ext=svg` asks for the image): as the API merges them.
        if match := _route("list", route):
            self.require_auth(environ, query_key)
            values, kind = {**query, **_given(ext=match[1])}, str(match[0]).lower()  # the kind is never absent
            return self.bcn_route(values) if kind == "bcn" else self.list_route(kind, values)
        if match := _route("national", route):
            checker = Validator(
                {**_given(codes_certifications=match[0], ext=match[1]), **query},
                _SINGLE | {"vue", "codes_certifications"},
            )
            codes = checker.codes("codes_certifications")
            return self.certifications_route(checker, environ, codes, lambda c, m, v: _national(ds, c, m, v))
        if match := _route("regional", route):
            path = _given(region=match[0], codes_certifications=match[1], ext=match[2])
            checker = Validator({**path, **query}, _SINGLE | {"vue", "region", "codes_certifications"})
            region = checker.region_at(["region"], checker.values["region"])
            codes = checker.codes("codes_certifications")
            # Called once the checker has refused an invalid region: `region` is then a code.
            return self.certifications_route(
                checker, environ, codes, lambda c, m, v: _regional(ds, str(region), c, m, v), region=region
            )
        if match := _route("region_list", route):
            self.require_auth(environ, query_key)
            values = {**query, **_given(region=match[0], ext=match[1])}
            return self.list_route("regionales", values, by_region=True)
        if match := _route("formation", route):
            path = _given(uai=match[0], code_certification=match[1], ext=match[2])
            checker = Validator({**path, **query}, _SINGLE | {"uai", "code_certification"})
            uai = checker.uai_at(["uai"], checker.values["uai"])
            code = checker.code("code_certification")
            # The API checks `universe` against `codes_certifications`, a key this route does not have: whatever
            # the code, only `secondaire` passes.
            checker.universe([])
            millesime = checker.millesime()
            options = SvgOptions.read(checker)
            checker.raise_if_invalid()
            assert uai is not None and code is not None  # raise_if_invalid refused their absence
            return self.single_answer(environ, options, lambda: routes.formation(ds, uai, code.code, millesime))
        return None

    def certifications_route(self, checker: Validator, environ: dict, codes, handler, region=None) -> Answer:
        checker.universe(codes)
        millesime = checker.millesime()
        vue = checker.choice("vue", ("filieres",))
        options = SvgOptions.read(checker)
        checker.raise_if_invalid()
        bare = [c.code for c in codes]
        filieres = vue == "filieres" or len(bare) > 1
        return self.single_answer(environ, options, lambda: handler(bare, millesime, vue), filieres, region)

    def single_answer(self, environ, options: SvgOptions, build, filieres: bool = False, region=None) -> Answer:
        """The JSON record, or with `ext=svg` its image; a 404 becomes an image when `imageOnError` asks so."""
        try:
            body = build()
            if options.ext != "svg":
                return _json(body, 200, environ=environ)
            views = [body.get("pro"), body.get("apprentissage")] if filieres else [body]
            if not any(svg.has_rates(view) for view in views):
                raise not_found(DONNEES_NON_DISPONIBLES)
            draw = svg.filieres_svg if filieres else svg.figures_svg
            image = draw(body, theme=options.theme, direction=options.direction)
        except ApiError as error:
            if options.ext != "svg" or options.image_on_error == "false" or error.status != 404:
                raise
            if options.image_on_error == "empty":
                image = svg.EMPTY_SVG
            else:
                name = REGIONS.get(region or "", "")
                image = svg.error_svg(theme=options.theme, direction=options.direction, region=name)
        return _send(image.encode(), "image/svg+xml; charset=utf-8", environ)

    def list_route(self, kind: str, values: dict[str, Value], *, by_region: bool = False) -> Answer:
        """`by_region`: `/regionales/{region}`, whose region comes from the path."""
        allowed = set(_STATS_LIST)
        if kind == "formations":
            allowed |= {"uais", "regions", "academies"}
        elif kind == "regionales":
            allowed |= {"region"} if by_region else {"regions"}
        checker = Validator(values, allowed)
        region = checker.region_at(["region"], values["region"]) if by_region else None
        uais = checker.uais() if kind == "formations" else []
        regions = checker.regions() if "regions" in allowed else []
        academies = checker.academies() if kind == "formations" else []
        millesimes = checker.millesimes()
        codes = checker.codes("code_certifications")
        checker.universe(codes)
        ext = checker.choice("ext", ("json", "csv"), "json")
        items_par_page = checker.number("items_par_page", 10)
        page = checker.number("page", 1)
        checker.raise_if_invalid()
        ds, bare = self.dataset, [c.code for c in codes or []]
        if kind == "certifications":
            stats = lists.certifications(ds, millesimes, bare)
        elif kind == "regionales":
            stats = lists.regionales(ds, millesimes, bare, [region] if region else regions)
        else:
            stats = lists.formations(ds, millesimes, bare, uais, regions, academies)
        selected, pagination = lists.paginate(stats, page, items_par_page)
        rows = lists.records(ds, selected, national=kind == "certifications")
        if ext == "csv":
            return 200, lists.csv_headers(), lists.to_csv(kind, rows).encode()
        return _list_json({kind: rows, "pagination": pagination})

    def bcn_route(self, values: dict[str, Value]) -> Answer:
        checker = Validator(values, {"ext", "items_par_page", "page"})
        ext = checker.choice("ext", ("json", "csv"), "json")
        items_par_page = checker.number("items_par_page", 10)
        page = checker.number("page", 1)
        checker.raise_if_invalid()
        if self._bcn_keys is None:
            self._bcn_keys = service_routes.bcn_keys(self.dataset)
        selected, pagination = lists.paginate(self._bcn_keys, page, items_par_page)
        records = [service_routes.bcn_record(self.dataset, kind, code) for kind, code in selected]
        if ext == "csv":
            return 200, lists.csv_headers(), service_routes.bcn_csv(records).encode()
        return _list_json({"bcn": records, "pagination": pagination})

    def require_auth(self, environ: dict, query_key: Value | None) -> None:
        if not self.auth.allowed(environ, query_key):
            raise ApiError(401, NOT_AUTHORIZED)

    def login(self, environ: dict) -> Answer:
        checker = Validator(_read_body(environ), {"username", "password"})
        username = checker.required_string("username")
        password = checker.required_string("password")
        checker.raise_if_invalid()
        assert username is not None and password is not None  # raise_if_invalid refused their absence
        if not self.auth.check_login(username, password):
            raise ApiError(401, WRONG_CREDENTIALS)
        return _json({"token": self.auth.issue(username)}, 200, environ)


def _national(ds: Dataset, codes: list[str], millesime: str | None, vue: str | None) -> dict:
    if vue == "filieres" or len(codes) > 1:
        return routes.national_filieres(ds, codes, millesime)
    return routes.national(ds, codes[0], millesime)


def _regional(ds: Dataset, region: str, codes: list[str], millesime: str | None, vue: str | None) -> dict:
    if vue == "filieres" or len(codes) > 1:
        return routes.regional_filieres(ds, region, codes, millesime)
    return routes.regional(ds, region, codes[0], millesime)


def _given(**params: str | None) -> dict[str, str]:
    """The path parameters that matched (an absent `{.:ext}` is no parameter at all)."""
    return {name: value for name, value in params.items() if value is not None}


def _query_values(query_string: str) -> dict[str, Value]:
    """A parameter given once is a string, a repeated one a list, as the API's query parser reads them."""
    parsed = parse_qs(query_string, keep_blank_values=True)
    return {name: values[0] if len(values) == 1 else values for name, values in parsed.items()}


def _read_body(environ: dict) -> dict:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    content_type = environ.get("CONTENT_TYPE", "")
    if "json" in content_type:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return _query_values(raw.decode("utf-8", "replace"))


def _send(payload: bytes, content_type: str, environ: dict, status: int = 200) -> Answer:
    """An answer sent as Express `res.send` does: a weak ETag whatever the status (errors too), and a 304 to a
    matching `If-None-Match` only for a GET or HEAD answered 2xx."""
    etag = 'W/"' + hashlib.sha1(payload, usedforsecurity=False).hexdigest() + '"'
    fresh = 200 <= status < 300 and environ.get("REQUEST_METHOD", "GET").upper() in ("GET", "HEAD")
    if fresh and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
        return 304, [("ETag", etag)], b""
    return status, [("Content-Type", content_type), ("ETag", etag)], payload


def _json(body: object, status: int, environ: dict) -> Answer:
    return _send(_compact(body), "application/json; charset=utf-8", environ, status)


def _list_json(body: dict) -> Answer:
    """Lists are streamed by the API with a bare `application/json` and no ETag."""
    return 200, [("Content-Type", "application/json")], _compact(body)


def _compact(body: object) -> bytes:
    """JSON as JavaScript's JSON.stringify writes it: no spaces, non-ASCII text as is."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def create_app(
    dataset: Dataset,
    *,
    api_key: str | None,
    faults: FaultConfig | None = None,
    credentials: dict[str, str] | None = None,
    openapi_file: Path | None = None,
) -> ReplicaApp:
    """A WSGI callable serving `dataset`. `api_key` opens the private routes (None: only tokens from logins with
    `credentials` do); `faults` are injected on every answer; `openapi_file` is what `/api/doc` shows."""
    return ReplicaApp(dataset, api_key=api_key, faults=faults, credentials=credentials, openapi_file=openapi_file)


_default_app: ReplicaApp | None = None
_default_lock = threading.Lock()


def get_default_app() -> ReplicaApp:
    """The process-wide replica, built once (thread-safe) from the settings and the REPLICA_* variables."""
    global _default_app
    if _default_app is None:
        with _default_lock:
            if _default_app is None:
                from django.conf import settings

                _default_app = create_app(
                    load_dataset(settings.OPENDATA_DIR),
                    api_key=settings.REPLICA_API_KEY or None,
                    faults=FaultConfig.from_env(),
                    openapi_file=service_routes.default_openapi_file(settings.OPENDATA_DIR),
                )
    return _default_app
