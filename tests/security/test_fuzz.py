"""The security suite's fuzzer (issue 20): a few thousand seeded requests over every URL pattern, against the
imported sample catalogue, with the page cache on. It fails on any 5xx, any traceback or error log, and any answer
without the security headers; afterwards no page of the shared cache is the wrong kind (page or fragment).

`FUZZ_SEED` and `FUZZ_REQUESTS` (environment) replay or lengthen a run; a failure prints its seed and requests.
"""

import logging
import os
import re
import time
from urllib.parse import unquote

import pytest
from django.test import Client

from guidance.catalog.models import CodeType, Formation, Offer
from tests.security import fuzz

pytestmark = pytest.mark.django_db

SEED = int(os.environ.get("FUZZ_SEED", "20"))
COUNT = int(os.environ.get("FUZZ_REQUESTS", "3000"))
FRAGMENT_PAGES = ["/", "/formations/?q=cuisine", "/etablissements/?q=lycee"]


def _problems(attempt: fuzz.Attempt, response) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    body = response.content if not response.streaming else b""
    if b"Traceback" in body or b"technical_500" in body or b'id="traceback"' in body:
        found.append("traceback in the body")
    if response.status_code == 304:
        return found  # no body: the browser keeps the headers of the answer it holds
    csp = response.get("Content-Security-Policy", "")
    if not csp:
        found.append("no Content-Security-Policy")
    framable = "frame-ancestors *" in csp  # an embed or a badge: made to be framed, and says so
    if not framable and response.get("X-Frame-Options") != "DENY":
        found.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        found.append("no Referrer-Policy")
    return found


def _resolved(patterns: list[fuzz.Pattern], path: str) -> fuzz.Pattern | None:
    """The pattern Django resolves `path` to (the first that matches, in the resolver's order)."""
    target = unquote(path).removeprefix("/")
    return next((pattern for pattern in patterns if re.match(pattern.regex, target)), None)


def test_a_seeded_fuzz_of_every_url_pattern_finds_no_5xx_traceback_or_missing_header(imported, caplog):
    formations = list(Offer.objects.values_list("formation__cfd", flat=True).distinct().order_by("formation__cfd"))
    formations = formations[:4] + list(Formation.objects.filter(offer_count=0).values_list("cfd", flat=True)[:2])
    schools = list(Offer.objects.values_list("school__uai", flat=True).distinct().order_by("school__uai")[:4])
    diplomas = list(Formation.objects.filter(code_type=CodeType.SISE).values_list("cfd", flat=True)[:4])
    values = fuzz.pools(formations, schools, diplomas)
    patterns = fuzz.url_patterns()
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    caplog.set_level(logging.ERROR)

    failures, covered, statuses = [], set(), {}
    started = time.monotonic()
    for attempt in fuzz.requests(SEED, COUNT, values):
        response = client.generic(attempt.method, attempt.url, **attempt.headers)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if problems := _problems(attempt, response):
            failures.append(f"{attempt} → {', '.join(problems)}")
        if (pattern := _resolved(patterns, attempt.path)) is not None:
            covered.add(pattern)
        client.cookies.clear()  # each request stands alone (a CSRF cookie would make the next one personal)
    elapsed = time.monotonic() - started

    errors = [
        f"{record.name}: {record.getMessage()[:200]}"
        for record in caplog.records
        if record.levelno >= logging.ERROR and not record.name.startswith("django.security")
    ]
    summary = f"seed {SEED}, {COUNT} requests in {elapsed:.1f} s, statuses {sorted(statuses.items())}"
    assert failures == [], f"{summary}\n" + "\n".join(failures[:20])
    assert errors == [], f"{summary}\n" + "\n".join(errors[:20])
    assert covered == set(patterns), [p.template for p in patterns if p not in covered]
    assert sum(n for status, n in statuses.items() if status == 200) > COUNT / 10, summary  # pages, not only 4xx
    print(summary)  # noqa: T201 (the suite's measure, read in CI logs)

    # What the fuzz left in the shared page cache is still the right kind for everyone.
    for url in FRAGMENT_PAGES:
        assert b"<html" in client.get(url).content, url
        assert b"<html" not in client.get(url, HTTP_HX_REQUEST="true").content, url
