"""Bulk warm from the list routes, against the in-process replica serving the test fixture catalogue's open data."""

import dataclasses
from datetime import timedelta
from io import StringIO
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone

from guidance.catalog.models import Formation, Mef, Offer, School, Voie
from guidance.indicators import bulk
from guidance.indicators import upstream as upstream_module
from guidance.indicators.management.commands.indicators_warm import formation_questions, offer_questions
from guidance.indicators.models import CacheEntry
from guidance.indicators.service import Question
from guidance.indicators.upstream import REPLICA_ORIGIN
from guidance.inserjeunes.client import Fetched, InserJeunesClient
from guidance.inserjeunes.codes import (
    departement_of_uai,
    parse_cfd,
    parse_mefstat11,
    parse_millesime,
    parse_region,
    parse_uai,
)
from guidance.inserjeunes.results import Meta, Page
from guidance.pagecache import generations
from guidance.replica.app import create_app
from guidance.replica.dataset import load_dataset
from tests.factories import make_offer, make_school
from tests.inserjeunes.conftest import payload
from tests.support import reset_for_tests as reset_page_cache

pytestmark = pytest.mark.django_db

TESTS = Path(__file__).resolve().parent.parent
OPENDATA = TESTS / "fixtures" / "catalog" / "opendata"
LISTS = {"/api/inserjeunes/certifications", "/api/inserjeunes/regionales", "/api/inserjeunes/formations"}


class Replica:
    """The replica behind a counting (and optionally failing) WSGI wrapper: `calls` holds (path, query) pairs."""

    def __init__(self):
        self.dataset = load_dataset(OPENDATA, formation_files=sorted((TESTS / "fixtures" / "replica").glob("*.csv")))
        self.app = create_app(self.dataset, api_key="bulk-key")
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[str, list[bytes]] = {}  # path → bodies to answer instead, one per call, then the real one

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        self.calls.append((path, environ.get("QUERY_STRING", "")))
        if self.fail.get(path):
            body = self.fail[path].pop(0)
            status = "500 Internal Server Error" if body.startswith(b'{"statusCode":500') else "200 OK"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return self.app(environ, start_response)

    def list_calls(self):
        return [call for call in self.calls if call[0] in LISTS]

    def single_calls(self):
        return [call for call in self.calls if call[0] not in LISTS]


@pytest.fixture
def replica(settings, imported):
    settings.INSERJEUNES_API_URL = ""
    settings.INSERJEUNES_API_KEY = ""
    replica = Replica()
    _offer_the_schools_with_figures(replica.dataset)
    upstream_module._client = InserJeunesClient(
        REPLICA_ORIGIN, api_key="bulk-key", transport=httpx.WSGITransport(app=replica)
    )
    return replica


def _offer_the_schools_with_figures(dataset):
    """The fixture catalogue's schools have no per-school figures: offer its formations where the replica has some."""
    for uai, code in sorted(dataset.formations):
        if len(code) == 8:
            formation, voie, mefstat11 = Formation.objects.filter(cfd=code).first(), Voie.APPRENTISSAGE, ""
        else:
            mef = Mef.objects.filter(mefstat11=code, is_final_year=True).select_related("formation").first()
            formation, voie, mefstat11 = (mef.formation if mef else None), Voie.SCOLAIRE, code
        if formation is None:
            continue
        school = School.objects.filter(uai=uai).first() or make_school(
            uai, f"Établissement {uai}", departement_code=departement_of_uai(uai)
        )
        if not Offer.objects.filter(school=school, formation=formation, voie=voie).exists():
            make_offer(school, formation, voie, mefstat11)


def _questions():
    return list(dict.fromkeys(formation_questions({"national", "regional"}) + offer_questions()))


def _final_year_mefs():
    return set(Mef.objects.filter(is_final_year=True).values_list("mefstat11", flat=True))


def _warm(*args):
    out, err = StringIO(), StringIO()
    call_command("indicators_warm", "--no-progress", "--rate", "100000", *args, stdout=out, stderr=err)
    return out.getvalue()


def _without_meta(figures):
    return dataclasses.replace(figures, meta=Meta())


