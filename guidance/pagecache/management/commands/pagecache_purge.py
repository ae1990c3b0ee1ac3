"""`python manage.py pagecache_purge`: empty the page cache of every app server (see guidance.pagecache.purge)."""

from django.core.management.base import BaseCommand

from guidance.pagecache import generations
from guidance.pagecache.purge import purge


class Command(BaseCommand):
    help = "Vide le cache des pages rendues (toutes les instances du site, dans la seconde)."

    def handle(self, *args: object, **options: object) -> None:
        purge()
        self.stdout.write(self.style.SUCCESS(f"Cache des pages vidé (génération {generations.current()})."))
