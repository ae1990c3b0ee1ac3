import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guidance.indicators import service
from guidance.indicators.models import CacheEntry
from guidance.indicators.service import Question, get_many
from guidance.inserjeunes.codes import Certification, CodeKind
from tests.inserjeunes.conftest import payload
from tests.indicators.test_service import _age


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 50])
def test_measure(upstream, n):
    upstream.route(method="GET", path__startswith="/api/inserjeunes/certifications/").mock(
        return_value=httpx.Response(200, json=payload("national_apprentissage"), headers={"etag": 'W/"1"'})
    )
    qs = [Question.national(Certification(CodeKind.CFD, f"4003{i:04d}")) for i in range(n)]
    out = {}
    for label in ("cold", "warm"):
        with CaptureQueriesContext(connection) as ctx:
            rs = get_many(qs)
        assert all(r.ok for r in rs)
        out[label] = len(ctx)
    _age(days=2)
    with CaptureQueriesContext(connection) as ctx:
        get_many(qs)
    out["stale+inline refresh 200"] = len(ctx)
    _age(days=2)
    upstream.routes[0].mock(return_value=httpx.Response(304))
    with CaptureQueriesContext(connection) as ctx:
        get_many(qs)
    out["stale+inline refresh 304"] = len(ctx)
    CacheEntry.objects.all().delete()
    service.reset_for_tests()
    upstream.routes[0].mock(return_value=httpx.Response(500))
    with CaptureQueriesContext(connection) as ctx:
        get_many(qs)
    out["cold 500"] = len(ctx)
    print(f"\nN={n} {connection.vendor}: {out}")
    if n == 5:
        for q in ctx.captured_queries[:40]:
            print("   ", q["sql"][:150])
