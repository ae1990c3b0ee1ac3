"""`python manage.py import_opendata [--dir DIR] [--if-changed] [--allow-shrink]`: the catalogue and the orientation
data from the open-data files, every file checked first, all written in one transaction."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guidance.opendata.checks import ImportRefused
from guidance.opendata.pipeline import is_up_to_date, run_import


class Command(BaseCommand):
    help = (
        "Importe le catalogue (formations, établissements, offres, indicateurs) et les données d'orientation "
        "depuis les données ouvertes : chaque fichier est vérifié d'abord, tout est écrit en une transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="dossier des données (défaut : OPENDATA_DIR)")
        parser.add_argument("--if-changed", action="store_true", help="ne rien faire si les fichiers n'ont pas changé")
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="accepter une source qui a perdu plus de 20 %% de ses lignes depuis le dernier import",
        )

    def handle(self, *args, dir=None, if_changed=False, allow_shrink=False, **options):
        root = Path(dir or settings.OPENDATA_DIR or "")
        started = time.monotonic()
        try:
            if if_changed and is_up_to_date(root):
                self.stdout.write("Catalogue à jour : fichiers inchangés depuis le dernier import.")
                return
            report = run_import(root, allow_shrink=allow_shrink, say=self.stdout.write)
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Import terminé en {time.monotonic() - started:.1f} s, {report.rejected_total} lignes rejetées."
            )
        )
