"""Where django-allauth keeps its rate limits and used second-factor codes: the database.

allauth keeps them in Django's default cache, which is Redis. While Redis is away that cache
refuses every write, so allauth's rate-limit lock is never taken and the right TOTP code is
answered "Too many failed login attempts": staff cannot log in. In the database (the `accounts`
cache alias, whose table accounts' migration 0002 makes), an outage of Redis neither blocks a
login nor lets a used code be used again. allauth has no setting for its cache, so the modules
that use one are pointed at this alias when the app starts.
"""

import importlib

from django.core import cache as django_cache
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.utils.connection import ConnectionProxy

ALIAS = "accounts"
TABLE = "accounts_cache"
# Every allauth module (of the apps installed) that keeps something in the cache.
ALLAUTH_CACHE_MODULES = ("allauth.core.internal.ratelimit", "allauth.mfa.totp.internal.auth")


def allauth_cache_install() -> None:
    accounts_cache = ConnectionProxy(caches, ALIAS)
    for name in ALLAUTH_CACHE_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "cache", None) is not django_cache.cache:
            # An allauth release that moved its cache: fail at start-up, not at the next outage.
            raise ImproperlyConfigured(f"{name} no longer keeps django.core.cache.cache.")
        module.cache = accounts_cache
