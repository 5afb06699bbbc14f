"""Newsroom settings: everything comes from the environment (or an optional `.env` file)."""

import os
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# --- Serving: which `.env` is read (the environment always wins over it). `ENV_FILE=` (empty)
# reads none: `make test` does so, so that a developer's `.env` never changes the suite.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)
# --- end serving

DEBUG = env.bool("DEBUG", default=False)
# Production must fail fast without a real secret; only DEBUG gets a throwaway one.
SECRET_KEY = env.str("SECRET_KEY") if not DEBUG else env.str("SECRET_KEY", default="dev-insecure")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
INTERNAL_IPS = ["127.0.0.1"]

SITE_NAME = env.str("SITE_NAME", default="Newsroom")
# The public origin (https://news.example.com) behind every absolute link: feeds, sitemaps,
# metadata, pings and mail built by the worker. Required in production, like SECRET_KEY.
SITE_URL = (
    env.str("SITE_URL") if not DEBUG else env.str("SITE_URL", default="http://127.0.0.1:8000")
).rstrip("/")
if not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL must be an origin such as https://news.example.com, not {SITE_URL!r}."
    )
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-us")
# ISO 639 language of the stories, as the Google News sitemap wants it ("en", "fr", "zh-tw").
SITE_LANGUAGE = env.str("SITE_LANGUAGE", default=LANGUAGE_CODE.split("-")[0])
# Publisher logo (JSON-LD), and the picture of stories without one: a static path or a full URL.
PUBLISHER_LOGO = env.str("PUBLISHER_LOGO", default="img/publisher-logo.png")
DEFAULT_SOCIAL_IMAGE = env.str("DEFAULT_SOCIAL_IMAGE", default="img/social-default.png")
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "simple_history",
    "newsroom",
    "articles",
    "comments",
    "api",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # --- Serving: the task queue in the database; its worker is `manage.py db_worker`, which
    # newsroom (listed first, so its command wins) extends with a heartbeat for /readyz.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.compression.SecretFreeGZipMiddleware",  # above the page cache; BREACH: see there
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Speed: anonymous readers get stored pages here, before sessions or the database.
    "newsroom.pagecache.PageCacheMiddleware",
    # Outages and hostile input: a database outage answers 503, not 500.
    "newsroom.middleware.DatabaseOutageMiddleware",
    # Scale-out: anonymous readers' pages read from the replica when one is set (newsroom/replica).
    "newsroom.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Outages and hostile input: undecodable bodies answer 400 before CSRF reads them.
    "newsroom.middleware.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff reach the admin only after a second factor (TOTP, passkey or recovery code).
    "accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
                "articles.context_processors.navigation",
            ],
            "builtins": ["newsroom.templatetags.newsroom_site"],  # machine_time in every template
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool replaces persistent connections (Django refuses CONN_MAX_AGE with a pool).
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {}).setdefault(
        "pool", {"min_size": env.int("DB_POOL_MIN", 1), "max_size": env.int("DB_POOL_MAX", 10)}
    )
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE makes writers queue (up to `timeout`)
    # instead of failing with "database is locked" when a read transaction upgrades.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# --- Outages: the database ---------------------------------------------------------------
# An unreachable PostgreSQL answers 503 within seconds (newsroom.middleware) instead of holding
# a worker for psycopg_pool's default 30 s; pooled connections are checked before use, so one
# broken by an outage is replaced rather than failing a request after the database returns.
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3))
    if isinstance(_db["OPTIONS"]["pool"], dict):
        _db["OPTIONS"]["pool"].setdefault("timeout", env.float("DB_POOL_TIMEOUT", default=3.0))
        # Give up on one reconnection attempt soon: the next request starts a fresh one, instead
        # of the pool's backoff (up to minutes) delaying recovery after the database returns.
        _db["OPTIONS"]["pool"].setdefault("reconnect_timeout", 5.0)
# ---------------------------------------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://newsroom")}
# --- Outages: the cache --------------------------------------------------------------------
# Redis unreachable: pages are served without it (newsroom.cache answers like an empty cache,
# logs one warning per outage, and rate limits let requests through), and no call waits long.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "newsroom.cache.DegradingRedisCache"
    _cache_timeout = env.float("CACHE_CONNECT_TIMEOUT", default=1.0)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout}
    )
