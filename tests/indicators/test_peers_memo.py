"""Peers, positions and alternatives are computed once per data generation, never kept past a refresh that changed
the regional lists nor past an import, and never kept when they were computed on unavailable or stale lists."""

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from guidance.catalog import stats
from guidance.catalog.models import Formation
from guidance.indicators import memo, peers, service
from guidance.indicators.models import CacheEntry
from guidance.indicators.upstream import get_client, reset_client
from guidance.inserjeunes.errors import Unavailable, UnavailableCause
from guidance.inserjeunes.routes import UpstreamRequest
from guidance.pagecache import generations

ROOT = Path(settings.OPENDATA_DIR) if settings.OPENDATA_DIR else None
pytestmark = [pytest.mark.skipif(not ROOT or not ROOT.is_dir(), reason="OPENDATA_DIR absent"), pytest.mark.django_db]
MILLESIME, REGION, CODE = "2022_2023", "76", "23830022106"


@pytest.fixture(autouse=True)
def _replica(settings):
    settings.INSERJEUNES_API_URL = ""
    reset_client()
    cache.clear()
    yield
    cache.clear()
    reset_client()


def test_a_position_is_computed_once_per_generation(upstream_calls):
    first = peers.position_for(CODE, REGION, "scolaire", MILLESIME)
    assert first is not None
    asked = len(upstream_calls)
    assert peers.position_for(CODE, REGION, "scolaire", MILLESIME) is first  # the memo: nothing recomputed
    generations.bump("figures")
    again = peers.position_for(CODE, REGION, "scolaire", MILLESIME)
    assert again is not first and again == first  # recomputed (from the service's cache: no new call)
    assert len(upstream_calls) == asked


def test_a_refresh_that_changed_the_regional_list_gives_the_new_position_at_once():
    real = peers.position_for(CODE, REGION, "scolaire", MILLESIME)
    assert real is not None
    # The service holds an older list than the upstream has now: our certification had 0 % in employment then.
    for entry in CacheEntry.objects.filter(kind="regional_list"):
        for item in entry.payload.get("regionales", []):
            if item.get("code_certification") == CODE and item.get("filiere") == "pro":
                item["taux_en_emploi_6_mois"] = 0
        entry.etag = '"older"'
        entry.save()
    memo.forget()  # a process that read only the older list
    cache.clear()
    older = peers.position_for(CODE, REGION, "scolaire", MILLESIME)
    assert older is not None and older.position.value == 0 != real.position.value

    CacheEntry.objects.filter(kind="regional_list").update(expires_at=timezone.now())
    service.refresh(
        {
            e.key: UpstreamRequest(e.kind, e.key.partition("?")[0], tuple(parse_qsl(e.key.partition("?")[2])))
            for e in CacheEntry.objects.filter(kind="regional_list")
        }
    )  # what indicators_warm runs: the answer changed, the figures generation moves

    assert peers.position_for(CODE, REGION, "scolaire", MILLESIME) == real


def test_an_import_gives_new_alternatives_at_once(imported):
    formations = Formation.objects.filter(field_code="221", level="3").prefetch_related("mefs")
    ranked = [r for r in peers.sort_by_outcome(formations, REGION, "scolaire", MILLESIME) if r.figure]
    formation = ranked[-1].formation  # the lowest-placed CAP of the field: better-placed ones exist
    before = peers.alternatives(formation, REGION, "scolaire", MILLESIME)
    assert peers.alternatives(formation, REGION, "scolaire", MILLESIME) is before
    assert before.items
    Formation.objects.exclude(pk=formation.pk).filter(field_code=formation.field_code).update(field_code="999")
    stats.after_import()  # what import_opendata ends with: the catalogue generation moves
    after = peers.alternatives(formation, REGION, "scolaire", MILLESIME)
    assert after.items == () and after.reason


def test_what_was_computed_while_the_upstream_was_down_is_asked_again(monkeypatch):
    def down(*args, **kwargs):
        raise Unavailable(UnavailableCause.TIMEOUT, "test", route=f"/regionales/{REGION}")

    monkeypatch.setattr(get_client(), "fetch", down)
    assert peers.position_for(CODE, REGION, "scolaire", MILLESIME) is None
    assert peers.no_position_reason(CODE, REGION, "scolaire", MILLESIME).startswith("Les chiffres")
    monkeypatch.undo()  # the upstream is back, and nothing moved the generation
    service._recent_failures.clear()
    assert peers.position_for(CODE, REGION, "scolaire", MILLESIME) is not None


def test_the_memo_is_bounded():
    @memo.per_generation(maxsize=3)
    def square(number: int) -> int:
        return number * number

    for number in range(10):
        square(number)
    kept = memo._memos[-1].entries
    assert len(kept) == 3 and [named for _, named in kept] == [((n,), ()) for n in (7, 8, 9)]
