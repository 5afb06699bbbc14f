"""Two runs of the suite at once on one machine never touch each other's Redis keys or
PostgreSQL test database (tests/conftest.py)."""

import os

import pytest
import redis
from django.core.cache import cache
from django.db import connection

from tests import conftest

REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "14"))


@pytest.fixture
def another_runs_key():
    """A key another run of the suite keeps in the same Redis database."""
    server = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    key = f"test-{os.getpid() + 1}xother:1:page"
    server.set(key, b"theirs", ex=60)
    yield server, key
    server.delete(key)


def test_a_redis_cache_a_test_configures_keeps_this_runs_keys_and_clears_only_them(
    settings, another_runs_key
):
    server, theirs = another_runs_key
    settings.CACHES = {
        "default": {
            "BACKEND": "delivery.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{REDIS_DB}",
        }
    }
    cache.set("mine", "here")
    assert server.keys(f"{conftest.REDIS_KEY_PREFIX}:*mine") != []
    cache.clear()
    assert cache.get("mine") is None
    assert server.get(theirs) == b"theirs"  # the other run's page is still there


def test_a_process_the_tests_start_uses_this_runs_prefix():
    url = conftest.redis_url("redis://127.0.0.1:6379/3")
    assert url.endswith(f"?key_prefix={conftest.REDIS_KEY_PREFIX}")


@pytest.mark.django_db
def test_this_runs_postgresql_test_database_is_its_own():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is in this process's memory")
    assert connection.settings_dict["NAME"].endswith(f"_{conftest.RUN}")
