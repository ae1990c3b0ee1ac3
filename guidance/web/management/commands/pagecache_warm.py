"""`python manage.py pagecache_warm [--seconds 600] [--limit N]`: render the sitemap's pages into the shared page
cache, after an import (`import_opendata`) or a figures warm-up (`indicators_warm`) made every page stale.

Each page is asked through the whole site (middleware included, as an anonymous visitor of `SITE_URL`'s host and
scheme, so that it is stored under the very key a visitor's request looks up): a page already cached under the
current generation costs one look-up; a page that cannot be stored (figures unavailable) is counted, not retried.
Formations first (the sitemap's priority), then schools. Bounded in time: it stops after `--seconds`, saying how
far it went; progress is printed every `--every` pages. Useless with a per-process cache (no Redis, page cache in
`LocMemCache`): it then says so and does nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management.base import BaseCommand
from django.test import Client

from guidance.web.pages.sitemaps import SITEMAPS

_SECTIONS = ("formations", "etablissements")
_OUTCOMES = {"miss": "rendues", "hit": "déjà en cache", "stale": "en cours de rendu ailleurs", "": "non gardées"}


def sitemap_paths() -> Iterator[str]:
    """The paths of the sitemap's formation then school pages."""
    for section in _SECTIONS:
        sitemap = SITEMAPS[section]()
        for item in sitemap.items():
            yield sitemap.location(item)


class Command(BaseCommand):
    help = "Calcule à l’avance les pages du plan du site dans le cache des pages partagé (borné dans le temps)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seconds", type=float, default=600.0, help="durée maximale (défaut : 600 s)")
        parser.add_argument("--limit", type=int, default=0, help="nombre maximal de pages (0 : toutes)")
        parser.add_argument("--every", type=int, default=500, help="une ligne d’avancement toutes les N pages")

    def handle(self, *args: object, **options: Any) -> None:
        if not settings.PAGECACHE_ENABLED:
            self.stdout.write("Cache des pages désactivé (PAGECACHE_ENABLED=0) : rien à faire.")
            return
        if isinstance(caches[settings.PAGECACHE_ALIAS], LocMemCache):
            self.stdout.write(
                "Cache des pages propre à chaque processus (LocMemCache) : le remplir d’ici ne sert à rien."
            )
            return
        site = urlsplit(settings.SITE_URL)
        secure = site.scheme == "https"
        # As a visitor through the proxy in front: its host, and its word that the request came over HTTPS.
        client = Client(HTTP_HOST=site.netloc, HTTP_X_FORWARDED_PROTO="https" if secure else "http")
        paths = list(sitemap_paths())
        if options["limit"]:
            paths = paths[: options["limit"]]
        deadline = time.monotonic() + options["seconds"]
        started, outcomes, done = time.monotonic(), Counter[str](), 0
        for done, path in enumerate(paths, start=1):
            if time.monotonic() >= deadline:
                done -= 1
                break
            client.cookies.clear()  # an anonymous visitor each time: a cookie would keep the page out of the cache
            response = client.get(path, secure=secure)
            outcomes[response.headers.get("X-Page-Cache", "") if response.status_code == 200 else "error"] += 1
            if done % options["every"] == 0:
                self._progress(done, len(paths), outcomes, started)
        self._progress(done, len(paths), outcomes, started)
        if done < len(paths):
            self.stdout.write(f"Arrêt après {options['seconds']:.0f} s : {len(paths) - done} pages non parcourues.")
        else:
            self.stdout.write(self.style.SUCCESS("Toutes les pages du plan du site ont été parcourues."))

    def _progress(self, done: int, total: int, outcomes: Counter[str], started: float) -> None:
        elapsed = time.monotonic() - started
        counts = ", ".join(f"{outcomes[key]} {label}" for key, label in _OUTCOMES.items() if outcomes[key])
        errors = f", {outcomes['error']} en erreur" if outcomes["error"] else ""
        rate = done / elapsed if elapsed else 0.0
        self.stdout.write(
            f"{done}/{total} pages en {elapsed:.0f} s ({rate:.0f} par seconde) : {counts or 'aucune'}{errors}"
        )
