from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guidance.web.figures import mapshapes


class Command(BaseCommand):
    help = (
        "Réécrit guidance/web/figures/france_shapes.json : les contours des régions et départements, projetés et "
        "simplifiés une fois pour les cartes des pages (voir guidance/web/figures/mapshapes.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=settings.OPENDATA_DIR, help="dossier des données ouvertes (geo/)")

    def handle(self, *args, **options):
        root = Path(options["dir"] or "")
        if not (root / mapshapes.REGIONS_FILE).is_file():
            raise CommandError(f"Contours introuvables : {root / mapshapes.REGIONS_FILE}")
        path = mapshapes.write(root)
        self.stdout.write(f"{path} : {path.stat().st_size} octets")
