from django.core.management.base import BaseCommand

from guidance.web import assets


class Command(BaseCommand):
    help = "Réécrit static/dsfr-site/ : le sous-ensemble du DSFR que le site utilise (voir guidance/web/assets.py)."

    def handle(self, *args, **options):
        for path in assets.write():
            self.stdout.write(f"{path} : {path.stat().st_size} octets")
