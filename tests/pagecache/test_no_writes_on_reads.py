"""Issue 10: a warm page makes zero INSERT/UPDATE/DELETE, whether rendered (page cache off or missed) or not."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guidance.catalog import stats
from guidance.indicators import service
from guidance.indicators.models import CacheEntry
from guidance.indicators.service import Question
from guidance.inserjeunes.codes import Certification, CodeKind
from tests.factories import make_formation, real_bac_pro

pytestmark = pytest.mark.django_db
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def test_a_warm_get_many_writes_nothing():
    real = real_bac_pro()
    questions = [Question.national(Certification(CodeKind.CFD, real.cfd))]
    service.get_many(questions)
    assert CacheEntry.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        results = service.get_many(questions)
    assert results[0].figures is not None
    assert _writes(queries) == []


@pytest.mark.parametrize("page_cache", [False, True])
def test_a_warm_formation_page_writes_nothing(client, settings, page_cache):
    settings.PAGECACHE_ENABLED = page_cache
    real = real_bac_pro()
    make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    stats.refresh()
    url = f"/formations/{real.cfd}/?region=11"
    assert client.get(url).status_code == 200  # cold: fills the figure cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert _writes(queries) == []
    if not page_cache:
        assert queries.captured_queries  # really rendered: it read the catalogue and the figures


def test_parsed_figures_are_not_parsed_again_on_a_warm_read(monkeypatch):
    real = real_bac_pro()
    question = Question.national(Certification(CodeKind.CFD, real.cfd))
    first = service.get(question)
    parses = []
    original = type(question.upstream_request).parse
    monkeypatch.setattr(type(question.upstream_request), "parse", lambda self, p: parses.append(1) or original(self, p))
    with CaptureQueriesContext(connection) as queries:
        again = service.get(question)
    assert again.figures == first.figures
    assert parses == []
    assert all("payload" not in q["sql"] for q in queries.captured_queries)  # the JSON is not even read
