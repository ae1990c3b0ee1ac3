"""Import of the open-data catalogue (see `run_import`); `python manage.py import_opendata` is the entry point."""

import hashlib
from pathlib import Path

from django.db import transaction
from django.db.models import Count

from guidance.catalog.importers.base import Report
from guidance.catalog.importers.bcn import import_formations
from guidance.catalog.importers.indicators import import_indicators, read_indicators
from guidance.catalog.importers.offers import import_offers, offer_uais, read_offers
from guidance.catalog.importers.schools import import_schools
from guidance.catalog.models import Formation, ImportRun, Offer
from guidance.catalog.signals import catalog_changed
from guidance.orientation.importers import import_orientation

IMPORT_NAME = "opendata"
# Bump when the importer changes what it writes, so `--if-changed` re-imports unchanged files.
IMPORTER_VERSION = "4"  # 4: orientation data (jobs, communes, admission pressure)
REQUIRED = ("bcn/vFormationDiplome_.csv", "bcn/nMef.csv", "bcn/nNiveauFormationDiplome_.csv")


class OpendataMissing(FileNotFoundError):
    pass


def check_dir(root: Path) -> None:
    if not str(root) or not root.is_dir():
        raise OpendataMissing(f"Dossier des données ouvertes introuvable : {str(root) or '(OPENDATA_DIR vide)'}")
    missing = [name for name in REQUIRED if not (root / name).is_file()]
    if missing:
        raise OpendataMissing(f"Fichiers indispensables absents de {root} : {', '.join(missing)}")


def fingerprint(root: Path) -> str:
    """Hash of every input file's path, size and modification time (no content read: well under a second)."""
    digest = hashlib.sha256(IMPORTER_VERSION.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in {".csv", ".zip", ".json"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def is_up_to_date(root: Path) -> bool:
    stored = ImportRun.objects.filter(name=IMPORT_NAME).values_list("fingerprint", flat=True).first()
    return stored == fingerprint(root)


def refresh_offer_counts() -> int:
    """Formation.offer_count = number of schools offering it; returns how many formations changed."""
    counts = dict(
        Offer.objects.values("formation_id")
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


def run_import(root: Path) -> Report:
    """Import every source of `root`, each in its own transaction; returns what was written and rejected.

    Formations come first (the other sources refer to them); schools are created for every UAI any file names.
    """
    check_dir(root)
    report = Report()
    with transaction.atomic():
        bcn = import_formations(root, report)
    indicator_rows = read_indicators(root, report)
    offers = read_offers(root, report, bcn)
    with transaction.atomic():
        school_ids = import_schools(root, report, indicator_rows, offer_uais(offers))
    with transaction.atomic():
        import_offers(offers, school_ids, report)
        refresh_offer_counts()
    with transaction.atomic():
        import_indicators(indicator_rows, school_ids, report)
    import_orientation(root, report)  # jobs ↔ diplomas, communes, admission pressure (needs the MEFs above)
    catalog_changed.send(sender=Formation)  # the search index follows (guidance.search)
    ImportRun.objects.update_or_create(
        name=IMPORT_NAME, defaults={"fingerprint": fingerprint(root), "summary": report.as_dict()}
    )
    return report
