"""`python manage.py sync_catalog_from_api`: complete the catalogue from the InserJeunes API's list routes.

Here, not in `catalog`: the upstream (the real API through its gateway or directly, or the in-process replica
behind its stand-in gateway) is chosen by the indicators floor (`guidance.indicators.upstream`), which the catalogue
never imports. The sync itself is the catalogue's (`guidance.catalog.api_sync`); the calls share the site's circuit
breaker, deadlines and size limit.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from guidance.catalog import stats
from guidance.catalog.api_sync import sync_from_api
from guidance.indicators.upstream import get_client
from guidance.inserjeunes.errors import InserJeunesError


class Command(BaseCommand):
    help = (
        "Complète le catalogue (formations, établissements, offres) depuis les routes authentifiées de l'API "
        "InserJeunes (la réplique hors ligne quand INSERJEUNES_API_URL n'est pas défini)."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            report = sync_from_api(get_client())
        except InserJeunesError as error:
            raise CommandError(f"L'API InserJeunes n'a pas répondu comme prévu : {error}") from error
        stats.after_import()  # aggregates for the pages, and cached pages rendered again
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Synchronisation terminée en {time.monotonic() - started:.1f} s."))
