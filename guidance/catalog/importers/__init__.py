"""The catalogue's importers of its own open-data files (`import_catalogue`): formations and MEFs (BCN), the
higher-education diplomas (SISE), schools, offers, per-school indicators. `guidance.opendata` checks the files
first and runs this, then the orientation import, in one transaction; `python manage.py import_opendata` is the
entry point."""

from pathlib import Path

from django.db import connection
from django.db.models import Count

from guidance.catalog.importers.base import Report
from guidance.catalog.importers.bcn import import_formations
from guidance.catalog.importers.indicators import import_indicators, read_indicators
from guidance.catalog.importers.offers import import_offers, offer_uais, read_offers
from guidance.catalog.importers.schools import import_schools
from guidance.catalog.importers.sise import import_sise_diplomas
from guidance.catalog.models import Formation, HigherEducationOffer, Offer


def refresh_offer_counts() -> int:
    """Formation.offer_count = number of schools offering it (a higher-education diploma: delivering it); returns
    how many formations changed."""
    counts = dict(
        Offer.objects.values("formation_id")
        .annotate(n=Count("school_id", distinct=True))
        .values_list("formation_id", "n")
    )
    counts.update(
        HigherEducationOffer.objects.values("formation_id")
        .annotate(n=Count("school_id", distinct=True))
        .values_list("formation_id", "n")
    )
    changed = []
    for formation in Formation.objects.only("pk", "offer_count"):
        count = counts.get(formation.pk, 0)
        if formation.offer_count != count:
            formation.offer_count = count
            changed.append(formation)
    Formation.objects.bulk_update(changed, ["offer_count"], batch_size=500)
    return len(changed)


def import_catalogue(root: Path, report: Report) -> None:
    """Every catalogue source of `root` (already checked), inside the caller's transaction: a step that committed
    alone would show a half-imported catalogue should a later one fail or the process be killed.

    Formations come first (the other sources refer to them); schools are created for every UAI any file names.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("import_catalogue runs inside one transaction (see guidance.opendata.pipeline)")
    bcn = import_formations(root, report)
    import_sise_diplomas(root, report)
    indicator_rows = read_indicators(root, report)
    offers = read_offers(root, report, bcn)
    school_ids = import_schools(root, report, indicator_rows, offer_uais(offers))
    import_offers(offers, school_ids, report)
    refresh_offer_counts()
    import_indicators(indicator_rows, school_ids, report)