# ---------------------------------------------------------------------------------------------

# Django 6.1 configures mail as MAILERS; EMAIL_URL (smtp://, smtp+tls://, consolemail://, ...)
# is read by django-environ and translated to the matching backend's options.
_mail = env.email_url("EMAIL_URL", default="consolemail://")
_mail_options = {
    "host": _mail.get("EMAIL_HOST"),
    "port": _mail.get("EMAIL_PORT"),
    "username": _mail.get("EMAIL_HOST_USER"),
    "password": _mail.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _mail.get("EMAIL_USE_TLS"),
    "use_ssl": _mail.get("EMAIL_USE_SSL"),
    "file_path": _mail.get("EMAIL_FILE_PATH"),
}
_mail_backend = _mail["EMAIL_BACKEND"]
if not _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = (
        {"file_path": _mail_options["file_path"]} if "filebased" in _mail_backend else {}
    )
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": {key: value for key, value in _mail_options.items() if value not in (None, "")}
        # A silent mail server costs the worker this long, never a reader's request.
        | (
            {"timeout": env.float("EMAIL_TIMEOUT", default=10)}
            if _mail_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "articles:home"
LOGOUT_REDIRECT_URL = "articles:home"

# --- Login throttling (django-axes); its settings, with the password reset's, are in
# newsroom/auth_settings.py. Attempts are kept in the database, so throttling holds while Redis
# is down.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "newsroom.login_throttle.LoginThrottleBackend",
    # Django's model backend, taking a username or an email address (django-allauth).
    "allauth.account.auth_backends.AuthenticationBackend",
]
# ---------------------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_ROOT = BASE_DIR / "newsroom" / "public"  # /favicon.ico and other root files
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: safe by default, switches for deployments behind TLS and a proxy.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# --- Serving: every deploy check settable from the environment (`check --deploy` passes).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Load balancers probe health over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# --- end serving
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# --- Hostile input ---------------------------------------------------------------------------
# A failed CSRF check gets the site's 403 page. Views that decode their own body (TrackBack
# pings honour the charset they declare) are skipped by newsroom.middleware.HostileInputMiddleware.
CSRF_FAILURE_VIEW = "newsroom.errors.csrf_failure"
VIEWS_READING_OWN_BODY = [
    "comments:trackback",
    "comments:trackback_personal",
    "comments:webmention",
    "comments:pingback",
]
# ---------------------------------------------------------------------------------------------
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https:"],
    # No nonce: it would make every copy of a page differ, and no page has an inline script
    # (the JSON-LD block is data, which script-src does not govern).
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "newsroom.logging.RedactSecrets"},
        "one_line": {"()": "newsroom.logging.OneLine"},
    },
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["redact_secrets"],
            "formatter": "server",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # A request naming a host not in ALLOWED_HOSTS (scanners send thousands): one line each.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "filters": ["one_line"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# Accounts: sign-up, sign-in, verified email, two-factor, IndieAuth (newsroom/auth_settings.py).
from .auth_settings import *  # noqa: E402, F403

# Newsroom behaviour
ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=20)

# --- Serving: background work (mail, trackback checks, outgoing pings) is queued in the
# database and run by the worker (`manage.py db_worker`; `make run` and `make serve` start it),
# never inside a reader's request. The tests run tasks on the spot (tests/conftest.py).
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
# The worker records a heartbeat this often; /readyz fails when the newest is older than
# WORKER_HEARTBEAT_MAX_AGE seconds.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_HEARTBEAT_MAX_AGE = env.float("WORKER_HEARTBEAT_MAX_AGE", default=60)
# Every this many seconds (and at start) a worker queues again the tasks of workers that died.
WORKER_REQUEUE_SECONDS = env.float("WORKER_REQUEUE_SECONDS", default=300)
# Where `manage.py backup` writes (and `make backup`).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
# --- end serving

