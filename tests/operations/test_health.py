"""/healthz answers while the process lives; /readyz names what keeps the site from serving."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from operations import health
from operations.heartbeat import Heartbeat
from tests.operations.conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]


def assert_never_cached(response):
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert_never_cached(response)
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_with_a_live_worker(client, database_tasks, django_assert_num_queries):
    live_worker = Heartbeat(worker_id="w1", background=False)
    with live_worker, django_assert_num_queries(2):  # SELECT 1, and the newest heartbeat
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "ok"},
    }
    assert_never_cached(response)


@pytest.mark.django_db
def test_readyz_without_a_worker(client, database_tasks):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"] == "no task worker heartbeat in the last 60 s"
    assert_never_cached(response)


@pytest.mark.django_db
def test_readyz_when_the_worker_stopped_beating(client, database_tasks):
    with Heartbeat(worker_id="w1", background=False):
        assert client.get("/readyz").status_code == 200
        with time_machine.travel(timezone.now() + timedelta(seconds=61)):
            response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["worker"]


@pytest.mark.django_db
def test_readyz_needs_no_worker_when_tasks_run_on_the_spot(client):
    assert client.get("/readyz").status_code == 200  # the tests' immediate backend


@pytest.mark.django_db
@pytest.mark.parametrize(
    "backend", ["django.core.cache.backends.redis.RedisCache", "delivery.cache.DegradingRedisCache"]
)
def test_readyz_when_the_cache_is_down(
    client, settings, database_tasks, caplog, monkeypatch, backend
):
    monkeypatch.setattr(health, "_last_problems", [])  # the log tells changes: start from none
    settings.CACHES = {
        "default": {"BACKEND": backend, "LOCATION": f"redis://127.0.0.1:{closed_port()}/13"}
    }
    with Heartbeat(worker_id="w1", background=False):
        response = client.get("/readyz")
    # Pages are served without the cache: no balancer should take the app servers out for it.
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "unavailable (degraded)", "worker": "ok"},
    }
    assert "127.0.0.1" not in response.content.decode()  # details go to the log, not the public
    assert "Ready, degraded: cache unavailable" in caplog.text


@pytest.mark.django_db
def test_readyz_fails_for_the_database_even_while_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "delivery.cache.DegradingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/13",
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/readyz")  # and no worker beats
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["worker"]
    assert body["checks"]["cache"] == "unavailable (degraded)"


def test_readyz_when_the_database_is_down(tmp_path):
    # A database that cannot be opened, in a process of its own (this one's is in use).
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsroom.settings';"
        "django.setup(); from django.test import Client;"
        "r = Client().get('/readyz'); print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "s3cret",
        "SITE_URL": "https://news.example.com",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/folder/db.sqlite3",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = result.stdout.split(" ", 1)
    assert status == "503", result.stderr
    body = json.loads(body)
    assert body["failed"] == ["database", "worker"]
    assert body["checks"]["database"] == "error (OperationalError)"
    assert body["checks"]["cache"] == "ok"
