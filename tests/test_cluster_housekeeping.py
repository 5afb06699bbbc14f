"""`make cluster` on a developer's machine: it clears only the cache keys it made (a prefix of its
own in the shared Redis database), and `make cluster-stop` leaves no data folder behind. Checked
without starting a cluster: the real Redis, a folder as a cluster leaves it."""

import os
import subprocess
import sys
import uuid

import pytest
import redis

from deploy import cluster

REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('TEST_REDIS_DB', '14')}"


@pytest.fixture
def shared_redis(monkeypatch):
    """The Redis database the cluster is told to use, holding someone else's keys too."""
    monkeypatch.setattr(cluster, "REDIS_URL", REDIS_URL)
    connection = redis.Redis.from_url(REDIS_URL)
    theirs = f"someone-else-{uuid.uuid4().hex}:1:views.decorators.cache.page"
    connection.set(theirs, b"a page another site keeps")
    yield connection, theirs
    connection.delete(theirs)


def test_the_cluster_deletes_its_own_keys_and_nobody_elses(shared_redis):
    connection, theirs = shared_redis
    ours = [f"{cluster.CACHE_KEY_PREFIX}:1:key-{n}" for n in range(1200)]  # more than a batch
    connection.mset(dict.fromkeys(ours, b"x"))
    cluster.cache_forget()
    assert connection.exists(*ours) == 0
    assert connection.get(theirs) == b"a page another site keeps"


def test_the_cluster_s_processes_keep_their_keys_under_its_prefix():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsroom.settings';"
        "django.setup(); from django.core.cache import cache; print(cache.make_key('k'))"
    )
    env = {**cluster.cluster_environment(8091), "CACHE_URL": REDIS_URL}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cluster.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == f"{cluster.CACHE_KEY_PREFIX}:1:k", result.stderr


def test_cluster_stop_removes_its_folder_and_keys(tmp_path, monkeypatch, shared_redis):
    connection, theirs = shared_redis
    state = tmp_path / "newsroom-cluster"
    for folder in ("pids", "logs", "media", "pg/primary/base"):
        (state / folder).mkdir(parents=True)
    (state / "pg" / "primary" / "base" / "16384").write_bytes(b"\0" * 4096)
    monkeypatch.setattr(cluster, "STATE", state)
    ours = f"{cluster.CACHE_KEY_PREFIX}:1:views.decorators.cache.page"
    connection.set(ours, b"x")

    cluster.stop(quiet=True)
    assert not state.exists()
    assert not connection.exists(ours) and connection.exists(theirs)


def test_a_failed_start_keeps_its_logs(tmp_path, monkeypatch, shared_redis):
    state = tmp_path / "newsroom-cluster"
    (state / "logs").mkdir(parents=True)
    (state / "logs" / "setup.log").write_text("initdb: error")
    monkeypatch.setattr(cluster, "STATE", state)
    cluster.stop(quiet=True, keep=True)
    assert (state / "logs" / "setup.log").read_text() == "initdb: error"
