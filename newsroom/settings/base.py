"""Core settings: where the environment is read from, the secret, the site's identity, language."""

import os
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

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
# With DEBUG it defaults to where `make run` serves: 127.0.0.1 on PORT (8000 unless set).
_DEVELOPMENT_ORIGIN = f"http://127.0.0.1:{env.int('PORT', default=8000)}"
SITE_URL = (
    env.str("SITE_URL") if not DEBUG else env.str("SITE_URL", default=_DEVELOPMENT_ORIGIN)
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) speed up PostgreSQL's listings; SQLite ignores their extra column,
# which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
