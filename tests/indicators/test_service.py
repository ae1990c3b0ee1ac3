import time
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from guidance.indicators import service
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.indicators.service import Absence, IndicatorResult, Question, get, get_many
from guidance.inserjeunes.codes import parse_certification, parse_millesime, parse_region, parse_uai
from guidance.inserjeunes.results import CertificationFigures, FilieresFigures, RegionalFigures, SchoolFigures
from tests.inserjeunes.conftest import payload

pytestmark = pytest.mark.django_db

CFD = parse_certification("CFD:40031212")
MEF = parse_certification("23830031212")
IDF = parse_region("11")
NATIONAL_PATH = "/api/inserjeunes/certifications/CFD:40031212"


def ok(name, **headers):
    return httpx.Response(200, json=payload(name), headers=headers)


def not_found(name):
    return httpx.Response(404, json=payload(name))


class TestQuestions:
    def test_each_kind_gets_its_figures(self, upstream):
        upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        upstream.get("/api/inserjeunes/regionales/11/certifications/MEFSTAT11:23830031212").mock(
            return_value=ok("regional")
        )
        upstream.get("/api/inserjeunes/formations/0755026P-CFD:40031212").mock(return_value=ok("school_apprentissage"))
        upstream.get("/api/inserjeunes/certifications/CFD:40031212%7CMEFSTAT11:23830031212").mock(
            return_value=ok("filieres")
        )
        national, regional, school, filieres = get_many(
            [
                Question.national(CFD),
                Question.regional(MEF, IDF),
                Question.school(parse_uai("0755026P"), CFD),
                Question.filieres([MEF, CFD]),
            ]
        )
        assert all(r.ok for r in (national, regional, school, filieres))
        assert type(national.figures) is CertificationFigures
        assert isinstance(regional.figures, RegionalFigures)
        assert isinstance(school.figures, SchoolFigures)
        assert isinstance(filieres.figures, FilieresFigures)
        assert filieres.figures.pro.nb_annee_term == 2314
        assert national.source == "InserJeunes (MENJ-DEPP, DARES)"
        assert national.fetched_at is not None
        assert not national.is_stale
        assert CacheEntry.objects.count() == 4

    def test_cache_key_is_the_canonical_upstream_request(self):
        assert Question.national(CFD, parse_millesime("2023")).cache_key == f"{NATIONAL_PATH}?millesime=2023"
        assert Question.filieres([CFD, MEF]).cache_key == Question.filieres([MEF, CFD]).cache_key

    def test_sise_questions_cite_insersup(self):
        assert Question.national(parse_certification("SISE:2400019")).source.startswith("InserSup")

    def test_results_are_frozen_dataclasses(self, upstream):
        upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        result = get(Question.national(CFD))
        assert isinstance(result, IndicatorResult)
        with pytest.raises(AttributeError):
            result.is_stale = True