def test_a_bulk_warm_makes_a_few_list_calls_and_asks_singly_only_what_lists_do_not_cover(replica):
    questions = _questions()
    summary = _warm("--lists")

    lists, singles = replica.list_calls(), replica.single_calls()
    # One page of 500 each: national, regional and per school (the fixture lists hold fewer than 500 records).
    assert sorted(path for path, _ in lists) == sorted(LISTS)
    assert all("items_par_page=500" in query and "page=1" in query for _, query in lists)
    from_items = CacheEntry.objects.filter(etag="", status=200).count()  # single answers carry an ETag
    probes = 3  # one single call per list, to see what its single route adds
    assert from_items > 0
    assert len(singles) == len(questions) - from_items  # the probes' answers are stored as single answers
    assert f"{len(questions)} question(s)" in summary
    assert f"listes : pages lues : {len(lists)}" in summary
    assert f"listes : chiffres enregistrés : {from_items + probes}" in summary
    assert f"listes : sondes (appels unitaires) : {probes}" in summary
    assert f"appels unitaires : {len(singles) - probes}" in summary
    # Everything the per-question warm stores is stored: the same keys.
    keys = set(CacheEntry.objects.values_list("key", flat=True))
    assert keys == {q.cache_key for q in questions if q.cache_key in keys}
    assert len(keys) == len({q.cache_key for q in questions})


def test_stored_list_items_read_as_the_single_route_answers_field_by_field(replica):
    questions = _questions()
    report = bulk.warm_from_lists(questions, final_year_mefs=_final_year_mefs(), limiter=bulk.RateLimiter(1e6))

    assert report.covered
    kinds = {str(q.kind) for q in report.covered}
    assert kinds == {"national", "regional", "school"}
    client = upstream_module.get_client()
    rows = {e.key: e for e in CacheEntry.objects.filter(key__in=[q.cache_key for q in report.covered])}
    for question in report.covered:
        request = question.upstream_request
        stored = request.parse(rows[question.cache_key].payload)
        single = request.parse(client.fetch(request).payload)
        assert _without_meta(stored) == _without_meta(single), question.cache_key
        if not stored.too_few_learners:  # notes are shown for these: they must be the single route's own
            assert stored.meta.messages == single.meta.messages, question.cache_key


def test_national_lists_cover_small_cohorts_only_offline_since_the_single_route_adds_notes(replica):
    report = bulk.warm_from_lists(_questions(), final_year_mefs=_final_year_mefs(), limiter=bulk.RateLimiter(1e6))

    assert report.with_notes == ["/api/inserjeunes/certifications"]
    assert report.probes == 3  # one per list
    national = [q for q in report.covered if q.kind == "national"]
    assert national
    from_items = CacheEntry.objects.filter(key__in=[q.cache_key for q in national], etag="", status=200)
    assert from_items
    for entry in from_items:
        assert entry.payload["nb_annee_term"] < 20


def test_non_final_years_secondes_communes_and_absent_records_stay_per_question(replica):
    dataset = replica.dataset
    non_final = next(code for code in sorted(dataset.mefs) if dataset.terminal_codes(code) and len(code) == 11)
    commune = next(f.commun for f in dataset.familles.values() if f.commun in dataset.mefs)
    absent = next(code for code in sorted(dataset.mefs) if code not in dataset.national and len(code) == 11)
    asked = [Question.national(parse_mefstat11(code)) for code in (non_final, commune, absent)]
    final_year = next(iter(_final_year_mefs() & set(dataset.national)))
    covered_one = Question.regional(
        parse_mefstat11(final_year),
        next(
            parse_region(region)
            for (region, code), stats in dataset.regional.items()
            if code == final_year and dataset.latest_period in stats
        ),
    )
    # Whatever the catalogue says, a non-final code's item would not be the single answer: even claimed final.
    report = bulk.warm_from_lists(
        [*asked, covered_one],
        final_year_mefs={non_final, commune, absent, final_year},
        limiter=bulk.RateLimiter(1e6),
        page_size=1000,
    )
    assert set(report.left) == set(asked)
    assert report.covered == [covered_one]


def test_a_formation_page_reads_the_covered_questions_from_the_cache(replica, client, upstream_calls):
    _warm("--lists")
    from_items = set(CacheEntry.objects.filter(etag="", status=200).values_list("key", flat=True))
    regional = next(q for q in formation_questions({"regional"}) if q.cache_key in from_items)
    code = regional.certs[0].code
    formation = Formation.objects.get(cfd=code) if len(code) == 8 else Mef.objects.get(mefstat11=code).formation
    url = f"/formations/{formation.cfd}/?region={regional.region.code}"

    assert client.get(url).status_code == 200
    assert not from_items & set(upstream_calls)  # what the lists answered is read from the cache

    # The page does ask that question: without its row (and its rendering), it goes upstream for it.
    CacheEntry.objects.filter(key=regional.cache_key).delete()
    reset_page_cache()
    upstream_calls.clear()
    assert client.get(url).status_code == 200
    assert regional.cache_key in upstream_calls


