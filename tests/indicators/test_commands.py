from datetime import timedelta
from io import StringIO

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from guidance.catalog.models import Formation, Mef, Offer, School
from guidance.indicators.models import CacheEntry
from tests.inserjeunes.conftest import payload

pytestmark = pytest.mark.django_db


def _entry(key, *, millesime="2023", days_old=0, status=200):
    fetched = timezone.now() - timedelta(days=days_old)
    return CacheEntry.objects.create(
        key=key,
        kind="national",
        status=status,
        payload={},
        millesime=millesime,
        fetched_at=fetched,
        expires_at=fetched + timedelta(days=1),
    )


class TestPurge:
    def test_needs_an_option(self):
        with pytest.raises(CommandError):
            call_command("indicators_purge")

    def test_all(self):
        _entry("/a")
        _entry("/b")
        out = StringIO()
        call_command("indicators_purge", "--all", stdout=out)
        assert not CacheEntry.objects.exists()
        assert "2 entrée(s) purgée(s)" in out.getvalue()

    def test_older_than(self):
        _entry("/new", days_old=1)
        _entry("/old", days_old=10)
        call_command("indicators_purge", "--older-than", "7d", stdout=StringIO())
        assert list(CacheEntry.objects.values_list("key", flat=True)) == ["/new"]

    @pytest.mark.parametrize(("duration", "kept"), [("12h", 0), ("2w", 2), ("30", 2), ("36h", 1)])
    def test_durations(self, duration, kept):
        _entry("/one-day", days_old=1)
        _entry("/ten-days", days_old=10)
        call_command("indicators_purge", "--older-than", duration, stdout=StringIO())
        assert CacheEntry.objects.count() == kept

    def test_bad_duration(self):
        with pytest.raises(CommandError):
            call_command("indicators_purge", "--older-than", "soon")

    def test_by_millesime(self):
        _entry("/2023", millesime="2023")
        _entry("/2022_2023", millesime="2022_2023")
        _entry("/2024", millesime="2024")
        call_command("indicators_purge", "--millesime", "2023", "--millesime", "2022_2023", stdout=StringIO())
        assert list(CacheEntry.objects.values_list("key", flat=True)) == ["/2024"]

    def test_bad_millesime(self):
        with pytest.raises(CommandError):
            call_command("indicators_purge", "--millesime", "23")

    def test_dry_run_deletes_nothing(self):
        _entry("/a")
        out = StringIO()
        call_command("indicators_purge", "--all", "--dry-run", stdout=out)
        assert CacheEntry.objects.count() == 1
        assert "1 entrée(s) seraient purgées" in out.getvalue()


@pytest.fixture
def catalogue():
    formation = Formation.objects.create(cfd="40031212", label="Bac pro Métiers de l'accueil", slug="metiers-accueil")
    Mef.objects.create(mefstat11="23830031212", formation=formation, is_final_year=True, year=3)
    Mef.objects.create(mefstat11="23810031212", formation=formation, is_final_year=False, year=1)
    cfa = School.objects.create(uai="0755026P", name="CFA", slug="cfa", region_code="11")
    lycee = School.objects.create(uai="0750508X", name="LP", slug="lp", region_code="11")
    Offer.objects.create(school=cfa, formation=formation, voie="apprentissage", source="catalogue", region_code="11")
    Offer.objects.create(
        school=lycee,
        formation=formation,
        voie="scolaire",
        mefstat11="23830031212",
        source="affelnet_2022",
        region_code="11",
    )


def _answers(request):
    path = request.url.raw_path.decode()
    if path.startswith("/api/inserjeunes/formations/0755026P"):
        return httpx.Response(200, json=payload("school_apprentissage"))
    if path.startswith("/api/inserjeunes/formations/"):
        return httpx.Response(404, json=payload("404_formation_inconnue"))
    if path.startswith("/api/inserjeunes/regionales/"):
        return httpx.Response(200, json=payload("regional"))
    if "CFD" in path:
        return httpx.Response(200, json=payload("small_cohort"))
    return httpx.Response(200, json=payload("national_pro"))


class TestWarm:
    def test_prefetches_national_regional_and_school_figures_then_resumes(self, catalogue, upstream):
        route = upstream.route(method="GET", path__startswith="/api/inserjeunes/").mock(side_effect=_answers)
        out = StringIO()
        call_command("indicators_warm", "--no-lists", "--no-progress", "--rate", "1000", stdout=out, stderr=StringIO())
        keys = set(CacheEntry.objects.values_list("key", flat=True))
        assert keys == {
            "/api/inserjeunes/certifications/MEFSTAT11:23830031212",
            "/api/inserjeunes/certifications/CFD:40031212",
            "/api/inserjeunes/regionales/11/certifications/MEFSTAT11:23830031212",
            "/api/inserjeunes/regionales/11/certifications/CFD:40031212",
            "/api/inserjeunes/formations/0755026P-CFD:40031212",
            "/api/inserjeunes/formations/0750508X-MEFSTAT11:23830031212",
        }
        assert route.call_count == 6
        summary = out.getvalue()
        assert "6 question(s)" in summary
        assert "déjà en cache" not in summary
        assert "chiffres obtenus : 4" in summary
        assert "moins de 20 jeunes : 1" in summary
        assert "pas de données (unknown_formation) : 1" in summary

        out = StringIO()
        call_command("indicators_warm", "--no-lists", "--no-progress", "--rate", "1000", stdout=out, stderr=StringIO())
        assert route.call_count == 6  # resumed: everything was fresh
        assert "déjà en cache : 6" in out.getvalue()

    def test_kinds_and_limit(self, catalogue, upstream):
        route = upstream.route(method="GET", path__startswith="/api/inserjeunes/").mock(side_effect=_answers)
        call_command(
            "indicators_warm",
            "--kinds",
            "national",
            "--limit",
            "1",
            "--no-lists",
            "--no-progress",
            stdout=StringIO(),
            stderr=StringIO(),
        )
        assert route.call_count == 1

    def test_stops_when_the_upstream_is_down(self, catalogue, upstream, settings):
        settings.INSERJEUNES_CIRCUIT_FAILURES = 1
        upstream.route(method="GET", path__startswith="/api/inserjeunes/").mock(side_effect=httpx.ConnectError("x"))
        out, err = StringIO(), StringIO()
        call_command("indicators_warm", "--no-lists", "--batch-size", "1", "--no-progress", stdout=out, stderr=err)
        assert "indisponible (à relancer) : 1" in out.getvalue()
        assert "Relancez" in err.getvalue()
        assert not CacheEntry.objects.exists()

    def test_rejects_unknown_kinds(self):
        with pytest.raises(CommandError):
            call_command("indicators_warm", "--kinds", "everything")