class TestAbsences:
    @pytest.mark.parametrize(
        ("fixture", "absence"),
        [
            ("404_certification_inconnue", Absence.UNKNOWN_CERTIFICATION),
            ("404_certifications_inconnues", Absence.UNKNOWN_CERTIFICATION),
            ("404_formation_inconnue", Absence.UNKNOWN_FORMATION),
            ("404_etablissement_inconnu", Absence.UNKNOWN_SCHOOL),
            ("404_pas_de_donnees", Absence.NO_DATA),
        ],
    )
    def test_404s_become_absences_and_are_cached(self, upstream, fixture, absence):
        route = upstream.get(NATIONAL_PATH).mock(return_value=not_found(fixture))
        first = get(Question.national(CFD))
        second = get(Question.national(CFD))
        assert (first.absence, second.absence) == (absence, absence)
        assert not first.ok
        assert first.figures is None
        assert route.call_count == 1
        assert CacheEntry.objects.get().status == 404

    def test_no_data_for_millesime_offers_the_available_ones(self, upstream):
        upstream.get(NATIONAL_PATH, params={"millesime": "2019"}).mock(return_value=not_found("404_millesime"))
        result = get(Question.national(CFD, parse_millesime("2019")))
        assert result.absence is Absence.NO_DATA_FOR_MILLESIME
        assert result.available_millesimes == ("2023", "2022_2023", "2022", "2021_2022")
        cached = get(Question.national(CFD, parse_millesime("2019")))
        assert cached.available_millesimes == result.available_millesimes
        assert CacheEntry.objects.get().millesime == "2019"

    def test_small_cohort_keeps_the_count_but_is_an_absence(self, upstream):
        upstream.get("/api/inserjeunes/certifications/CFD:50022141").mock(return_value=ok("small_cohort"))
        result = get(Question.national(parse_certification("50022141")))
        assert result.absence is Absence.SMALL_COHORT
        assert not result.ok
        assert result.figures.nb_annee_term == 12
        assert result.figures.salaire_12_mois_q2 is None

    def test_seconde_commune_is_ok_with_its_specialities(self, upstream):
        upstream.get("/api/inserjeunes/certifications/MEFSTAT11:23810031211").mock(return_value=ok("seconde_commune"))
        result = get(Question.national(parse_certification("23810031211")))
        assert result.ok
        assert len(result.figures.certifications_terminales) == 2

    def test_400_is_never_cached(self, upstream):
        route = upstream.get(NATIONAL_PATH).mock(return_value=httpx.Response(400, json=payload("400_validation")))
        assert get(Question.national(CFD)).absence is Absence.INVALID_REQUEST
        assert get(Question.national(CFD)).absence is Absence.INVALID_REQUEST
        assert route.call_count == 2
        assert not CacheEntry.objects.exists()

    @pytest.mark.parametrize(
        "response",
        [
            httpx.Response(500, json=payload("500")),
            httpx.Response(503),
            httpx.Response(200, text='{"millesime": "20'),
            httpx.Response(200, text="not json"),
            httpx.ReadTimeout("slow"),
            httpx.ConnectError("refused"),
        ],
    )
    def test_upstream_failures_without_cache_are_unavailable_and_never_cached(self, upstream, response):
        route = upstream.get(NATIONAL_PATH)
        if isinstance(response, Exception):
            route.side_effect = response
        else:
            route.return_value = response
        result = get(Question.national(CFD))
        assert result.absence is Absence.UNAVAILABLE
        assert result.fetched_at is None
        assert not CacheEntry.objects.exists()