def test_the_rate_limiter_paces_calls_with_a_fake_clock():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = bulk.RateLimiter(60, burst=2, clock=lambda: now[0], sleep=sleep)  # one per second, bursts of 2
    for _ in range(5):
        limiter.acquire()
    assert slept == [1.0, 1.0, 1.0]  # the first two go at once, then one a second
    now[0] += 10  # idle: the bucket refills up to its burst only
    limiter.acquire(2)
    limiter.acquire()
    assert slept == [1.0, 1.0, 1.0, 1.0]
    limiter.acquire(5)  # a batch larger than the burst waits for its own size
    assert slept[-1] == 5.0
    assert limiter.waited == sum(slept)


def test_list_pages_and_single_calls_share_the_bucket(replica, monkeypatch):
    acquired = []
    original = bulk.RateLimiter.acquire
    monkeypatch.setattr(bulk.RateLimiter, "acquire", lambda self, count=1: acquired.append(count) or None)
    _warm("--lists", "--batch-size", "50")
    monkeypatch.setattr(bulk.RateLimiter, "acquire", original)
    assert sum(acquired) == len(replica.calls)  # every upstream call took its token, lists and singles alike


def test_a_5xx_page_is_retried_and_a_truncated_one_falls_back_to_single_calls(replica):
    error = b'{"statusCode":500,"error":"Internal Server Error","message":"An internal server error occurred"}'
    replica.fail["/api/inserjeunes/certifications"] = [error]  # once: the retry succeeds
    replica.fail["/api/inserjeunes/regionales"] = [b'{"regionales": [{"code_certification": "4003'] * 3
    questions = _questions()
    summary = _warm("--lists", "--retries", "2")

    assert "listes : pages en échec : 4" in summary  # 1 on the national list, 3 on the regional one
    regional = [q for q in questions if q.kind == "regional"]
    rows = {e.key: e for e in CacheEntry.objects.all()}
    assert all(rows[q.cache_key].etag for q in regional if rows[q.cache_key].status == 200)  # single answers
    assert len(rows) == len({q.cache_key for q in questions})  # still everything warmed
    assert any(q.kind == "national" and rows[q.cache_key].etag == "" for q in questions)  # national list read


def test_expired_rows_are_renewed_when_unchanged_and_replaced_with_a_generation_bump_when_changed(replica):
    _warm("--no-lists")
    regional = CacheEntry.objects.filter(kind="regional", status=200).order_by("key")
    singles = {e.key: (e.payload, e.etag) for e in regional}
    CacheEntry.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    generation = generations.current()

    report = bulk.warm_from_lists(_questions(), final_year_mefs=_final_year_mefs(), limiter=bulk.RateLimiter(1e6))
    assert report.renewed > 0 and report.stored == 0
    assert generations.current() == generation  # nothing a page shows has changed
    for entry in CacheEntry.objects.filter(key__in=singles):
        assert (entry.payload, entry.etag) == singles[entry.key]  # the single answer and its ETag kept
        assert entry.is_fresh()

    changed = regional.first()
    changed.payload = {**changed.payload, "nb_annee_term": changed.payload["nb_annee_term"] + 1}
    changed.expires_at = timezone.now() - timedelta(seconds=1)
    changed.save()
    report = bulk.warm_from_lists(_questions(), final_year_mefs=_final_year_mefs(), limiter=bulk.RateLimiter(1e6))
    assert report.stored == 1
    assert generations.current() != generation
    changed.refresh_from_db()
    assert changed.etag == "" and "_meta" not in changed.payload


# --- The matching rule on crafted lists (a fake client: the replica always lists one millésime) ----------------


class FakeLists:
    """List pages from `items` by path (one page each); single answers are the item plus a `_meta` without notes."""

    def __init__(self, items):
        self.items = items
        self.pages, self.singles, self.answers = [], [], []

    def fetch_page(self, path, items_key, params, page, page_size):
        self.pages.append((path, dict(params), page, page_size))
        items = tuple(self.items.get(path, ()))[:page_size]
        return Page(items=items, page=page, items_par_page=page_size, nombre_de_page=1, total=len(items))

    def fetch(self, request, etag=None):
        self.singles.append(request.key)
        item = dict(self.answers)[request.key]
        return Fetched({**item, "_meta": {"titre": "t", "details": "d"}}, 'W/"single"')