# How many reverse proxies stand in front of the site; the client IP is read from
# X-Forwarded-For accordingly (0: REMOTE_ADDR, never a header a client can forge).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# Comments: defaults follow WordPress's discussion settings.
COMMENTS_REQUIRE_LOGIN = env.bool("COMMENTS_REQUIRE_LOGIN", default=False)
COMMENTS_PREMODERATE = env.bool("COMMENTS_PREMODERATE", default=False)
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=3)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=None)
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)
COMMENTS_FORM_MAX_AGE = env.int("COMMENTS_FORM_MAX_AGE", default=2 * 24 * 3600)
COMMENTS_RATE_LIMIT = env.int("COMMENTS_RATE_LIMIT", default=5)
COMMENTS_RATE_WINDOW = env.int("COMMENTS_RATE_WINDOW", default=60)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
COMMENTS_HOLD_WORDS = env.list("COMMENTS_HOLD_WORDS", default=[])
COMMENTS_SPAM_WORDS = env.list("COMMENTS_SPAM_WORDS", default=[])

# Django 2028 links bare domains with https://; opt in now.
URLIZE_ASSUME_HTTPS = True

# Trackbacks (TrackBack 1.2, for logged-in users and their personal tokens).
TRACKBACKS_PREMODERATE = env.bool("TRACKBACKS_PREMODERATE", default=False)
TRACKBACKS_CLOSE_AFTER_DAYS = env.int("TRACKBACKS_CLOSE_AFTER_DAYS", default=None)
TRACKBACKS_RATE_LIMIT = env.int("TRACKBACKS_RATE_LIMIT", default=20)
TRACKBACKS_RATE_WINDOW = env.int("TRACKBACKS_RATE_WINDOW", default=60)
TRACKBACKS_PER_PAGE = env.int("TRACKBACKS_PER_PAGE", default=50)
# Webmention and Pingback received from sites their owners verified (counted as trackbacks, with
# the same limits), and advertised on story pages.
MENTIONS_ENABLED = env.bool("MENTIONS_ENABLED", default=True)
# Fetching sources (verification) and sending pings: private, loopback and link-local addresses
# are refused unless allowed; DEBUG allows them so `make run` can verify pages on 127.0.0.1.
TRACKBACK_ALLOW_PRIVATE_SOURCES = env.bool("TRACKBACK_ALLOW_PRIVATE_SOURCES", default=DEBUG)
TRACKBACK_SOURCE_ALLOWLIST = env.list("TRACKBACK_SOURCE_ALLOWLIST", default=[])
TRACKBACK_FETCH_TIMEOUT = env.float("TRACKBACK_FETCH_TIMEOUT", default=5.0)
TRACKBACK_FETCH_MAX_BYTES = env.int("TRACKBACK_FETCH_MAX_BYTES", default=1024 * 1024)
TRACKBACK_FETCH_MAX_REDIRECTS = 3

# --- Speed: what is cached and when it is forgotten (newsroom/pagecache.py, versions.py) ----
# Anonymous pages are kept server-side at most PAGE_CACHE_SECONDS (a write forgets them at once;
# this bounds only what a cache outage could leave behind). Browsers may keep them PAGE_MAX_AGE
# seconds and shared caches (a CDN) PAGE_SHARED_MAX_AGE, never past the next scheduled story.
# A local-memory cache is one per process: `make run`'s worker (another process) would change
# versions the web server never sees, so it keeps no pages unless told to. `make serve` refuses it.
LOCAL_MEMORY_CACHE = CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
PAGE_CACHE_SECONDS = env.int(
    "PAGE_CACHE_SECONDS", default=0 if DEBUG and LOCAL_MEMORY_CACHE else 3600
)
PAGE_MAX_AGE = env.int("PAGE_MAX_AGE", default=60)
PAGE_SHARED_MAX_AGE = env.int("PAGE_SHARED_MAX_AGE", default=60)
PAGE_STALE_WHILE_REVALIDATE = env.int("PAGE_STALE_WHILE_REVALIDATE", default=60)
# ---------------------------------------------------------------------------------------------

# Covering indexes (INCLUDE) speed up PostgreSQL's listings; SQLite ignores their extra column,
# which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A streaming read replica (cluster_settings, newsroom/replica.py); search, sitemaps, archive and
# the content API (content_settings); the front cache's purge hook, shared storage (ops_settings).
from .cluster_settings import *  # noqa: E402, F403
from .content_settings import *  # noqa: E402, F403
from .ops_settings import *  # noqa: E402, F403

STORAGES["default"] = MEDIA_STORAGE  # noqa: F405
if REPLICA_DATABASE is not None:  # noqa: F405
    DATABASES["replica"] = REPLICA_DATABASE  # noqa: F405
    DATABASE_ROUTERS = ["newsroom.replica.ReplicaRouter"]
