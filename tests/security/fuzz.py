"""A bounded, seeded request fuzzer over every URL pattern of the site (plain Python: `random.Random(seed)`).

`requests(seed, count, pools)` yields `Attempt`s: a method, a path built from one URL pattern with its parameters
filled from `pools` (real codes of the imported catalogue, their near misses and junk), a query string of known
and unknown parameters (valid, malformed, repeated), and headers an attacker sends (encoded htmx headers, malformed
Accept-Encoding and conditional headers, junk cookies, a foreign or malformed Host now and then). The same seed
gives the same requests: a failure names its seed and its request, to replay it.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

ALLOWED_HOST = "testserver"


@dataclass(frozen=True)
class Pattern:
    regex: str  # the whole address's regex, as the resolver matches it
    template: str  # "formations/%(cfd)s/" (Django's own `normalize`)
    params: tuple[str, ...]


@dataclass
class Attempt:
    pattern: Pattern
    method: str
    path: str
    query: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    def __str__(self) -> str:
        return f"{self.method} {self.url} {self.headers}"


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the site (admin included), with the template Django reverses it with."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            regex = entry.pattern.regex.pattern
            regex = prefix + (regex[1:] if prefix and regex.startswith("^") else regex)
            if isinstance(entry, URLResolver):
                yield from walk(entry, regex)
            elif isinstance(entry, URLPattern):
                template, params = normalize(regex)[0]
                yield Pattern(regex, template, tuple(params))

    return list(walk(get_resolver(), ""))


# --- Values ------------------------------------------------------------------------------------------------------

JUNK = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "9" * 40,
    "null",
    "undefined",
    "%",
    "%ZZ",
    "%00",
    "%2e%2e%2f",
    "..",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "' OR 1=1 --",
    '=HYPERLINK("https://evil.example")',
    "\u202e\u0644\u0627",
    "é" * 70,
    "😀",
    "\x00",
    "a\r\nSet-Cookie: x=1",
    "CFD:40031213",
    "MEFSTAT11:40031213",
    "SISE:2500200",
    "x" * 3000,
]
PARAMETERS = {
    "q": ["cuisine", "bac pro commerce", "31000", "lycée", "cuisine millau", "a" * 201, "*", "ab|cd"],
    "niveau": ["3", "4", "5", "9", "CAP"],
    "voie": ["scolaire", "apprentissage", "SCOLAIRE", "tous"],
    "domaine": ["221", "312", "999"],
    "region": ["84", "11", "76", "00", "99", "2A", "0"],
    "departement": ["075", "031", "02A", "75", "999"],
    "millesime": ["2022_2023", "2021_2022", "2023_2022", "2022", "2022-2023", "1900_1901"],
    "page": ["1", "2", "999999", "0", "-3", "abc", "1.5"],
    "layout": ["compact", "full", "big"],
    "theme": ["dsfr", "light", "dark", "neon"],
    "direction": ["horizontal", "vertical", "diagonal"],
    "tri": ["emploi", "poursuite", "salaire"],
    "minimum": ["0", "50", "100", "101", "-1", "x"],
    "type": ["lycee_pro", "cfa", "zzz"],
    "secteur": ["public", "prive", "les_deux"],
    "item": [],  # filled from the catalogue
    "next": ["/comparer/", "https://evil.example/", "//evil.example", "/\\evil.example"],
    "action": ["add", "remove", "clear", "explode"],
}
HEADER_CHOICES = {
    "HTTP_HX_REQUEST": ["true", "%74rue", "%74%72%75%65", "false", "TRUE", "1"],
    "HTTP_HX_REQUEST_URI_AUTOENCODED": ["true", "false"],
    "HTTP_HX_TARGET": ["resultats", "ecoles", "devenir", "%65coles", "%ZZ", "x" * 500],
    "HTTP_HX_TARGET_URI_AUTOENCODED": ["true"],
    "HTTP_HX_HISTORY_RESTORE_REQUEST": ["true", "%74rue"],
    "HTTP_HX_HISTORY_RESTORE_REQUEST_URI_AUTOENCODED": ["true"],
    "HTTP_HX_CURRENT_URL": ["http://testserver/", "javascript:alert(1)", "%"],
    "HTTP_HX_TRIGGER": ["q", "<x>"],
    "HTTP_ACCEPT_ENCODING": ["gzip", "gzip;q=1.2.3", "gzip;q=.", "br, gzip;q=0", "*;q=", "gzip;q=0.5;q=x", ",,;"],
    "HTTP_IF_NONE_MATCH": ['"abc"', "*", "W/", '"' * 50],
    "HTTP_IF_MODIFIED_SINCE": ["Wed, 21 Oct 2015 07:28:00 GMT", "yesterday", "0", "Fri, 31 Dec 9999 23:59:59 GMT"],
    "HTTP_RANGE": ["bytes=0-10", "bytes=-1", "items=1"],
    "HTTP_ACCEPT": ["text/html", "*/*", "application/json;q=x"],
    "HTTP_ACCEPT_LANGUAGE": ["fr", "en-US,en;q=0.5", "zz;q=9", "x" * 300],
    "HTTP_COOKIE": [
        "selection=f:40031213",
        "selection=%ZZ",
        "selection=" + "f:40031213|" * 50,
        "sessionid=forged",
        "csrftoken=" + "a" * 64,
        "messages=forged",
        'selection="unterminated',
    ],
    "HTTP_X_FORWARDED_PROTO": ["https", "http, https", "gopher"],
    "HTTP_X_FORWARDED_HOST": ["evil.example"],
    "HTTP_REFERER": ["https://evil.example/", "%"],
    "HTTP_ORIGIN": ["https://evil.example", "null"],
    "HTTP_SEC_FETCH_SITE": ["cross-site", "same-origin"],
}
HOSTS = ["evil.example", "testserver:99999", "testserver@evil.example", "[::1", "exa mple", "localhost", "[::1]"]
METHODS = ["GET"] * 14 + ["HEAD"] * 3 + ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"]


def pools(formations: list[str], schools: list[str], diplomas: Sequence[str] = ()) -> dict[str, list[str]]:
    """Values of the path parameters: real codes, their near misses (case, spaces, one character off) and junk;
    `diplomas` are SISE codes (higher education, 7 characters)."""
    near = [f(code) for code in formations[:3] for f in (str.lower, lambda c: f" {c} ", lambda c: c[:-1])]
    near_uai = [f(code) for code in schools[:3] for f in (str.lower, lambda c: f"{c} ", lambda c: c[:-1] + "Z")]
    near_sise = [f(code) for code in diplomas[:3] for f in (str.lower, lambda c: f" {c}", lambda c: c[:-1] + "é")]
    return {
        "cfd": [*formations, *near, "99999999", "40031213"],
        "code": [*diplomas, *near_sise, "9999999", "m000171", "SISE:23"],
        "uai": [*schools, *near_uai, "0000000Z", "0750001A"],
        "rest": ["formation-slug/", "a/b/c", "integrer/extra", "export.xml"],
        "section": ["formations", "etablissements", "pages", "nope"],
        "object_id": ["1", "0", "999999"],
        "content_type_id": ["1", "999"],
        "id": ["1", "abc"],
        "app_label": ["catalog", "auth", "pagecache", "nope"],
        "url": ["nope/", "catalog/formation/1/change/extra"],
        "item": [
            *(f"f:{code}" for code in formations),
            *(f"f:{code}:scolaire" for code in formations),
            *(f"e:{uai}:{code}:apprentissage" for uai in schools[:3] for code in formations[:3]),
            *(f"f:{code}:superieur" for code in diplomas[:3]),
            *(f"e:{uai}:{code}:superieur" for uai in schools[:2] for code in diplomas[:2]),
            "f:", "e:1:2:3", "z:zz", "f:40031213:nope", "f:2300030:scolaire",
        ],
    }  # fmt: skip


def _value(rng: random.Random, choices: list[str]) -> str:
    roll = rng.random()
    if roll < 0.7 and choices:
        return rng.choice(choices)
    if roll < 0.9:
        return rng.choice(JUNK)
    return "".join(rng.choice(string.printable + "éà€😀\u0000") for _ in range(rng.randint(1, 40)))


def _path(pattern: Pattern, values: dict[str, str]) -> str:
    return "/" + pattern.template % {name: quote(values[name], safe="/" if name == "rest" else "") for name in values}


def _random_path(rng: random.Random, pattern: Pattern, pools: dict[str, list[str]]) -> str:
    return _path(pattern, {name: _value(rng, pools.get(name, [])) for name in pattern.params})


def _query(rng: random.Random, values: dict[str, list[str]]) -> str:
    pairs = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
        name = rng.choice([*PARAMETERS, "utm_source", "fbclid", "page[]", "%ZZ", "q\x00"])
        pairs.append((name, _value(rng, PARAMETERS.get(name) or values.get(name, []))))
    query = urlencode(pairs)
    if rng.random() < 0.05:
        query += rng.choice(["&&", "&=x", "&q", "%", "&q=%ZZ", ";q=1"])
    return query


def _headers(rng: random.Random) -> dict[str, str]:
    names = rng.sample(list(HEADER_CHOICES), rng.choice([0, 1, 2, 3, 5]))
    headers = {name: rng.choice(HEADER_CHOICES[name]) for name in names}
    if rng.random() < 0.05:
        headers["HTTP_HOST"] = rng.choice(HOSTS)
    return headers


def requests(seed: int, count: int, values: dict[str, list[str]]) -> Iterator[Attempt]:
    """`count` attempts; every pattern first once with a plain GET, then patterns drawn at random (the site's
    own pages four times as often as the admin's), a few cut short or unknown to every pattern."""
    rng = random.Random(seed)
    patterns = url_patterns()
    weights = [1 if pattern.template.startswith("gestion/") else 4 for pattern in patterns]
    for index in range(count):
        if index < len(patterns):
            pattern = patterns[index]
            yield Attempt(pattern, "GET", _path(pattern, {name: values[name][0] for name in pattern.params}), "")
            continue
        pattern = rng.choices(patterns, weights)[0]
        path = _random_path(rng, pattern, values)
        roll = rng.random()
        if roll < 0.05:  # the address without its last character (a slash: the APPEND_SLASH redirect)
            path = path[:-1] or "/"
        elif roll < 0.08:  # an address no pattern knows
            path = "/" + quote(_value(rng, ["wp-admin/", ".env", "static/../settings.py", "formations"]), safe="/")
        yield Attempt(pattern, rng.choice(METHODS), path, _query(rng, values), _headers(rng))
