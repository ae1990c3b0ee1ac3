import copy

import pytest
import respx
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction

from tests.factories import FIXTURE_DIR
from tests.support import BASE_URL, reset_for_tests


def pytest_configure(config):
    # Users made by tests (the admin's) need no real password hashing: the slow default would cost ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A page's upstream work ends at INSERJEUNES_PAGE_DEADLINE (2 s in production). In tests the upstream is the
    # replica computing in process: on a loaded machine (two test workers, a browser) a first regional list can take
    # over 2 s, and a block would go missing by chance. The tests of the deadline set theirs (budget.page(seconds),
    # the `settings` fixture).
    settings.INSERJEUNES_PAGE_DEADLINE = 30.0
    # `{{ undefined }}` fails the test. Set once for the session, before any template engine exists: changing
    # TEMPLATES per test (the `settings` fixture) would drop the engines and parse every template again each test.
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = UndefinedTemplateVariable("%s")


class UndefinedTemplateVariable(str):
    """`string_if_invalid` that fails the test on `{{ undefined }}` (Django formats it with `%` on each miss)."""

    def __mod__(self, name):
        raise AssertionError(f"Undefined template variable: {name}")

    def __contains__(self, item):
        return item == "%s"


@pytest.fixture
def is_postgres():
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture(autouse=True)
def _fresh_indicators_service():
    """The circuit breaker and the recent failures of the indicators service are process-wide: every test starts
    with them cleared, and background refreshes run inline so that a test sees their effect."""
    from guidance.indicators import service

    service.reset_for_tests(refresh_mode="inline")
    yield
    service.reset_for_tests(refresh_mode="inline")


@pytest.fixture
def upstream():
    """The upstream API mocked with respx at `BASE_URL`: `upstream.get(path).mock(return_value=...)`."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def upstream_calls(monkeypatch):
    """The questions that really went to the (replica) upstream, not to our cache: their request keys, in order."""
    from guidance.indicators import service

    calls = []
    original = service._fetch_one

    def counting(request, etag, *rest):
        calls.append(request.key)
        return original(request, etag, *rest)

    monkeypatch.setattr(service, "_fetch_one", counting)
    return calls


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Rendered pages, the page cache generation and the catalogue aggregates are memoised per process: every
    test starts without them (its database is new, the counters in it start again)."""
    reset_for_tests()
    yield
    reset_for_tests()


@pytest.fixture
def fixture_dir():
    return FIXTURE_DIR


# --- The imported sample, built once per session --------------------------------------------------------------

# The apps whose tables the open-data import writes (the search index lives in their columns).
IMPORTED_APPS = ("catalog", "orientation")


@pytest.fixture(scope="session")
def _imported_sample(django_db_setup, django_db_blocker):
    """The open-data import of the small real-data sample, run once per session (as gip-inclusion/les-emplois loads
    its reference data in `django_db_setup`): its rows are read back and the import rolled back, so that the tests
    that do not ask for the sample start from an empty catalogue. Returns (rows by model, the import's report)."""
    from guidance.opendata.pipeline import run_import

    with django_db_blocker.unblock(), transaction.atomic():
        report = run_import(FIXTURE_DIR)
        rows = {
            model: _insert_rows(model) for label in IMPORTED_APPS for model in apps.get_app_config(label).get_models()
        }
        transaction.set_rollback(True)
    return {model: found for model, found in rows.items() if found[1]}, report


def _insert_rows(model) -> tuple[str, list[tuple]]:
    """An INSERT of every row of `model`'s table, and its parameters as the database takes them (read once)."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    params = [
        tuple(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)
        for obj in model.objects.order_by("pk")
    ]
    return sql, params


def _forget_memoised_catalogue() -> None:
    """What the process memoised of another test's catalogue (the search vocabulary and job titles, the communes)."""
    from guidance.orientation import places
    from guidance.search import jobs, query

    query.forget_vocabulary()
    jobs.forget_index()
    places.forget_index()


@pytest.fixture
def imported(db, _imported_sample):
    """The catalogue and the orientation data (jobs, Onisep, admission, communes) of the small real-data sample, as
    `run_import` writes them, in this test's transaction (rolled back after it); returns the import's report.

    The rows are copied from the session's one import (`_imported_sample`): a test that needs an import of its own
    (another folder, a second run) calls `run_import` itself."""
    rows, report = _imported_sample
    with connection.cursor() as cursor:
        for sql, params in rows.values():
            cursor.executemany(sql, params)
        if connection.vendor == "postgresql":  # ids were given: the next ones must come after them
            for statement in connection.ops.sequence_reset_sql(no_style(), list(rows)):
                cursor.execute(statement)
    _forget_memoised_catalogue()
    cache.clear()  # regional peers are kept in Django's cache: every test asks the replica afresh
    yield copy.deepcopy(report)
    _forget_memoised_catalogue()
    cache.clear()


# --- Static files scanned once per process ----------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _static_files_scanned_once():
    """WhiteNoise lists and stats the ~1,800 static files the finders know (DSFR's) each time a middleware chain is
    built, that is for every test client: ~0.1–0.2 s a test, most of the suite's time. A server builds its chain
    once, so the tests keep the first scan of the process and give it to every later chain (keyed by what the scan
    depends on, so a test changing the static prefix or the max-age still gets its own)."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    scans: dict[tuple, dict] = {}

    def scanned_once(self):
        key = (self.static_prefix, self.max_age, self.allow_all_origins, self.charset)
        if key not in scans:
            before = set(self.files)
            original(self)
            scans[key] = {url: self.files[url] for url in self.files.keys() - before}
        self.files.update(scans[key])

    WhiteNoiseMiddleware.add_files_from_finders = scanned_once
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original
