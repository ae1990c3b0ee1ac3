"""The replica as a plain WSGI application (no Django URLconf: it must import and answer fast).

`create_app(dataset, api_key=…, faults=…)` builds one; `get_default_app()` is the process-wide one built lazily
from settings.OPENDATA_DIR, settings.REPLICA_API_KEY and the REPLICA_* fault variables. The site's client reaches it
in process through `httpx.WSGITransport(app=get_default_app())` (base URL `http://replica.local`), or over a socket
with `python manage.py serve_replica`.
"""

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from guidance.replica import lists, routes
from guidance.replica.auth import Authenticator
from guidance.replica.dataset import Dataset, load_dataset
from guidance.replica.errors import INTERNAL_ERROR, NOT_AUTHORIZED, WRONG_CREDENTIALS, ApiError, detail
from guidance.replica.faults import FaultConfig, FaultInjector
from guidance.replica.validation import Validator

logger = logging.getLogger(__name__)

PREFIX = "/api/inserjeunes"
_STATUS = {200: "200 OK", 304: "304 Not Modified", 400: "400 Bad Request", 401: "401 Unauthorized"}
_STATUS |= {404: "404 Not Found", 500: "500 Internal Server Error"}
_LIST_ROUTE = re.compile(r"^/(certifications|formations|regionales)(?:\.([^/]*))?$")
_REGION_LIST_ROUTE = re.compile(r"^/regionales/([^/.]+)(?:\.([^/]*))?$")
_NATIONAL_ROUTE = re.compile(r"^/certifications/([^/]+)$")
_REGIONAL_ROUTE = re.compile(r"^/regionales/([^/]+)/certifications/([^/]+)$")
_FORMATION_ROUTE = re.compile(r"^/formations/([^/-]+)-([^/]+)$")

Answer = tuple[int, list[tuple[str, str]], bytes]


