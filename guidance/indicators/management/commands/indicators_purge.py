"""Delete cached InserJeunes answers: all of them, those fetched before some age, or those of a millésime."""

import re
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from guidance.indicators.models import CacheEntry
from guidance.inserjeunes.codes import InvalidCode, parse_millesime
from guidance.pagecache import generations

_DURATION_RE = re.compile(r"^(\d+)\s*([smhdw]?)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks", "": "days"}


def parse_duration(raw: str) -> timedelta:
    """`30d`, `12h`, `90m`, `2w`, `45s`, or a bare number of days."""
    match = _DURATION_RE.match(raw.strip().lower())
    if not match:
        raise CommandError(f"Durée invalide : {raw!r} (exemples : 7d, 12h, 30m, 2w)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = "Purge le cache des réponses InserJeunes (tout, par âge ou par millésime)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Tout purger.")
        parser.add_argument(
            "--older-than", metavar="DURÉE", help="Purger ce qui a été obtenu il y a plus de DURÉE (7d, 12h…)."
        )
        parser.add_argument(
            "--millesime", action="append", default=[], help="Purger ce millésime (répétable : 2024, 2023_2024)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Compter sans supprimer.")

    def handle(self, *args: object, **options: Any) -> None:
        if not (options["all"] or options["older_than"] or options["millesime"]):
            raise CommandError("Précisez --all, --older-than DURÉE ou --millesime M.")
        queryset = CacheEntry.objects.all()
        if not options["all"]:
            if options["older_than"]:
                queryset = queryset.fetched_before(timezone.now() - parse_duration(options["older_than"]))
            if options["millesime"]:
                try:
                    millesimes = [parse_millesime(m).value for m in options["millesime"]]
                except InvalidCode as exc:
                    raise CommandError(str(exc)) from None
                queryset = queryset.filter(millesime__in=millesimes)
        count = queryset.count()
        if options["dry_run"]:
            self.stdout.write(f"{count} entrée(s) seraient purgées.")
            return
        queryset.delete()
        generations.bump("figures")  # the pages that showed them ask again too
        self.stdout.write(self.style.SUCCESS(f"{count} entrée(s) purgée(s)."))
