import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Category

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_loaddemo_is_idempotent_and_hides_draft_and_scheduled(client, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("loaddemo", stdout=out)
    assert "editor / editor-demo-2024" in out.getvalue()
    snapshot = sorted(Article.objects.values_list("slug", "updated_at"))
    users = sorted(get_user_model().objects.values_list("username", "password"))

    call_command("loaddemo", stdout=StringIO())
    assert sorted(Article.objects.values_list("slug", "updated_at")) == snapshot
    assert sorted(get_user_model().objects.values_list("username", "password")) == users

    published = Article.objects.published()
    assert published.count() >= 13
    assert published.values("category").distinct().count() >= 4
    months = {(a.published_at.year, a.published_at.month) for a in published}
    assert len(months) >= 3
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    scheduled = Article.objects.filter(status="published").exclude(pk__in=published)
    assert scheduled.count() == 1
    seed = Article.objects.get(slug="japan-indonesia-automotive-cooperation")
    assert seed.category.name == "Other"
    assert str(seed.published_at.date()) == "2024-06-23"
    home = client.get(reverse("articles:home")).content.decode()
    assert "Draft: interview" not in home and "Scheduled: what" not in home

    roles = {u.username: (u.is_superuser, u.is_staff) for u in get_user_model().objects.all()}
    assert roles == {
        "editor": (True, True),
        "journalist": (False, True),
        "reader": (False, False),
        "blogger": (False, False),
    }
    # Every demo user has a verified address: the reader and the blogger can send trackbacks.
    verified = EmailAddress.objects.filter(verified=True, primary=True)
    assert set(verified.values_list("user__username", "email")) == {
        (name, f"{name}@example.com") for name in roles
    }
    assert "blogger / blogger-demo-2024" in out.getvalue()


@pytest.mark.django_db
def test_loaddemo_makes_no_users_without_debug(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("loaddemo", stdout=out)
    assert not get_user_model().objects.exists()
    assert "password" not in out.getvalue() and "demo-2024" not in out.getvalue()
    assert Category.objects.count() == 5


def run_python(code, **env):
    unset = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "SITE_URL")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


SETUP = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='newsroom.settings'; django.setup();"
)


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python(SETUP, DEBUG="0", SITE_URL="https://news.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    ok = run_python(SETUP, DEBUG="0", SECRET_KEY="s3cret", SITE_URL="https://news.example.com")
    assert ok.returncode == 0, ok.stderr


def test_production_refuses_to_start_without_the_site_address():
    result = run_python(SETUP, DEBUG="0", SECRET_KEY="s3cret")
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr
    for wrong in ("news.example.com", "https://news.example.com/path", "ftp://news.example.com"):
        result = run_python(SETUP, DEBUG="0", SECRET_KEY="s3cret", SITE_URL=wrong)
        assert result.returncode != 0 and "SITE_URL must be an origin" in result.stderr, wrong


def test_debug_defaults_the_site_address_to_the_development_server():
    code = SETUP + "from django.conf import settings; print(settings.SITE_URL)"
    result = run_python(code, DEBUG="1")
    assert result.stdout.strip() == "http://127.0.0.1:8000", result.stderr


def test_sqlite_runs_in_wal_with_immediate_transactions(tmp_path):
    db = tmp_path / "wal.sqlite3"
    code = SETUP + (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0], connection.transaction_mode)"
    )
    result = run_python(code, DEBUG="1", DATABASE_URL=f"sqlite:///{db}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_postgresql_uses_the_psycopg_pool():
    code = (
        SETUP + "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    )
    result_url = "postgres://u@127.0.0.1:5432/newsroom"
    result = run_python(code, DEBUG="1", DATABASE_URL=result_url)
    assert result.returncode == 0, result.stderr
    # Bounded waits (503 within seconds when PostgreSQL is down) and checked connections.
    pool = "'pool': {'min_size': 1, 'max_size': 10, 'timeout': 3.0, 'reconnect_timeout': 5.0, "
    assert pool in result.stdout and "'connect_timeout': 3" in result.stdout
    # A server that stops answering (operations/database.py).
    assert "'connection_class': <class 'operations.database.AnsweringConnection'>" in result.stdout
    for limit in ("'keepalives': 1", "'tcp_user_timeout': 10000"):
        assert limit in result.stdout
    # No statement limit by default (migrate, the worker); the web processes set one.
    assert "statement_timeout" not in result.stdout
    web = run_python(code, DEBUG="1", DATABASE_URL=result_url, DB_STATEMENT_TIMEOUT="30")
    assert web.returncode == 0, web.stderr
    assert "statement_timeout=30000" in web.stdout


def test_gunicorns_configuration_gives_the_web_processes_their_statement_limit():
    # gunicorn reads its configuration before it loads the application: the settings see it.
    code = (
        "import os, runpy; os.environ.pop('DB_STATEMENT_TIMEOUT', None); "
        "runpy.run_path('newsroom/gunicorn.conf.py'); " + SETUP + "from django.conf import "
        "settings; print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    )
    result = run_python(code, DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/newsroom")
    assert result.returncode == 0, result.stderr
    assert "statement_timeout=30000" in result.stdout


def test_a_local_memory_cache_keeps_no_pages_in_development():
    """`make run`'s worker is another process: its changes would never reach the server's pages."""
    code = SETUP + "from django.conf import settings as s; print(s.PAGE_CACHE_SECONDS)"
    local = {"DEBUG": "1", "CACHE_URL": "locmemcache://newsroom"}
    assert run_python(code, **local).stdout.split() == ["0"]
    assert run_python(code, **local, PAGE_CACHE_SECONDS="60").stdout.split() == ["60"]
    shared = run_python(code, DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/1")
    assert shared.stdout.split() == ["3600"], shared.stderr


def test_environment_configures_cache_and_mail():
    code = SETUP + (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND']); print(s.MAILERS['default'])"
    )
    result = run_python(
        code,
        DEBUG="1",
        CACHE_URL="redis://127.0.0.1:6379/1",
        EMAIL_URL="smtp+tls://user:pw@mail.example.com:587",
    )
    assert result.returncode == 0, result.stderr
    cache_backend, mailer = result.stdout.splitlines()
    # Django's Redis cache, stepping aside while Redis is unreachable.
    assert cache_backend == "delivery.cache.DegradingRedisCache"
    assert "'host': 'mail.example.com'" in mailer and "'use_tls': True" in mailer
    assert "'port': 587" in mailer and "smtp.EmailBackend" in mailer