class TestCache:
    def test_fresh_entries_are_served_from_the_database(self, upstream):
        route = upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage", etag='W/"1"'))
        first = get(Question.national(CFD))
        second = get(Question.national(CFD))
        assert route.call_count == 1
        assert second.figures == first.figures
        assert second.fetched_at == first.fetched_at
        entry = CacheEntry.objects.get()
        assert (entry.etag, entry.status, entry.millesime, entry.kind) == (
            'W/"1"',
            200,
            "2023",
            "national",
        )
        assert entry.expires_at - entry.fetched_at == timedelta(seconds=86400)

    def test_get_many_keeps_order_and_asks_only_the_misses(self, upstream):
        national = upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        pro = upstream.get("/api/inserjeunes/certifications/MEFSTAT11:23830031212").mock(
            return_value=ok("national_pro")
        )
        get(Question.national(CFD))
        results = get_many([Question.national(MEF), Question.national(CFD), Question.national(MEF)])
        assert [r.figures.code_certification for r in results] == ["23830031212", "40031212", "23830031212"]
        assert (national.call_count, pro.call_count) == (1, 1)

    def test_stale_while_revalidate_serves_the_old_answer_and_refreshes_once(self, upstream):
        route = upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        get(Question.national(CFD))
        _age(days=2)
        newer = payload("national_apprentissage")
        newer["nb_annee_term"] = 999
        route.return_value = httpx.Response(200, json=newer)

        served = get(Question.national(CFD))
        assert served.is_stale
        assert served.figures.nb_annee_term == 152  # the old answer, at once
        assert route.call_count == 2  # one refresh (inline in tests)

        fresh = get(Question.national(CFD))
        assert not fresh.is_stale
        assert fresh.figures.nb_annee_term == 999
        assert route.call_count == 2

    def test_background_refresh_can_be_switched_off(self, upstream):
        route = upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        get(Question.national(CFD))
        _age(days=2)
        service.refresher.mode = "off"
        assert get(Question.national(CFD)).is_stale
        assert route.call_count == 1

    def test_etag_304_renews_the_entry(self, upstream):
        route = upstream.get(NATIONAL_PATH)
        route.side_effect = [ok("national_apprentissage", etag='W/"v1"'), httpx.Response(304)]
        first = get(Question.national(CFD))
        _age(days=2)
        get(Question.national(CFD))
        assert route.calls.last.request.headers["if-none-match"] == 'W/"v1"'
        entry = CacheEntry.objects.get()
        assert entry.is_fresh()
        assert entry.fetched_at > first.fetched_at
        assert entry.etag == 'W/"v1"'
        renewed = get(Question.national(CFD))
        assert not renewed.is_stale
        assert renewed.figures == first.figures
        assert route.call_count == 2

    def test_a_week_old_entry_is_served_when_the_upstream_is_down(self, upstream):
        route = upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        get(Question.national(CFD))
        week_ago = _age(days=7)
        route.return_value = httpx.Response(500, json=payload("500"))

        result = get(Question.national(CFD))
        assert result.ok
        assert result.is_stale
        assert result.fetched_at == week_ago
        assert result.figures.nb_annee_term == 152
        entry = CacheEntry.objects.get()
        assert entry.last_error.startswith("Unavailable: server_error")
        assert entry.fetched_at == week_ago  # the last good answer is kept

        route.side_effect = httpx.ConnectTimeout("down")
        again = get(Question.national(CFD))
        assert (again.ok, again.is_stale, again.fetched_at) == (True, True, week_ago)

    def test_a_stale_no_data_answer_is_also_served_when_the_upstream_is_down(self, upstream):
        route = upstream.get(NATIONAL_PATH).mock(return_value=not_found("404_pas_de_donnees"))
        get(Question.national(CFD))
        _age(days=3)
        route.return_value = httpx.Response(502)
        result = get(Question.national(CFD))
        assert (result.absence, result.is_stale) == (Absence.NO_DATA, True)

    def test_a_400_on_refresh_keeps_the_entry(self, upstream):
        route = upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        get(Question.national(CFD))
        _age(days=2)
        route.return_value = httpx.Response(400, json=payload("400_validation"))
        assert get(Question.national(CFD)).ok
        assert CacheEntry.objects.get().last_error.startswith("BadRequest")


class TestCircuitBreaker:
    def test_after_repeated_failures_the_upstream_is_not_called_and_answers_are_immediate(self, upstream, settings):
        settings.INSERJEUNES_READ_TIMEOUT = 5.0
        failing = upstream.get(NATIONAL_PATH).mock(side_effect=httpx.ReadTimeout("slow"))
        for _ in range(settings.INSERJEUNES_CIRCUIT_FAILURES):
            assert get(Question.national(CFD)).absence is Absence.UNAVAILABLE
        assert breaker.is_open()
        calls = failing.call_count

        other = upstream.get("/api/inserjeunes/certifications/MEFSTAT11:23830031212").mock(
            return_value=ok("national_pro")
        )
        started = time.monotonic()
        result = get(Question.national(MEF))
        elapsed = time.monotonic() - started
        assert result.absence is Absence.UNAVAILABLE
        assert elapsed < 0.5  # well under the 5 s read timeout
        assert not other.called
        assert failing.call_count == calls

    def test_open_circuit_still_serves_stale_entries_without_calling(self, upstream, settings):
        route = upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        get(Question.national(CFD))
        _age(days=7)
        for _ in range(settings.INSERJEUNES_CIRCUIT_FAILURES):
            breaker.record_failure()
        result = get(Question.national(CFD))
        assert (result.ok, result.is_stale) == (True, True)
        assert route.call_count == 1

    def test_the_circuit_closes_again_after_the_cool_down(self, upstream, settings):
        now = [1000.0]
        breaker._clock = lambda: now[0]
        try:
            for _ in range(settings.INSERJEUNES_CIRCUIT_FAILURES):
                breaker.record_failure()
            assert breaker.is_open()
            now[0] += settings.INSERJEUNES_CIRCUIT_COOLDOWN + 1
            assert breaker.allow()
            upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
            assert get(Question.national(CFD)).ok
            assert breaker.failures == 0
        finally:
            breaker._clock = time.monotonic

    def test_404s_and_successes_do_not_open_the_circuit(self, upstream, settings):
        upstream.get(NATIONAL_PATH).mock(return_value=not_found("404_certification_inconnue"))
        for _ in range(settings.INSERJEUNES_CIRCUIT_FAILURES + 1):
            CacheEntry.objects.all().delete()
            get(Question.national(CFD))
        assert not breaker.is_open()

    def test_answers_of_an_unexpected_shape_are_unavailable_but_do_not_open_the_circuit(self, upstream, settings):
        # JSON that parses but does not fit the contract (e.g. one odd record): that question fails, the others live on.
        upstream.get(NATIONAL_PATH).mock(return_value=httpx.Response(200, json={"certificationsTerminales": "oops"}))
        for _ in range(settings.INSERJEUNES_CIRCUIT_FAILURES + 1):
            assert get(Question.national(CFD)).absence is Absence.UNAVAILABLE
        assert not breaker.is_open()
        assert not CacheEntry.objects.exists()


