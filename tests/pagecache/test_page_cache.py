"""The page cache (guidance.pagecache): what is stored, for whom, how it is answered, and what makes it recompute."""

import re
from urllib.parse import parse_qsl

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guidance.catalog import stats
from guidance.catalog.models import Formation
from guidance.indicators import service
from guidance.indicators.models import CacheEntry
from guidance.inserjeunes.routes import UpstreamRequest
from guidance.pagecache import generations
from guidance.pagecache.markers import cache_page_view, mark_uncacheable
from guidance.pagecache.middleware import PageCacheMiddleware
from tests.factories import make_formation, real_bac_pro

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "devenir"}


@pytest.fixture
def formation_url():
    real = real_bac_pro()
    make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    return f"/formations/{real.cfd}/"


def _state(response) -> str:
    return response.headers.get("X-Page-Cache", "")


def test_a_second_anonymous_visit_is_served_from_the_cache_with_the_same_body_and_headers(client, formation_url):
    first = client.get(formation_url)
    second = client.get(formation_url)
    assert (_state(first), _state(second)) == ("miss", "hit")
    assert second.content == first.content
    for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "ETag", "Last-Modified", "Vary"):
        assert second[header] == first[header], header
    assert second["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"
    assert {v.strip() for v in second["Vary"].split(",")} >= {"HX-Request", "HX-Target", "HX-History-Restore-Request"}
    assert "nonce-" not in second["Content-Security-Policy"]


def test_a_warm_page_makes_no_query_at_all(client, formation_url, settings):
    settings.PAGECACHE_GENERATION_TTL = 60  # the generations are read once a second: not within this test
    client.get(formation_url)
    with CaptureQueriesContext(connection) as queries:
        assert _state(client.get(formation_url)) == "hit"
    assert len(queries) == 0


def test_a_conditional_get_gets_304_on_the_etag_and_on_the_date(client, formation_url):
    first = client.get(formation_url)
    by_etag = client.get(formation_url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(formation_url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    other = client.get(formation_url, HTTP_IF_NONE_MATCH='"something-else"')
    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert other.status_code == 200 and other.content == first.content


@pytest.mark.parametrize("fragment_first", [True, False])
def test_a_fragment_is_never_served_to_a_full_page_request_nor_the_reverse(client, formation_url, fragment_first):
    order = [HX, {}] if fragment_first else [{}, HX]
    got = {}
    for headers in order + order:  # each twice: the second time from the cache
        response = client.get(formation_url, **headers)
        got.setdefault(bool(headers), []).append(response)
    full, fragment = got[False], got[True]
    assert [_state(r) for r in full] == [_state(r) for r in fragment] == ["miss", "hit"]
    assert full[1].content == full[0].content and fragment[1].content == fragment[0].content
    assert b"<html" in full[1].content and b"<html" not in fragment[1].content
    # Another fragment (the schools' list) is another entry; a history restore needs the whole page: it gets its entry.
    assert _state(client.get(formation_url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ecoles")) == "miss"
    restore = client.get(formation_url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert _state(restore) == "hit" and restore.content == full[0].content


def test_an_import_makes_the_next_view_show_the_new_catalogue(client, formation_url):
    assert b"Formation r\xc3\xa9elle" in client.get(formation_url).content
    Formation.objects.update(label="Bac pro Intitulé renouvelé")
    assert _state(client.get(formation_url)) == "hit"  # nothing said the catalogue changed yet

    stats.after_import()  # what import_opendata and sync_catalog_from_api end with

    after = client.get(formation_url)
    assert _state(after) == "miss"
    assert "Intitulé renouvelé" in after.content.decode()


def test_a_refresh_that_brings_new_figures_makes_the_next_view_show_them(client, formation_url):
    real_page = _without_nonces(client.get(formation_url).content)
    # The cache holds older answers than the upstream has now: one more learner counted in each.
    for entry in CacheEntry.objects.filter(status=200):
        if isinstance(entry.payload.get("nb_annee_term"), int):
            entry.payload["nb_annee_term"] += 1000
            entry.etag = '"older"'  # the upstream's ETag of that older answer
            entry.save()
    call_command("pagecache_purge", stdout=None)
    old_page = _without_nonces(client.get(formation_url).content)
    assert old_page != real_page

    CacheEntry.objects.update(expires_at=timezone.now())
    service.refresh(_requests_of_every_entry())  # what indicators_warm runs on expired entries

    after = client.get(formation_url)
    assert _state(after) == "miss"
    assert _without_nonces(after.content) == real_page


def test_a_refresh_that_brings_the_same_figures_keeps_the_cached_pages(client, formation_url):
    client.get(formation_url)
    before = generations.current()
    CacheEntry.objects.update(expires_at=timezone.now())
    service.refresh(_requests_of_every_entry())
    generations.forget()
    assert generations.current() == before
    assert _state(client.get(formation_url)) == "hit"


def _without_nonces(html: bytes) -> bytes:
    """Each render gives its scripts a new (inert: the policy names no nonce) nonce attribute."""
    return re.sub(rb' nonce="[^"]*"', b"", html)


def _requests_of_every_entry() -> dict:
    """The upstream request behind each cached answer (what indicators_warm refreshes)."""
    return {
        entry.key: UpstreamRequest(
            entry.kind, entry.key.partition("?")[0], tuple(parse_qsl(entry.key.partition("?")[2]))
        )
        for entry in CacheEntry.objects.all()
    }


def test_the_purge_command_and_the_admin_action_empty_the_cache(client, admin_client, formation_url):
    client.get(formation_url)
    call_command("pagecache_purge", stdout=None)
    assert _state(client.get(formation_url)) == "miss"

    response = admin_client.post(
        "/gestion/pagecache/generation/",
        {"action": "purge_pages", "_selected_action": ["purge"]},
    )
    assert response.status_code in (200, 302)
    assert _state(client.get(formation_url)) == "miss"


def test_staff_and_session_holders_are_never_served_nor_stored(admin_client, client, formation_url):
    staff = [admin_client.get(formation_url) for _ in range(2)]
    assert [_state(r) for r in staff] == ["", ""]
    assert _state(client.get(formation_url)) == "miss"  # the staff visits stored nothing
    assert _state(admin_client.get(formation_url)) == ""  # and the anonymous entry is not served to staff


def test_a_visitor_with_a_shortlist_gets_their_own_page_and_stores_nothing(client, formation_url):
    from django.test import Client

    shared = client.get(formation_url)
    assert _state(shared) == "miss"
    own = Client(HTTP_COOKIE="selection=f:40031213")
    assert [_state(own.get(formation_url)) for _ in range(2)] == ["", ""]  # neither served the shared page nor stored
    assert _state(client.get(formation_url)) == "hit"  # and the shared entry is still the anonymous one


def test_views_that_did_not_opt_in_are_left_alone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert "X-Page-Cache" not in response and "ETag" not in response


def test_figures_unavailable_keep_the_page_out_of_the_cache(client, formation_url, settings):
    settings.INSERJEUNES_API_URL = "http://127.0.0.1:9"  # nothing listens: every figure is unavailable
    settings.INSERJEUNES_CONNECT_TIMEOUT = 0.2
    from guidance.indicators.upstream import reset_client

    reset_client()
    try:
        states = [_state(client.get(formation_url)) for _ in range(2)]
    finally:
        settings.INSERJEUNES_API_URL = ""
        reset_client()
    assert states == ["", ""]
    assert _state(client.get(formation_url)) == "miss"  # with the figures back, the page is kept


# --- The storing rules, on a bare view ------------------------------------------------------------------------


def _states_for(view, **request_headers):
    middleware = PageCacheMiddleware(lambda request: middleware.process_view(request, view, (), {}) or view(request))
    return [_state(middleware(RequestFactory().get("/bare/", **request_headers))) for _ in range(2)]


def test_a_response_that_sets_a_cookie_is_not_stored():
    @cache_page_view
    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("csrftoken", "abc")
        return response

    assert _states_for(view) == ["", ""]


@pytest.mark.parametrize("cache_control", ["private", "no-store", "no-cache, max-age=0"])
def test_a_private_or_no_store_response_is_not_stored(cache_control):
    @cache_page_view
    def view(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = cache_control
        return response

    assert _states_for(view) == ["", ""]


def test_a_page_that_varies_on_the_cookie_is_stored_only_as_the_cookie_less_page():
    @cache_page_view
    def varies(request):
        response = HttpResponse("hello")
        response["Vary"] = "Cookie"
        return response

    assert _states_for(varies, HTTP_COOKIE="other=1") == ["", ""]  # which cookie did it read? not stored
    assert _states_for(varies) == ["miss", "hit"]
    # Only personal cookies (`PAGECACHE_BYPASS_COOKIES`, session) change our pages: another one gets the shared page.
    assert _states_for(varies, HTTP_COOKIE="other=1") == ["hit", "hit"]


def test_a_response_that_varies_on_the_cookie_or_is_marked_uncacheable_is_not_stored():
    @cache_page_view
    def varies(request):
        response = HttpResponse("hello")
        response["Vary"] = "Cookie"
        return response

    @cache_page_view
    def degraded(request):
        mark_uncacheable("stale figures")
        return HttpResponse("hello")

    assert _states_for(varies, HTTP_COOKIE="other=2") == ["", ""]
    assert _states_for(degraded) == ["", ""]


def test_only_200_is_stored_and_not_for_a_request_with_a_session():
    @cache_page_view
    def missing(request):
        return HttpResponse("nope", status=404)

    @cache_page_view
    def moved(request):  # the many addresses of one page (case, spaces, old slugs) would each be an entry
        return HttpResponsePermanentRedirect("/there/")

    @cache_page_view
    def fine(request):
        return HttpResponse("hello")

    assert _states_for(missing) == ["", ""]
    assert _states_for(moved) == ["", ""]
    assert _states_for(fine, HTTP_COOKIE="sessionid=abc") == ["", ""]
    assert _states_for(fine) == ["miss", "hit"]


@pytest.mark.xdist_group("redis")  # this machine's Redis is shared by the test workers: one runs its tests
def test_pages_are_kept_in_redis_when_redis_url_is_set(client, settings, formation_url):
    """Production's backend (Django's own RedisCache), on this machine's Redis, db 2 (the tests' own)."""
    redis = pytest.importorskip("redis")
    location = "redis://127.0.0.1:6379/2"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {location}: {exc}")
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGECACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "guidance-tests:pages",
        },
    }
    from django.core.cache import caches

    caches[settings.PAGECACHE_ALIAS].clear()
    try:
        first, second = client.get(formation_url), client.get(formation_url)
        assert (_state(first), _state(second)) == ("miss", "hit")
        assert second.content == first.content
        raw = redis.Redis.from_url(location)
        assert any(key.startswith(b"guidance-tests:pages") for key in raw.scan_iter("guidance-tests:pages*"))
    finally:
        caches[settings.PAGECACHE_ALIAS].clear()


def test_a_client_that_accepts_gzip_gets_the_page_compressed_once_with_its_own_etag(client, formation_url):
    import gzip

    plain = client.get(formation_url)
    packed = client.get(formation_url, HTTP_ACCEPT_ENCODING="br, gzip;q=0.8")
    refused = client.get(formation_url, HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert _state(packed) == "hit" and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 3
    assert packed["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in packed["Vary"]
    assert "Content-Encoding" not in refused and refused.content == plain.content
    not_modified = client.get(formation_url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert not_modified.status_code == 304


def test_head_is_answered_from_the_stored_get(client, formation_url):
    get = client.get(formation_url)
    head = client.head(formation_url)
    assert _state(head) == "hit" and head.content == b""
    assert head["Content-Length"] == str(len(get.content))


def test_concurrent_misses_of_one_page_in_a_process_render_it_once(settings):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    renders = []
    gate = threading.Event()

    @cache_page_view
    def slow(request):
        renders.append(1)
        gate.wait(2)
        return HttpResponse("rendered once")

    settings.PAGECACHE_GENERATION_TTL = 60
    generations.current()  # read here: the threads use the memo, and open no database connection of their own
    middleware = PageCacheMiddleware(lambda request: middleware.process_view(request, slow, (), {}) or slow(request))
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(lambda: middleware(RequestFactory().get("/together/"))) for _ in range(8)]
        gate.set()
        states = sorted(_state(f.result()) for f in futures)
    assert renders == [1]
    assert states == ["hit"] * 7 + ["miss"]


def test_a_cached_embed_and_badge_keep_their_own_framing_and_content_headers(client, formation_url):
    for suffix in ("integrer/", "badge.svg"):
        first, second = client.get(formation_url + suffix), client.get(formation_url + suffix)
        assert (_state(first), _state(second)) == ("miss", "hit")
        for response in (first, second):
            assert "frame-ancestors *" in response["Content-Security-Policy"]
            assert "X-Frame-Options" not in response
        assert second["Content-Type"] == first["Content-Type"] and second.content == first.content
    page = client.get(formation_url)
    assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]


# --- What a request's key is made of (guidance.pagecache.variant) ------------------------------------------------


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("br, gzip;q=0.8", True),
        ("gzip; q=1.000", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0, *", False),
        ("gzip;q=0.000", False),
        ("", False),
        ("br", False),
        ("identity", False),
        ("gzip;q=1.2.3", False),
        ("gzip;q=.", False),
        ("gzip;q=", False),
        ("gzip;q=1.5", False),
        ("gzip;q=-1", False),
        ("gzip;q=nan", False),
        ("gzip;q=0.1234", False),
        ("gzip;q=1.2.3, *;q=0.5", False),  # gzip named: its own weight counts, even unreadable
        (",,;;=,gzip;;", True),
        (",,;;=,gzip;;q", False),
    ],
)
def test_accept_encoding_is_read_leniently(header, accepted):
    from guidance.pagecache.variant import accepts_gzip

    assert accepts_gzip(RequestFactory().get("/", HTTP_ACCEPT_ENCODING=header)) is accepted


def test_the_key_holds_the_views_decision_and_the_known_parameters_only():
    from guidance.pagecache.middleware import page_key
    from guidance.pagecache.variant import canonicalise

    def key(query="", targets=frozenset(), params=frozenset({"q", "page"}), **headers):
        request = RequestFactory().get(f"/bare/{query}", **headers)
        canonicalise(request, params)
        return page_key(request, "g", targets), request

    page, _ = key()
    assert key("?utm_source=x")[0] == page
    assert key("?q=a&junk=1&q=b")[0] == key("?q=b")[0] != page
    assert key("?page=2&q=b")[0] == key("?q=b&page=2")[0]
    _, request = key("?page=2&junk=<b>&q=a&q=b")
    assert request.GET.dict() == {"page": "2", "q": "b"} and request.META["QUERY_STRING"] == "page=2&q=b"
    fragment, _ = key(HTTP_HX_REQUEST="true")
    assert fragment != page
    assert key(HTTP_HX_REQUEST="%74rue", HTTP_HX_REQUEST_URI_AUTOENCODED="true")[0] == fragment
    assert key(HTTP_HX_REQUEST="%74rue")[0] == page  # not said to be encoded: not htmx, as the views read it
    restore = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    assert key(**restore)[0] == page
    assert key(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="anything")[0] == fragment  # the view has one fragment
    ecoles = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "ecoles"}
    assert key(targets=frozenset({"ecoles"}), **ecoles)[0] != fragment
    encoded = {**ecoles, "HTTP_HX_TARGET": "%65coles", "HTTP_HX_TARGET_URI_AUTOENCODED": "true"}
    assert key(targets=frozenset({"ecoles"}), **encoded)[0] == key(targets=frozenset({"ecoles"}), **ecoles)[0]