class ReplicaApp:
    """WSGI callable. Thread-safe: the dataset is read-only once built."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        api_key: str | None,
        faults: FaultConfig | None = None,
        credentials: dict[str, str] | None = None,
    ) -> None:
        self.dataset = dataset
        self.auth = Authenticator(api_key, credentials)
        self.faults = FaultInjector(faults) if faults and faults.active else None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            status, headers, body = self.answer(environ)
        except Exception:  # the API's generic 500, never a traceback
            logger.exception("replica: unexpected error on %s", environ.get("PATH_INFO"))
            status, headers, body = _json(ApiError(500, INTERNAL_ERROR).body(), 500)
        status_line = _STATUS.get(status, f"{status} Error")
        headers = [*headers, ("Content-Length", str(len(body)))]
        if self.faults:
            # A truncated body keeps the full Content-Length, as when a streamed answer dies mid-way.
            status_line, headers, body = self.faults.apply(status_line, headers, body)
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers = [*headers, ("Content-Length", str(len(body)))]
        start_response(status_line, headers)
        return [body]

    # --- dispatch ------------------------------------------------------------------------------------------
    def answer(self, environ: dict) -> Answer:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        # WSGI gives the percent-decoded path as latin-1 text; the API's paths are UTF-8.
        path = path.encode("latin-1").decode("utf-8", "replace")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if not path.startswith(PREFIX + "/"):
            return _html_404(method, path)
        route = path[len(PREFIX) :]
        query_key = (query.pop("apiKey", None) or [None])[-1]
        try:
            if route == "/auth/login" and method == "POST":
                return self.login(environ)
            if method != "GET":
                return _html_404(method, path)
            handled = self.dispatch(route, query, environ, query_key)
            if handled is None:
                return _html_404(method, path)
            return handled
        except ApiError as error:
            return _json(error.body(), error.status)

    def dispatch(self, route: str, query: dict, environ: dict, query_key: str | None) -> Answer | None:
        ds = self.dataset
        if match := _LIST_ROUTE.match(route):
            self.require_auth(environ, query_key)
            return self.list_route(match[1], match[2], None, query)
        if match := _NATIONAL_ROUTE.match(route):
            checker = Validator(query, {"millesime", "vue"})
            return self.certifications_route(
                checker, environ, match[1], lambda codes, m, vue: _national(ds, codes, m, vue)
            )
        if match := _REGIONAL_ROUTE.match(route):
            checker = Validator(query, {"millesime", "vue"})
            region = checker.region(match[1], ["region"])
            return self.certifications_route(
                checker, environ, match[2], lambda codes, m, vue: _regional(ds, region, codes, m, vue)
            )
        if match := _REGION_LIST_ROUTE.match(route):
            self.require_auth(environ, query_key)
            return self.list_route("regionales", match[2], match[1], query)
        if match := _FORMATION_ROUTE.match(route):
            checker = Validator(query, {"millesime"})
            uai = checker.uai(match[1], ["uai"])
            code = checker.code(match[2])
            millesime = checker.millesime(checker.scalar("millesime"), ["millesime"])
            checker.raise_if_invalid()
            body = routes.formation(ds, uai, code.code, millesime)
            return _json(body, 200, environ=environ)
        return None

    def certifications_route(self, checker: Validator, environ: dict, raw_codes: str, handler) -> Answer:
        codes = checker.codes(re.split(r"[,|]", raw_codes), "codes_certifications")
        millesime = checker.millesime(checker.scalar("millesime"), ["millesime"])
        vue = checker.choice("vue", ("filieres",))
        checker.raise_if_invalid()
        return _json(handler([c.code for c in codes], millesime, vue), 200, environ=environ)

    def list_route(self, kind: str, ext: str | None, region_raw: str | None, query: dict) -> Answer:
        allowed = {"millesimes", "code_certifications", "page", "items_par_page"}
        if kind == "formations":
            allowed |= {"uais", "regions", "academies"}
        if kind == "regionales" and region_raw is None:
            allowed |= {"regions"}
        checker = Validator(query, allowed)
        if ext is not None and ext not in {"json", "csv"}:
            checker.details.append(detail(["ext"], "{label} must be one of [json, csv]", "any.only", ext))
        region = checker.region(region_raw, ["region"]) if region_raw is not None else None
        millesimes = [
            m for i, raw in enumerate(checker.items("millesimes")) if (m := checker.millesime(raw, ["millesimes", i]))
        ]
        codes = [c.code for c in checker.codes(checker.items("code_certifications"), "code_certifications")]
        regions = [r for i, raw in enumerate(checker.items("regions")) if (r := checker.region(raw, ["regions", i]))]
        uais = [u for i, raw in enumerate(checker.items("uais")) if (u := checker.uai(raw, ["uais", i]))]
        academies = [
            a for i, raw in enumerate(checker.items("academies")) if (a := checker.academie(raw, ["academies", i]))
        ]
        page = checker.number("page", 1)
        items_par_page = checker.number("items_par_page", 10)
        checker.raise_if_invalid()
        ds = self.dataset
        if kind == "certifications":
            stats = lists.certifications(ds, millesimes, codes)
        elif kind == "regionales":
            stats = lists.regionales(ds, millesimes, codes, [region] if region else regions)
        else:
            stats = lists.formations(ds, millesimes, codes, uais, regions, academies)
        selected, pagination = lists.paginate(stats, page, items_par_page)
        rows = lists.records(ds, selected, national=kind == "certifications")
        if ext == "csv":
            return 200, [("Content-Type", "text/csv; charset=UTF-8")], lists.to_csv(kind, rows).encode()
        return _json({kind: rows, "pagination": pagination}, 200)

    def require_auth(self, environ: dict, query_key: str | None) -> None:
        if not self.auth.allowed(environ, query_key):
            raise ApiError(401, NOT_AUTHORIZED)

    def login(self, environ: dict) -> Answer:
        fields = _read_body(environ)
        details = [
            detail([name], "{label} is required", "any.required", None)
            for name in ("username", "password")
            if not isinstance(fields.get(name), str) or not fields.get(name)
        ]
        if details:
            raise ApiError(400, "Erreur de validation", details=details)
        if not self.auth.check_login(fields["username"], fields["password"]):
            raise ApiError(401, WRONG_CREDENTIALS)
        return _json({"token": self.auth.issue(fields["username"])}, 200)


def _national(ds: Dataset, codes: list[str], millesime: str | None, vue: str | None) -> dict:
    if vue == "filieres" or len(codes) > 1:
        return routes.national_filieres(ds, codes, millesime)
    return routes.national(ds, codes[0], millesime)


def _regional(ds: Dataset, region: str, codes: list[str], millesime: str | None, vue: str | None) -> dict:
    if vue == "filieres" or len(codes) > 1:
        return routes.regional_filieres(ds, region, codes, millesime)
    return routes.regional(ds, region, codes[0], millesime)


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
    return {key: values[-1] for key, values in parse_qs(raw.decode("utf-8", "replace")).items()}


def _json(body: object, status: int, *, environ: dict | None = None) -> Answer:
    """A JSON answer. Given the request `environ`, a single-item 200 carries a weak ETag and answers 304 to a
    matching `If-None-Match`, as the API does."""
    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = [("Content-Type", "application/json; charset=utf-8")]
    if environ is not None and status == 200:
        etag = 'W/"' + hashlib.sha1(payload, usedforsecurity=False).hexdigest() + '"'
        headers.append(("ETag", etag))
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            return 304, [("ETag", etag)], b""
    return status, headers, payload


def _html_404(method: str, path: str) -> Answer:
    """Express's default page for a path no route matches."""
    safe = path.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n'
        f"<body>\n<pre>Cannot {method} {safe}</pre>\n</body>\n</html>\n"
    )
    return 404, [("Content-Type", "text/html; charset=utf-8")], html.encode()


def create_app(
    dataset: Dataset,
    *,
    api_key: str | None,
    faults: FaultConfig | None = None,
    credentials: dict[str, str] | None = None,
) -> ReplicaApp:
    """A WSGI callable serving `dataset`. `api_key` opens the private routes (None: only tokens from logins with
    `credentials` do); `faults` are injected on every answer."""
    return ReplicaApp(dataset, api_key=api_key, faults=faults, credentials=credentials)


_default_app: ReplicaApp | None = None
_default_lock = threading.Lock()


def get_default_app() -> ReplicaApp:
    """The process-wide replica, built once (thread-safe) from the settings and the REPLICA_* variables."""
    global _default_app
    if _default_app is None:
        with _default_lock:
            if _default_app is None:
                from django.conf import settings

                credentials = {}
                if settings.INSERJEUNES_API_USERNAME and settings.INSERJEUNES_API_PASSWORD:
                    credentials[settings.INSERJEUNES_API_USERNAME] = settings.INSERJEUNES_API_PASSWORD
                _default_app = create_app(
                    load_dataset(settings.OPENDATA_DIR),
                    api_key=settings.REPLICA_API_KEY or None,
                    faults=FaultConfig.from_env(),
                    credentials=credentials,
                )
    return _default_app
