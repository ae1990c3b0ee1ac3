"""`pagecache_warm`: the sitemap's pages rendered into the shared page cache, under the key a visitor's request looks
up, bounded in time, with its progress said."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import make_formation, make_school, real_bac_pro

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1:8000"}  # SITE_URL's host in the tests' settings


@pytest.fixture
def pages(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    real = real_bac_pro()
    make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    make_school("0750001A", "Lycée des tests")
    return [f"/formations/{real.cfd}/", "/etablissements/0750001A/"]


def _warm(*args: str) -> str:
    out = StringIO()
    call_command("pagecache_warm", *args, stdout=out)
    return out.getvalue()


def test_the_sitemaps_pages_are_then_served_from_the_cache_to_a_visitor(client, pages):
    said = _warm("--every", "1")
    assert "1/2 pages" in said and "2/2 pages" in said and "2 rendues" in said
    assert "Toutes les pages du plan du site ont été parcourues." in said
    for path in pages:
        assert client.get(path, **HOST).headers["X-Page-Cache"] == "hit", path
    assert "2 déjà en cache" in _warm()  # a second run renders nothing again


def test_it_stops_when_its_time_is_up_and_says_how_far_it_went(client, pages):
    said = _warm("--seconds", "0")
    assert "0/2 pages" in said and "Arrêt après 0 s : 2 pages non parcourues." in said
    assert client.get(pages[0], **HOST).headers["X-Page-Cache"] == "miss"


def test_limit_bounds_the_number_of_pages(client, pages):
    assert "1/1 pages" in _warm("--limit", "1")
    assert client.get(pages[0], **HOST).headers["X-Page-Cache"] == "hit"
    assert client.get(pages[1], **HOST).headers["X-Page-Cache"] == "miss"


def test_with_a_per_process_cache_it_does_nothing(settings, pages):
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGECACHE_ALIAS: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "warm"},
    }
    assert "LocMemCache" in _warm()
