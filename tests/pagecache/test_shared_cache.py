"""The page cache's embedded default (one SQLite file shared by the workers, bounded in bytes), pages stored gzipped,
and stale-while-revalidate: after a data change one request renders a page again while the others get it as it was."""

import gzip
import pickle
import time

import pytest
from django.core.cache import caches

from guidance.catalog import stats
from guidance.catalog.models import Formation
from guidance.pagecache import generations
from guidance.pagecache.middleware import Entry, PageCacheMiddleware, page_cache
from guidance.pagecache.sqlitecache import SQLiteCache
from tests.factories import make_formation, real_bac_pro


def _cache(path, **options) -> SQLiteCache:
    return SQLiteCache(str(path), {"OPTIONS": options})


def test_two_instances_on_one_file_share_their_entries_as_two_workers_do(tmp_path):
    first, second = _cache(tmp_path / "pages.sqlite3"), _cache(tmp_path / "pages.sqlite3")
    first.set("page", {"body": b"x" * 10_000}, 60)
    assert second.get("page") == {"body": b"x" * 10_000}
    assert second.has_key("page") and not second.has_key("other")
    assert second.delete("page") and first.get("page", "gone") == "gone"


def test_add_is_won_by_one_instance_only_until_the_entry_expires_or_goes(tmp_path):
    first, second = _cache(tmp_path / "c.sqlite3"), _cache(tmp_path / "c.sqlite3")
    assert first.add("claim", 1, 60)
    assert not second.add("claim", 2, 60)
    assert second.get("claim") == 1
    first.delete("claim")
    assert second.add("claim", 2, 60)
    second.set("short", 1, 0.05)
    time.sleep(0.1)
    assert second.get("short") is None and first.add("short", 3, 60)


def test_the_cache_keeps_under_its_byte_budget_dropping_the_entries_nearest_their_expiry(tmp_path):
    cache = _cache(tmp_path / "c.sqlite3", MAX_BYTES=200_000)
    for number in range(200):  # 200 × ~10 KB = 2 MB written into a 200 KB budget
        cache.set(f"page-{number}", b"%d" % number + bytes(10_000), 1000 + number)
    cache.cull()
    count, total = cache.size()
    assert total <= 200_000 and 0 < count < 200
    assert cache.get("page-199") is not None  # the longest-lived stay
    assert cache.get("page-0") is None


def test_the_settings_default_is_the_shared_file_without_redis(settings):
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: pages are in Redis")
    assert isinstance(caches[settings.PAGECACHE_ALIAS], SQLiteCache)


@pytest.fixture
def formation_url(db):
    real = real_bac_pro()
    make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    return f"/formations/{real.cfd}/"


def _state(response) -> str:
    return response.headers.get("X-Page-Cache", "")


def test_a_page_is_stored_gzipped_only_and_served_whole_to_a_client_without_gzip(client, formation_url):
    first = client.get(formation_url)
    stored = [page_cache().get(key) for key in _page_keys()]
    entry = next(e for e in stored if isinstance(e, Entry))
    assert entry.raw is None and gzip.decompress(entry.gzipped) == first.content
    assert len(pickle.dumps(entry)) < len(first.content) / 3
    second = client.get(formation_url)
    assert _state(second) == "hit" and second.content == first.content and "Content-Encoding" not in second


def _page_keys() -> list[str]:
    cache = page_cache()
    assert isinstance(cache, SQLiteCache)
    return [row[0].split(":", 2)[-1] for row in cache._db().execute("SELECT key FROM entries")]


def test_after_an_import_one_request_renders_the_page_again_while_the_others_get_it_as_it_was(
    client, formation_url, monkeypatch
):
    before = client.get(formation_url)
    Formation.objects.update(label="Bac pro Intitulé renouvelé")
    stats.after_import()  # the catalogue's generation moves, as after import_opendata

    # Another request (another worker) is rendering it: this one is served the page as it was, said stale.
    monkeypatch.setattr(PageCacheMiddleware, "_claim", staticmethod(lambda request, key, data: False))
    stale = client.get(formation_url)
    assert _state(stale) == "stale" and stale.content == before.content
    monkeypatch.undo()

    renewed = client.get(formation_url)  # nobody renders it: this request does, and stores it
    assert _state(renewed) == "miss" and "Intitulé renouvelé" in renewed.content.decode()
    after = client.get(formation_url)
    assert _state(after) == "hit" and after.content == renewed.content


def test_the_claim_to_render_a_stale_page_is_released_so_the_next_change_is_rendered_at_once(client, formation_url):
    client.get(formation_url)
    for label in ("Bac pro Premier intitulé", "Bac pro Second intitulé"):
        Formation.objects.update(label=label)
        stats.after_import()
        response = client.get(formation_url)
        assert _state(response) == "miss" and label.removeprefix("Bac pro ") in response.content.decode()


def test_a_purge_or_a_deploy_never_serves_the_old_page(client, formation_url, monkeypatch):
    client.get(formation_url)
    monkeypatch.setattr(PageCacheMiddleware, "_claim", staticmethod(lambda request, key, data: False))
    generations.bump("purge")
    assert _state(client.get(formation_url)) == "miss"
    monkeypatch.setattr(generations, "code_version", lambda: "another-deploy")
    generations.forget()
    assert _state(client.get(formation_url)) == "miss"


def test_a_generation_splits_into_what_no_page_outlives_and_what_makes_it_stale():
    assert generations.split("v1.2.3.12.40.7") == ("v1.2.3.7", "12.40")
