"""Settings for the site. Every knob comes from the environment; see README.md for the contract."""

import hashlib
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from guidance.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_removed,
    env_requires,
    env_str,
    env_url,
    url_origin,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "production", "test"})
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("DJANGO_ENV=production needs SECRET_KEY set to a random value of 50+ characters")

# Off unless asked for (DJANGO_DEBUG=1): `make run` shows the site as visitors get it (styled 404/500), and
# WhiteNoise still serves /static/ from the apps' folders outside production (WHITENOISE_USE_FINDERS below).
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ENV=production needs ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "guidance.inserjeunes",
    "guidance.indicators",
    "guidance.catalog",
    "guidance.orientation",
    "guidance.search",
    "guidance.opendata",
    "guidance.replica",
    "guidance.web",
    "guidance.pagecache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Right after WhiteNoise: a cached page skips everything below (its headers, CSP included, are stored).
    "guidance.pagecache.middleware.PageCacheMiddleware",
    # Above everything that can answer on its own (CommonMiddleware's redirects, CSRF refusals, error pages), so
    # every answer of the site carries the framing and CSP rules; a cached page is replayed through them too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # `Vary: Cookie` on the pages whose HTML shows the visitor's selection (guidance.web.shortlist).
    "guidance.web.shortlist.SelectionVaryMiddleware",
    # Last, so that its 400 page goes back through every middleware above like a view's answer.
    "guidance.web.http.BadRequestMiddleware",
]

ROOT_URLCONF = "guidance.urls"
WSGI_APPLICATION = "guidance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guidance.web.context_processors.site",
                "guidance.web.context_processors.shortlist",
            ],
        },
    }
]

# Django's form renderer with the plain <select> written in Python (the same HTML; a third of a formation page's
# render went to its option templates).
FORM_RENDERER = "guidance.web.forms.FormRenderer"

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Production serves what `collectstatic` gathered; elsewhere WhiteNoise reads the apps' static folders directly.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Manifest storage renames files, so the checksums django-dsfr embeds would not match what we serve.
DSFR_USE_INTEGRITY_CHECKSUMS = False
WHITENOISE_MAX_AGE = 31536000 if PRODUCTION else 0

# --- Caches and the page cache (guidance.pagecache) ----------------------------------------------------------
# REDIS_URL: pages (and the default cache) in Redis, shared by every app server. Unset: pages in one SQLite file
# shared by the workers of this machine (guidance.pagecache.sqlitecache), the default cache in each process.
REDIS_URL = env_str("REDIS_URL")
PAGECACHE_ALIAS = "pages"
# Pages are stored gzipped (~15-20 KB each for an ~80 KB formation page): the sitemap's 20,000 pages and their
# common variants fit in a few hundred MB. The budget is in bytes: past it, the entries nearest to their expiry go.
PAGECACHE_MAX_BYTES = env_int("PAGECACHE_MAX_BYTES", 500_000_000, minimum=1_000_000)
# Unset: a file in the temporary folder named after this checkout and its database, so that two sites (a bench, a
# test run, `make run`) on one machine never share pages; a deploy may set a path on a persistent disk.
PAGECACHE_PATH = env_str("PAGECACHE_PATH") or str(
    Path(tempfile.gettempdir())
    / "guidance-pages-{}.sqlite3".format(
        hashlib.blake2b(
            f"{BASE_DIR}|{DATABASES['default']['NAME']}|{DATABASES['default'].get('HOST', '')}".encode(),
            digest_size=6,
        ).hexdigest()
    )
)
if REDIS_URL:
    # In Redis, bytes not counts bound the pages too: give the server a `maxmemory` (say 1gb for the 20,000 pages
    # and their variants) with `maxmemory-policy allkeys-lru`, so that the least recently read pages go first when
    # it is full; every page also expires after PAGECACHE_TTL.
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"guidance:{alias}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        for alias in ("default", PAGECACHE_ALIAS)
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
        PAGECACHE_ALIAS: {
            "BACKEND": "guidance.pagecache.sqlitecache.SQLiteCache",
            "LOCATION": PAGECACHE_PATH,
            "OPTIONS": {"MAX_BYTES": PAGECACHE_MAX_BYTES},
        },
    }
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", True)
# A page's life in the cache. The generations, not this, make pages show new data (an import, a refresh that changed
# a figure, a deploy); a day lets the long tail (pages visited less than every few minutes) be rendered once a day,
# not once per visit.
PAGECACHE_TTL = env_int("PAGECACHE_TTL", 86_400, minimum=1)
PAGECACHE_RENDER_WAIT = env_float("PAGECACHE_RENDER_WAIT", 5.0, minimum=0.0)
PAGECACHE_GENERATION_TTL = env_float("PAGECACHE_GENERATION_TTL", 1.0, minimum=0.0)
# Cookies that make pages personal (the shortlist kept without an account): requests carrying them bypass the cache.
PAGECACHE_BYPASS_COOKIES = ("selection",)
PAGECACHE_CACHE_CONTROL = env_str("PAGECACHE_CACHE_CONTROL", "public, max-age=60, stale-while-revalidate=600")
# Part of every page key: a deploy sets it to the commit; unset, a hash of the code (guidance.pagecache.generations).
CODE_VERSION = env_str("CODE_VERSION")

