"""Prefetch the figures of every catalogue formation and offer into the cache.

For each formation: the national and regional figures of each of its certifications (final-year MEFSTAT11 for
the voie scolaire, CFD for apprentissage), regional ones in each region where it is offered in that voie; for
each offer: the figures of its certification in its school. Bounded concurrency and rate; resumable (fresh cache
entries are skipped, so a second run goes on where the first stopped); a summary at the end.

When the list routes answer us (through a gateway, or directly with a key; `--lists` / `--no-lists` to choose), the
authenticated list routes answer first, hundreds of figures per
call (`guidance.indicators.bulk`: which questions a list item may answer); what they do not cover goes on through
the per-question path. One token bucket (`--rate`, calls per minute) paces list pages and single calls alike.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from guidance.catalog.models import Formation, HigherEducationOffer, Mef, Offer
from guidance.indicators import bulk, service, upstream
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.inserjeunes.codes import InvalidCode, parse_region, parse_uai
from guidance.inserjeunes.territories import REGIONS

KINDS = ("national", "regional", "school")


def formation_questions(kinds: set[str], all_regions: bool = False) -> list[service.Question]:
    questions: list[service.Question] = []
    regions_by_formation_voie: dict[tuple[int, str], set[str]] = {}
    if "regional" in kinds and not all_regions:
        for formation_id, voie, region in Offer.objects.exclude(region_code="").values_list(
            "formation_id", "voie", "region_code"
        ):
            regions_by_formation_voie.setdefault((formation_id, voie), set()).add(region)
    for formation in Formation.objects.prefetch_related("mefs").order_by("cfd"):
        for voie, cert in formation.certifications():
            if "national" in kinds:
                questions.append(service.Question.national(cert))
            if "regional" in kinds:
                codes = REGIONS if all_regions else regions_by_formation_voie.get((formation.pk, voie), ())
                for code in sorted(codes):
                    questions.append(service.Question.regional(cert, parse_region(code)))
        # A higher-education diploma: InserSup's national figures (no regional ones exist), for the diplomas the
        # API said it has figures for (`sync_catalog_from_api`): the SISE table lists far more codes than it follows.
        sise = formation.sise_certification()
        if sise is not None and formation.has_figures and "national" in kinds:
            questions.append(service.Question.national(sise))
    return questions


def offer_questions() -> list[service.Question]:
    questions = []
    offers = (
        Offer.objects.select_related("school", "formation")
        .prefetch_related("formation__mefs")
        .order_by("school__uai", "formation__cfd", "voie")
    )
    for offer in offers.iterator(chunk_size=2000):
        try:
            uai = parse_uai(offer.school.uai)
        except InvalidCode:
            continue
        # The pages' own rule (parsed codes only), so the cache is warmed with the questions pages ask.
        cert = offer.certification()
        if cert is not None:
            questions.append(service.Question.school(uai, cert))
    higher = HigherEducationOffer.objects.select_related("school", "formation").order_by(
        "school__uai", "formation__cfd"
    )
    for higher_offer in higher.iterator(chunk_size=2000):
        try:
            uai = parse_uai(higher_offer.school.uai)
        except InvalidCode:
            continue
        if (sise := higher_offer.formation.sise_certification()) is not None:
            questions.append(service.Question.school(uai, sise))
    return questions


class Command(BaseCommand):
    help = "Remplit le cache des chiffres InserJeunes pour toutes les formations et offres du catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kinds", default=",".join(KINDS), help=f"Questions à préparer, parmi {', '.join(KINDS)} (séparées par ,)."
        )
        parser.add_argument("--concurrency", type=int, default=None, help="Appels simultanés (défaut : réglage).")
        parser.add_argument(
            "--rate",
            type=float,
            default=600.0,
            help="Appels par minute au plus, pages de listes comprises (défaut 600 ; l'API refuse au-delà de 800).",
        )
        lists = parser.add_mutually_exclusive_group()
        lists.add_argument(
            "--lists", action="store_true", default=None, help="Lire d'abord les routes de listes (clé requise)."
        )
        lists.add_argument(
            "--no-lists", action="store_false", dest="lists", help="Une question à la fois, sans les listes."
        )
        parser.add_argument("--page-size", type=int, default=bulk.PAGE_SIZE, help="Éléments par page de liste.")
        parser.add_argument("--retries", type=int, default=bulk.RETRIES, help="Nouveaux essais d'une page en échec.")
        parser.add_argument("--batch-size", type=int, default=20)
        parser.add_argument("--limit", type=int, default=None, help="S'arrêter après N questions.")
        parser.add_argument(
            "--all-regions", action="store_true", help="Toutes les régions, pas seulement celles de l'offre."
        )
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression.")

    def handle(self, *args: object, **options: Any) -> None:
        kinds = {k.strip() for k in options["kinds"].split(",") if k.strip()}
        if not kinds or not kinds <= set(KINDS):
            raise CommandError(f"--kinds: choisir parmi {', '.join(KINDS)}")
        if options["rate"] <= 0 or options["batch_size"] < 1 or options["page_size"] < 1 or options["retries"] < 0:
            raise CommandError("--rate, --batch-size et --page-size doivent être positifs, --retries aussi")
        if options["lists"] is None:  # the lists need credentials: used by default when some are configured
            options["lists"] = upstream.lists_available()

        questions = formation_questions(kinds, options["all_regions"])
        if "school" in kinds:
            questions += offer_questions()
        questions = list(dict.fromkeys(questions))  # one question per key, first order kept
        if options["limit"] is not None:
            questions = questions[: options["limit"]]

        total = len(questions)
        summary: Counter[str] = Counter()
        limiter = bulk.RateLimiter(options["rate"], burst=options["batch_size"])
        started = time.monotonic()
        with _quiet_calls(options["verbosity"] < 2):
            if options["lists"]:
                questions = self._from_lists(questions, options, limiter, summary)
            self._warm(questions, options, limiter, summary)
        self.stdout.write(f"{total} question(s)")
        for label, count in sorted(summary.items()):
            if count:
                self.stdout.write(f"  {label} : {count}")
        self.stdout.write(f"  durée (s) : {time.monotonic() - started:.1f}")

    def _from_lists(
        self,
        questions: list[service.Question],
        options: dict[str, Any],
        limiter: bulk.RateLimiter,
        summary: Counter[str],
    ) -> list[service.Question]:
        """Store what the list routes answer; returns the questions left to `_warm` (fresh ones included, so they
        are counted as already cached there)."""
        fresh = _fresh_keys([q.cache_key for q in questions])
        final_year_mefs = set(
            Mef.objects.filter(is_final_year=True)
            .exclude(formation__is_seconde_commune=True)
            .values_list("mefstat11", flat=True)
        )
        report = bulk.warm_from_lists(
            [q for q in questions if q.cache_key not in fresh],
            final_year_mefs=final_year_mefs,
            limiter=limiter,
            page_size=options["page_size"],
            retries=options["retries"],
        )
        summary["listes : pages lues"] += report.pages
        summary["listes : pages en échec"] += report.failed_pages
        summary["listes : sondes (appels unitaires)"] += report.probes
        summary["listes : chiffres enregistrés"] += report.stored
        summary["listes : chiffres inchangés, renouvelés"] += report.renewed
        summary["listes : questions laissées aux appels unitaires"] += len(report.left)
        for name in report.with_notes:
            self.stderr.write(f"{name} : la route unitaire ajoute des remarques : petits effectifs seulement.")
        for name in report.incomplete:
            self.stderr.write(
                f"Liste non utilisée (incomplète, plus longue que les questions ou sans millésime sûr) : {name}."
            )
        covered = {q.cache_key for q in report.covered}
        return [q for q in questions if q.cache_key not in covered]

    def _warm(
        self,
        questions: list[service.Question],
        options: dict[str, Any],
        limiter: bulk.RateLimiter,
        summary: Counter[str],
    ) -> None:
        previous_mode = service.refresher.mode
        service.refresher.mode = "inline"  # expired entries are refreshed now, not in a background thread
        try:
            with tqdm(total=len(questions), unit="question", disable=options["no_progress"], file=self.stderr) as bar:
                for start in range(0, len(questions), options["batch_size"]):
                    batch = questions[start : start + options["batch_size"]]
                    fresh = _fresh_keys([q.cache_key for q in batch])
                    todo = [q for q in batch if q.cache_key not in fresh]
                    summary["déjà en cache"] += len(batch) - len(todo)
                    if todo:
                        limiter.acquire(len(todo))  # the same bucket as the list pages
                        for result in service.get_many(todo, max_concurrency=options["concurrency"]):
                            summary[_outcome(result)] += 1
                        summary["appels unitaires"] += len(todo)
                    bar.update(len(batch))
                    if breaker.is_open():
                        summary["interrompu : API indisponible"] += 1
                        self.stderr.write("L'API ne répond plus : arrêt. Relancez la commande pour reprendre.")
                        break
        finally:
            service.refresher.mode = previous_mode


def _fresh_keys(keys: list[str]) -> set[str]:
    fresh: set[str] = set()
    now = timezone.now()
    for start in range(0, len(keys), 500):
        rows = CacheEntry.objects.filter(key__in=keys[start : start + 500], expires_at__gt=now)
        fresh.update(rows.values_list("key", flat=True))
    return fresh


@contextmanager
def _quiet_calls(quiet: bool) -> Iterator[None]:
    """Below verbosity 2 the progress bar says enough: one log line per upstream call would drown it."""
    loggers = [logging.getLogger(name) for name in ("guidance.inserjeunes", "httpx")]
    levels = [logger.level for logger in loggers]
    if quiet:
        for logger in loggers:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _outcome(result: service.IndicatorResult) -> str:
    if result.ok or result.absence is None:
        return "chiffres obtenus"
    return {
        service.Absence.SMALL_COHORT: "moins de 20 jeunes",
        service.Absence.UNAVAILABLE: "indisponible (à relancer)",
        service.Absence.INVALID_REQUEST: "requête refusée (400)",
    }.get(result.absence, f"pas de données ({result.absence})")