class TestConcurrency:
    def test_get_many_fetches_misses_with_bounded_concurrency(self, upstream, settings):
        import threading

        settings.INSERJEUNES_MAX_CONCURRENCY = 2
        lock = threading.Lock()
        running = [0, 0]  # now, peak

        def slow(request):
            with lock:
                running[0] += 1
                running[1] = max(running[1], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1
            return ok("national_apprentissage")

        upstream.route(method="GET", path__startswith="/api/inserjeunes/certifications/").mock(side_effect=slow)
        codes = ["40031212", "40025214", "50022141", "50022123", "40022106"]
        results = get_many([Question.national(parse_certification(c)) for c in codes])
        assert all(r.ok for r in results)
        assert running[1] == 2
        assert CacheEntry.objects.count() == 5


def _age(*, days: int):
    """Pretend the cached rows were fetched `days` ago (expired since `days - 1`)."""
    fetched = timezone.now() - timedelta(days=days)
    CacheEntry.objects.update(fetched_at=fetched, expires_at=fetched + timedelta(days=1))
    return CacheEntry.objects.values_list("fetched_at", flat=True).first()


class TestWaitersAfterAFailure:
    def test_a_caller_that_waited_while_the_holder_failed_does_not_call_again(self, upstream, monkeypatch):
        from contextlib import contextmanager

        from guidance.indicators import singleflight

        route = upstream.get(NATIONAL_PATH).mock(side_effect=httpx.ReadTimeout("slow"))
        question = Question.national(CFD)
        real_hold = singleflight.hold

        @contextmanager
        def hold_after_another_caller_failed(keys, timeout):
            # While we waited for the lock, its holder called the upstream and failed.
            service._note_outcome(question.cache_key, httpx_failure())
            with real_hold(keys, timeout) as held:
                yield held

        def httpx_failure():
            from guidance.inserjeunes.errors import Unavailable, UnavailableCause

            return Unavailable(UnavailableCause.TIMEOUT)

        monkeypatch.setattr(singleflight, "hold", hold_after_another_caller_failed)
        assert get(question).absence is Absence.UNAVAILABLE
        assert not route.called

    def test_non_final_year_answers_are_flagged(self, upstream):
        upstream.get("/api/inserjeunes/certifications/MEFSTAT11:23820031212").mock(return_value=ok("national_pro"))
        result = get(Question.national(parse_certification("23820031212")))
        assert result.ok
        assert result.is_other_certification
        upstream.get(NATIONAL_PATH).mock(return_value=ok("national_apprentissage"))
        assert not get(Question.national(CFD)).is_other_certification


def test_filieres_questions_refuse_sise_codes():
    with pytest.raises(ValueError):
        Question.filieres([CFD, parse_certification("SISE:2400019")])
