"""Attacks on the shared page cache (issue 20, findings 1, 3 and 7): nobody can make it serve a fragment as a page
(or the reverse), a malformed `Accept-Encoding` never breaks a page, and junk query parameters never make new
entries. Each test sends what an attacker sends and checks what the next visitor gets."""

import pytest
from django.core.cache import caches

from tests.factories import real_bac_pro
from tests.support import reset_for_tests

pytestmark = pytest.mark.django_db

# What the views answer (django-htmx's reading: a header `X` is URL-decoded when `X-URI-AutoEncoded: true` is sent).
PAGE, FRAGMENT = "page", "fragment"
VARIANTS = {
    "plain page": ({}, PAGE),
    "plain fragment": ({"HTTP_HX_REQUEST": "true"}, FRAGMENT),
    "encoded fragment": ({"HTTP_HX_REQUEST": "%74rue", "HTTP_HX_REQUEST_URI_AUTOENCODED": "true"}, FRAGMENT),
    "encoded, not said so": ({"HTTP_HX_REQUEST": "%74rue"}, PAGE),
    "plain history restore": ({"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}, PAGE),
    "encoded history restore": (
        {
            "HTTP_HX_REQUEST": "true",
            "HTTP_HX_HISTORY_RESTORE_REQUEST": "%74rue",
            "HTTP_HX_HISTORY_RESTORE_REQUEST_URI_AUTOENCODED": "true",
        },
        PAGE,
    ),
    "both encoded": (
        {
            "HTTP_HX_REQUEST": "%74%72%75%65",
            "HTTP_HX_REQUEST_URI_AUTOENCODED": "true",
            "HTTP_HX_TARGET": "%72esultats",
            "HTTP_HX_TARGET_URI_AUTOENCODED": "true",
        },
        FRAGMENT,
    ),
}


def _kind(response) -> str:
    assert response.status_code == 200, response.status_code
    return PAGE if b"<html" in response.content else FRAGMENT


def _state(response) -> str:
    return response.headers.get("X-Page-Cache", "")


@pytest.fixture
def pages(imported):
    """Home, the two searches and a formation page of the imported sample (the real bac pro, with its schools)."""
    return ["/", "/formations/?q=cuisine", "/etablissements/?q=lycee", f"/formations/{real_bac_pro().cfd}/"]


@pytest.mark.parametrize("first", list(VARIANTS))
def test_encoded_htmx_headers_never_make_the_cache_serve_the_other_kind(client, pages, first):
    """Whatever is asked first (encoded or plain, fragment or page), every later request, hit or miss, gets the kind
    the views give its own headers."""
    for url in pages:
        reset_for_tests()
        headers, expected = VARIANTS[first]
        assert _kind(client.get(url, **headers)) == expected, (url, first)
        for _round in range(2):  # the second round is served from the cache
            for name, (headers, expected) in VARIANTS.items():
                response = client.get(url, **headers)
                assert _kind(response) == expected, (url, first, name, _state(response))


def test_the_encoded_attack_leaves_home_and_search_as_full_pages_and_live_search_its_fragment(client, pages):
    attack = VARIANTS["encoded fragment"][0]
    restore_attack = VARIANTS["encoded history restore"][0]
    for url in ("/", "/formations/?q=cuisine"):
        client.get(url, **attack)
        client.get(url, **restore_attack)
        full = client.get(url)
        live = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="resultats")
        assert _kind(full) == PAGE and _kind(live) == FRAGMENT, url
        assert _state(client.get(url)) == "hit" and _kind(client.get(url)) == PAGE


def test_the_schools_fragment_of_a_formation_page_is_keyed_on_the_target_as_the_view_reads_it(client, pages):
    url = pages[-1]
    encoded = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="%65coles", HTTP_HX_TARGET_URI_AUTOENCODED="true")
    plain = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ecoles")
    devenir = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="devenir")
    assert (_state(encoded), _state(plain)) == ("miss", "hit")  # one decision, one entry
    assert plain.content == encoded.content != devenir.content


# --- Accept-Encoding (finding 3) ---------------------------------------------------------------------------------

MALFORMED_ACCEPT_ENCODINGS = ["gzip;q=1.2.3", "gzip;q=.", "gzip;q=", "gzip;q=..5", "gzip;q=1..", "gzip;q=0.5.5, br"]


@pytest.mark.parametrize("value", MALFORMED_ACCEPT_ENCODINGS)
def test_a_malformed_accept_encoding_gets_the_page_uncompressed_with_its_security_headers(client, pages, value):
    for url in pages:
        for _ in range(2):  # a miss, then a hit
            response = client.get(url, HTTP_ACCEPT_ENCODING=value)
            assert response.status_code == 200, (url, value)
            assert "Content-Encoding" not in response  # a q we cannot read is "not accepted"
            assert response["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
            assert b"<html" in response.content


# --- Unknown query parameters (finding 7) -------------------------------------------------------------------------


def test_unknown_query_parameters_make_no_new_entry_and_never_reach_the_page(client, pages):
    for url in pages:
        separator = "&" if "?" in url else "?"
        first = client.get(f"{url}{separator}utm_source=newsletter")
        junk = [client.get(f"{url}{separator}junk{n}={n}&utm_campaign=x{n}") for n in range(100)]
        assert _state(first) == "miss", url
        assert {_state(response) for response in junk} == {"hit"}, url
        assert all(response.content == first.content for response in junk)
        assert b"utm_source" not in first.content and b"newsletter" not in first.content
        assert _state(client.get(url)) == "hit"  # the address without them is the same page


@pytest.mark.xdist_group("redis")  # this machine's Redis is shared by the test workers: one runs its tests
def test_junk_parameters_make_one_redis_key_in_production_s_shared_cache(client, pages, settings):
    """Production's backend (Redis): 100 junk requests leave one page entry, not 100 (this machine's Redis, db 3)."""
    redis = pytest.importorskip("redis")
    location = "redis://127.0.0.1:6379/3"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {location}: {exc}")
    prefix = "guidance-tests-h20:pages"
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGECACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        },
    }
    caches[settings.PAGECACHE_ALIAS].clear()
    raw = redis.Redis.from_url(location)
    try:
        for n in range(100):
            client.get(f"/formations/?q=cuisine&junk={n}")
        client.get("/formations/?q=cuisine", HTTP_HX_REQUEST="%74rue", HTTP_HX_REQUEST_URI_AUTOENCODED="true")
        assert len(list(raw.scan_iter(f"{prefix}*"))) == 2  # the page and its fragment
        assert _kind(client.get("/formations/?q=cuisine")) == PAGE
    finally:
        caches[settings.PAGECACHE_ALIAS].clear()