def _item(name, **changes):
    body = {**payload(name), **changes}
    body.pop("_meta", None)
    return body


def test_the_latest_millesime_rule_and_ambiguous_school_records_on_crafted_lists():
    a, b = parse_cfd("40031212"), parse_cfd("40031213")
    ile, u1, u2 = parse_region("11"), parse_uai("0755026P"), parse_uai("0750508X")
    national_a_2024 = _item("national_apprentissage", code_certification=a.code, millesime="2024")
    lists = {
        "/api/inserjeunes/certifications": [
            national_a_2024,
            _item("national_apprentissage", code_certification=a.code, millesime="2023"),
            _item("national_apprentissage", code_certification=b.code, millesime="2023"),  # b's newest is older
        ],
        "/api/inserjeunes/formations": [
            _item("school_apprentissage", uai=u1.value, millesime="2024"),
            _item("school_apprentissage", uai=u1.value, millesime="2023_2024"),  # which one would the route pick?
            _item("school_apprentissage", uai=u2.value, millesime="2023_2024"),
            _item("school_apprentissage", uai=u2.value, millesime="2023_2024"),  # listed twice (no sort order)
            _item("school_apprentissage", uai=u2.value, millesime="récent"),  # unreadable: no part in the rule
        ],
    }
    fake = FakeLists(lists)
    latest_a, latest_b = Question.national(a), Question.national(b)
    explicit_a = Question.national(a, parse_millesime("2023"))
    school_u1, school_u2 = Question.school(u1, a), Question.school(u2, a)
    fake.answers = [
        (latest_a.cache_key, national_a_2024),
        (explicit_a.cache_key, lists["/api/inserjeunes/certifications"][1]),
        (school_u2.cache_key, lists["/api/inserjeunes/formations"][2]),
    ]
    report = bulk.warm_from_lists(
        [latest_a, latest_b, explicit_a, school_u1, school_u2, Question.regional(b, ile)],
        final_year_mefs=set(),
        limiter=bulk.RateLimiter(1e6),
        client=fake,
    )

    assert set(report.covered) == {latest_a, explicit_a, school_u2}
    assert set(report.left) == {latest_b, school_u1, Question.regional(b, ile)}  # regional: an empty list
    rows = {e.key: e for e in CacheEntry.objects.all()}
    assert rows[latest_a.cache_key].payload["millesime"] == "2024"
    assert rows[explicit_a.cache_key].payload["millesime"] == "2023"
    assert ("/api/inserjeunes/certifications", {"millesimes": "2023"}, 1, 500) in fake.pages


def test_a_school_list_whose_newest_year_is_not_the_apis_latest_is_not_used():
    a, u2 = parse_cfd("40031212"), parse_uai("0750508X")
    lists = {
        "/api/inserjeunes/certifications": [_item("national_apprentissage", millesime="2024")],
        "/api/inserjeunes/formations": [_item("school_apprentissage", uai=u2.value, millesime="2022_2023")],
    }
    fake = FakeLists(lists)
    fake.answers = []
    report = bulk.warm_from_lists(
        [Question.school(u2, a)], final_year_mefs=set(), limiter=bulk.RateLimiter(1e6), client=fake
    )

    assert report.left == [Question.school(u2, a)] and not report.covered
    # The API's latest year came from one national record of the unfiltered list.
    assert fake.pages[-1] == ("/api/inserjeunes/certifications", {}, 1, 1)
    assert not CacheEntry.objects.exists()


def test_lists_are_used_by_default_when_a_key_is_configured_and_never_with_no_lists(replica, settings):
    settings.INSERJEUNES_API_URL = "https://api.example.test"  # a direct API (the fixture's client answers)
    _warm("--kinds", "regional")
    assert replica.list_calls() == []  # no key configured

    settings.INSERJEUNES_API_KEY = "a-key"
    CacheEntry.objects.all().delete()
    _warm("--kinds", "regional", "--no-lists")
    assert replica.list_calls() == []

    CacheEntry.objects.all().delete()
    _warm("--kinds", "regional")
    assert [path for path, _ in replica.list_calls()] == ["/api/inserjeunes/regionales"]
