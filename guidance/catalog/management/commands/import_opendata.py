"""`python manage.py import_opendata [--dir DIR] [--if-changed]`: the catalogue from the open-data files."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guidance.catalog import stats
from guidance.catalog.importers import OpendataMissing, check_dir, is_up_to_date, run_import


class Command(BaseCommand):
    help = "Importe le catalogue (formations, établissements, offres, indicateurs) depuis les données ouvertes."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="dossier des données (défaut : OPENDATA_DIR)")
        parser.add_argument("--if-changed", action="store_true", help="ne rien faire si les fichiers n'ont pas changé")

    def handle(self, *args, dir=None, if_changed=False, **options):
        root = Path(dir or settings.OPENDATA_DIR or "")
        try:
            check_dir(root)
        except OpendataMissing as error:
            raise CommandError(f"{error}. Indiquez --dir ou la variable OPENDATA_DIR.") from None
        if if_changed and is_up_to_date(root):
            self.stdout.write("Catalogue à jour : fichiers inchangés depuis le dernier import.")
            return
        started = time.monotonic()
        report = run_import(root)
        stats.after_import()  # aggregates for the pages, and cached pages rendered again
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé en {time.monotonic() - started:.1f} s, {report.rejected_total} lignes rejetées."
            )
        )
