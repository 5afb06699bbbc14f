"""compose.yaml, the deployment a user takes elsewhere, says what `make cluster` runs here: the same
parts, and settings the code actually reads (a misspelt variable would be silently ignored)."""

import re
from pathlib import Path

import yaml

from newsroom.serve import REQUIRED

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
# Names read from the environment anywhere in the project's code (and by gunicorn).
READ = re.compile(r"""env\.\w+\(\s*"([A-Z][A-Z0-9_]*)"|environ(?:\.get\(|\[)"([A-Z][A-Z0-9_]*)"|"""
                  r"""os\.environ\.get\("([A-Z][A-Z0-9_]*)\"""")  # fmt: skip
GUNICORN_AND_IMAGE = {"GUNICORN_CMD_ARGS"}


def names_the_code_reads() -> set[str]:
    names = set(GUNICORN_AND_IMAGE)
    for package in ("newsroom", "articles", "comments", "api", "accounts"):
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
