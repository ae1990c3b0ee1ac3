"""Catalogue aggregates the home page and the empty search show, computed at import instead of per request.

    stats.current().diploma_counts   {"CAP": 312, "Bac pro": 180, …} trainings with figures or schools, by type
    stats.current().top_fields       the fields with the most trainings that have figures (code, label, count)
    stats.current().popular_fields   the fields offered in the most schools (code, label)

`refresh()` computes and stores them (`CatalogStats`, one row); the import commands call `after_import()`, which
also bumps the page cache's catalogue generation. `current()` reads the row once per process and catalogue
generation (no query on a warm request); with no row yet (a catalogue loaded without the commands) it computes
them from the catalogue.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum

from guidance.catalog.models import CatalogStats, Formation
from guidance.pagecache import generations

TOP_FIELDS = 12
POPULAR_FIELDS = 8


@dataclass(frozen=True)
class Stats:
    diploma_counts: dict[str, int]
    top_fields: list[dict]
    popular_fields: list[tuple[str, str]]


def compute() -> Stats:
    """The aggregates from the catalogue as it is now (three queries)."""
    diploma_counts = dict(
        Formation.objects.filter(Q(has_figures=True) | Q(offer_count__gt=0))
        .exclude(diploma_type="")
        .values("diploma_type")
        .annotate(n=Count("pk"))
        .values_list("diploma_type", "n")
    )
    top = (
        Formation.objects.filter(has_figures=True)
        .exclude(field_code="")
        .values("field_code", "field_label")
        .annotate(n=Count("pk"))
        .order_by("-n", "field_code")[:TOP_FIELDS]
    )
    popular = (
        Formation.objects.exclude(field_code="")
        .values("field_code")
        .annotate(offered=Sum("offer_count"), label=Max("field_label"))
        .filter(offered__gt=0)
        .order_by("-offered", "label")[:POPULAR_FIELDS]
    )
    return Stats(
        diploma_counts=diploma_counts,
        top_fields=[
            {"code": row["field_code"], "label": row["field_label"] or row["field_code"], "count": row["n"]}
            for row in top
        ],
        popular_fields=[(row["field_code"], row["label"] or row["field_code"]) for row in popular],
    )


def refresh() -> Stats:
    """Compute the aggregates and store them (what an import ends with)."""
    stats = compute()
    data = {
        "diploma_counts": stats.diploma_counts,
        "top_fields": stats.top_fields,
        "popular_fields": [list(pair) for pair in stats.popular_fields],
    }
    CatalogStats.objects.update_or_create(pk=1, defaults={"data": data})
    forget()
    return stats


def after_import() -> None:
    """What every catalogue import ends with: fresh aggregates, and pages rendered again."""
    refresh()
    generations.bump("catalog")


_lock = threading.Lock()
_memo: dict[str, object] = {}


def current() -> Stats:
    """The stored aggregates (memoised per process and page cache generation)."""
    generation = generations.current()
    with _lock:
        if _memo.get("generation") == generation:
            return _memo["stats"]  # type: ignore[return-value]
    row = CatalogStats.objects.filter(pk=1).first()
    if row is None:
        stats = compute()
    else:
        stats = Stats(
            diploma_counts=dict(row.data.get("diploma_counts", {})),
            top_fields=list(row.data.get("top_fields", [])),
            popular_fields=[tuple(pair) for pair in row.data.get("popular_fields", [])],
        )
    with _lock:
        _memo.update(generation=generation, stats=stats)
    return stats


def forget() -> None:
    with _lock:
        _memo.clear()
