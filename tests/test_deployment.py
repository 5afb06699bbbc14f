"""compose.yaml, the deployment a user takes elsewhere, says what `make cluster` runs here: the same
parts, and settings the code actually reads (a misspelt variable would be silently ignored)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from operations.serve import REQUIRED

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
# Names read from the environment anywhere in the project's code (and by gunicorn).
READ = re.compile(
    r"""env\.\w+\(\s*"([A-Z][A-Z0-9_]*)"|environ(?:\.get\(|\[)"([A-Z][A-Z0-9_]*)"|"""
    r"""os\.environ\.get\("([A-Z][A-Z0-9_]*)\""""
)
GUNICORN_AND_IMAGE = {"GUNICORN_CMD_ARGS"}
# What the image runs: the configuration, the platform and the apps.
PLATFORM = ("newsroom", "delivery", "operations", "guards")
APPS = ("hooks", "articles", "comments", "linkbacks", "search", "api", "accounts")


def names_the_code_reads() -> set[str]:
    names = set(GUNICORN_AND_IMAGE)
    for package in (*PLATFORM, *APPS):
        for path in (ROOT / package).rglob("*.py"):
            for match in READ.finditer(path.read_text()):
                names.add(next(group for group in match.groups() if group))
    return names


def app_environment(service: str) -> dict:
    return SERVICES[service]["environment"]


def test_compose_has_the_parts_of_the_cluster():
    assert {"balancer", "web", "worker", "db", "db-replica", "redis", "release"} <= set(SERVICES)
    assert SERVICES["web"]["deploy"]["replicas"] >= 2
    assert app_environment("web")["SERVE_ROLE"] == "web"
    assert app_environment("worker")["SERVE_ROLE"] == "worker"


def test_app_servers_and_workers_get_every_setting_production_needs():
    for service in ("web", "worker", "release"):
        environment = app_environment(service)
        assert set(REQUIRED) <= set(environment), service
        assert environment["CACHE_URL"].startswith("redis://")  # shared by every server
        assert "@db:" in environment["DATABASE_URL"]
        assert "@db-replica:" in environment["DATABASE_REPLICA_URL"]


def test_every_variable_compose_sets_is_one_the_code_reads():
    read = names_the_code_reads()
    for service in ("web", "worker", "release"):
        unknown = set(app_environment(service)) - read
        assert not unknown, f"{service} sets {sorted(unknown)}, which nothing reads"


def test_the_balancer_and_the_app_servers_share_the_media_volume():
    assert any(volume.startswith("media:") for volume in SERVICES["web"]["volumes"])
    assert any(volume.startswith("media:/srv/media") for volume in SERVICES["balancer"]["volumes"])


@pytest.mark.django_db
def test_the_web_containers_health_check_passes_where_only_the_public_host_is_allowed(
    live_server, settings
):
    """compose's health check asks the app server for /healthz at 127.0.0.1 inside the
    container, where ALLOWED_HOSTS names the site's public host only: it must name that host,
    or the app answers 400 and every web container is reported unhealthy."""
    settings.ALLOWED_HOSTS = ["news.example.com"]
    check = SERVICES["web"]["healthcheck"]["test"]
    assert check[:2] == ["CMD", "python"]
    command = [sys.executable] + [
        part.replace("http://127.0.0.1:8000", live_server.url) for part in check[2:]
    ]
    environment = {**os.environ, "SITE_URL": "https://news.example.com"}  # as compose sets it
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_image_copies_every_package_the_project_installs():
    """The Dockerfile copies folders one by one: a package the settings install (an app, or
    `hooks`) left out makes the image fail at its first import (collectstatic, in the build)."""
    import tomllib

    includes = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    packages = {name.rstrip("*") for name in includes}
    copied = {
        line.split()[1]
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ")
    }
    assert packages - copied == set()