# --- Security ------------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Everything is served from our own origin: DSFR, htmx (vendored by django-htmx) and our scripts. htmx is told
# not to inject its indicator <style> and not to eval (see base.html), so no 'unsafe-inline' / 'unsafe-eval'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: one line per event on stderr; no credential of the API reaches a log (see inserjeunes.client) ----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # Our client logs every upstream call (route, status, duration); httpx's own INFO line would repeat it.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# --- InserJeunes upstream (guidance.indicators.upstream chooses it) ------------------------------------------
# Unset URL = the offline replica, served in process from OPENDATA_DIR (guidance.replica). Set: the data base, prefix
# included (through the gateway: https://<gateway>/exposition-inserjeunes-insersup).
INSERJEUNES_API_URL = env_url("INSERJEUNES_API_URL")
# A client id = through the ministry's gateway (token for the id and secret, the key as x-Omogen-api-key); none =
# directly, the key as x-api-key (a self-hosted trajectoires-pro).
INSERJEUNES_CLIENT_ID = env_str("INSERJEUNES_CLIENT_ID")
INSERJEUNES_CLIENT_SECRET = env_str("INSERJEUNES_CLIENT_SECRET")
INSERJEUNES_API_KEY = env_str("INSERJEUNES_API_KEY")
INSERJEUNES_TOKEN_URL = env_url(
    "INSERJEUNES_TOKEN_URL", url_origin(INSERJEUNES_API_URL) + "/auth/token" if INSERJEUNES_API_URL else ""
)
env_requires("INSERJEUNES_CLIENT_ID", "INSERJEUNES_CLIENT_SECRET", "INSERJEUNES_API_KEY", "INSERJEUNES_API_URL")
_NO_LOGIN = (
    "the API's accounts and /auth/login were removed upstream (February 2026): set INSERJEUNES_CLIENT_ID, "
    "INSERJEUNES_CLIENT_SECRET and INSERJEUNES_API_KEY (the gateway's)"
)
env_removed("INSERJEUNES_API_USERNAME", _NO_LOGIN)
env_removed("INSERJEUNES_API_PASSWORD", _NO_LOGIN)
INSERJEUNES_CACHE_TTL = env_int("INSERJEUNES_CACHE_TTL", 86400, minimum=0)
INSERJEUNES_CONNECT_TIMEOUT = env_float("INSERJEUNES_CONNECT_TIMEOUT", 2.0, minimum=0.1)
INSERJEUNES_READ_TIMEOUT = env_float("INSERJEUNES_READ_TIMEOUT", 5.0, minimum=0.1)
# One whole call (connect, headers, every read of the body); all the upstream work of one page.
INSERJEUNES_CALL_DEADLINE = env_float("INSERJEUNES_CALL_DEADLINE", 10.0, minimum=0.1)
INSERJEUNES_PAGE_DEADLINE = env_float("INSERJEUNES_PAGE_DEADLINE", 2.0, minimum=0.1)
INSERJEUNES_MAX_ANSWER_BYTES = env_int("INSERJEUNES_MAX_ANSWER_BYTES", 5_000_000, minimum=10_000)
INSERJEUNES_MAX_CONCURRENCY = env_int("INSERJEUNES_MAX_CONCURRENCY", 4, minimum=1)
INSERJEUNES_CIRCUIT_FAILURES = env_int("INSERJEUNES_CIRCUIT_FAILURES", 5, minimum=1)
INSERJEUNES_CIRCUIT_COOLDOWN = env_int("INSERJEUNES_CIRCUIT_COOLDOWN", 60, minimum=1)
# The per-process memo of parsed figures (guidance.indicators.parsed), in bytes.
INSERJEUNES_MEMO_BYTES = env_int("INSERJEUNES_MEMO_BYTES", 32_000_000, minimum=0)
# The replica's own key (for its authenticated list routes), when it is the upstream; in process, it is reached
# through its stand-in gateway (guidance.replica.gateway) unless REPLICA_GATEWAY=0.
REPLICA_API_KEY = env_str("REPLICA_API_KEY", "" if PRODUCTION else "replica-dev-key")
REPLICA_GATEWAY = env_bool("REPLICA_GATEWAY", True)


def _default_opendata_dir() -> str:
    sibling = BASE_DIR.parent / "shared" / "opendata"
    return str(sibling) if sibling.is_dir() else ""


OPENDATA_DIR = env_str("OPENDATA_DIR", _default_opendata_dir())

SITE_NAME = "Et après ?"
SITE_TAGLINE = "Ce que deviennent les jeunes après leur formation"
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000")
