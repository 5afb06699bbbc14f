"""`make serve` for real: refuses without its settings, serves through gunicorn with the worker
beside it, keeps ping tokens out of the access log, and Ctrl-C leaves no process behind."""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.checks.security.base import check_secret_key
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from operations.serve import secret_key_strong
from tests.conftest import redis_url
from tests.operations.conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "k3Ep-Th1s-S3cret-0ut-of-L0gs"
PING_TOKEN = "tb_554d64918886732c0e78a9642076d2020661c95d"
RESET_TOKEN = "diujwx-0b6646d24a6a287389fb70187957287f"


def clean_environ(**env):
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by tests/browser/conftest.py once collected (make test
    # collects, then deselects, the browser tests); a deploy check rightly refuses it.
    unset = (
        "SECRET_KEY",
        "DEBUG",
        "DATABASE_URL",
        "SITE_URL",
        "ALLOWED_HOSTS",
        "CACHE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return {**base, "ENV_FILE": "", **env}


def serve_refusal(**env) -> list[str]:
    """What make serve says when it refuses. A role no server has: should the checks let it
    pass, it stops there too (with another message), before migrating or serving anything."""
    result = subprocess.run(
        [sys.executable, "-m", "operations.serve"],
        cwd=ROOT,
        env=clean_environ(SERVE_ROLE="none", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    return result.stderr.strip().splitlines()


HEADING = "make serve cannot start; set in the environment (see .env.example):"
SHARED_CACHE = (
    "  - CACHE_URL: a cache shared by every process is needed, Redis (redis://127.0.0.1:6379/1)"
)
WEAK_KEY = "  - SECRET_KEY: too weak; Django's deploy check wants 50 characters or more,"


def test_serve_names_everything_it_lacks_in_one_message():
    assert serve_refusal() == [
        HEADING,
        "  - SECRET_KEY, ALLOWED_HOSTS, SITE_URL: not set",
        SHARED_CACHE,
    ]
    heading, missing, weak_key, cache = serve_refusal(SECRET_KEY="short")
    assert (heading, missing, cache) == (
        HEADING,
        "  - ALLOWED_HOSTS, SITE_URL: not set",
        SHARED_CACHE,
    )
    assert weak_key.startswith(WEAK_KEY) and "secrets.token_urlsafe(50)" in weak_key
    # The settings' own refusals come in the same message, past the names missing.
    heading, missing, cache, site_url = serve_refusal(
        SECRET_KEY=secrets.token_urlsafe(50), SITE_URL="news.example.com"
    )
    assert (missing, cache) == ("  - ALLOWED_HOSTS: not set", SHARED_CACHE)
    assert site_url.startswith("  - SITE_URL must be an origin such as https://news.example.com")


def test_serve_refuses_a_key_djangos_deploy_check_refuses():
    production = {
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1:8000",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    for weak in ("s" * 60, "django-insecure-" + secrets.token_urlsafe(50), "abcd" * 20):
        heading, problem = serve_refusal(SECRET_KEY=weak, **production)
        assert heading == HEADING and problem.startswith(WEAK_KEY), weak


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdef-_django-insecure"), max_size=70))
def test_a_strong_key_is_exactly_what_djangos_deploy_check_accepts(secret_key):
    with override_settings(SECRET_KEY=secret_key or "x"):
        accepted_by_django = check_secret_key(None) == []
    assert secret_key_strong(secret_key or "x") is accepted_by_django


def test_serve_refuses_a_cache_each_process_keeps_to_itself():
    for cache_url in ("", "locmemcache://newsroom"):  # the default is local memory too
        problems = serve_refusal(
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL="http://127.0.0.1:8000",
            **({"CACHE_URL": cache_url} if cache_url else {}),
        )
        assert problems == [HEADING, SHARED_CACHE]


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, grandchildren...), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1 only)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_make_serve_runs_gunicorn_and_the_worker_and_ctrl_c_stops_both(tmp_path):
    port = closed_port()
    origin = f"http://127.0.0.1:{port}"
    env = clean_environ(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=origin,
        PORT=str(port),
        WEB_CONCURRENCY="2",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        SECURE_COOKIES="0",
        DEBUG="1",  # serve turns DEBUG off whatever it is given
        CACHE_URL=redis_url(f"redis://127.0.0.1:6379/{os.environ.get('TEST_REDIS_DB', '14')}"),
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],  # noqa: S607 (as a developer runs it)
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and make.poll() is None:
            try:
                status, body = get(f"{origin}/readyz")
            except OSError:
                status = None
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, log.read_text()[-3000:]  # database, cache and worker heartbeat

        processes = descendants(make.pid)
        commands = " ".join(Path(f"/proc/{pid}/cmdline").read_text() for pid in processes)
        assert "gunicorn" in commands and "db_worker" in commands
        status, body = get(f"{origin}/2024/06/23/a-story/trackback/{TOKEN}/")
        assert status in (404, 405)
        # Percent-encoded, the path still routes (Django decodes it): the log must not show it.
        for spelling in ("trackback%2F", "%74rackback/"):
            get(f"{origin}/2024/06/23/a-story/{spelling}{PING_TOKEN}/")
        assert get(f"{origin}/accounts/reset/MQ/{RESET_TOKEN}/")[0] == 200  # an invalid link
        assert get(f"{origin}/")[0] == 200
        status, body = get(f"{origin}/no-such-page/")
        assert status == 404 and b"URLconf" not in body  # DEBUG is off: no technical page
        assert (tmp_path / "static" / "staticfiles.json").exists()  # collectstatic ran
    finally:
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        make.wait(timeout=60)

    time.sleep(0.5)
    assert [pid for pid in processes if alive(pid)] == []
    output = log.read_text()
    assert "/trackback/[redacted]/ HTTP/1.1" in output  # gunicorn's access log line
    assert TOKEN not in output
    assert "/accounts/reset/MQ/[redacted]/ HTTP/1.1" in output
    assert RESET_TOKEN not in output and PING_TOKEN not in output
    with pytest.raises(OSError):
        get(f"{origin}/healthz")


def test_the_application_leaves_what_it_loaded_at_start_out_of_garbage_collection():
    """Loading newsroom.wsgi (as gunicorn's workers do) freezes Django and the apps' modules:
    a full collection then scans only what requests made, instead of pausing one for 50 ms."""
    script = (
        "import gc, sys; import newsroom.wsgi; "
        "print(gc.get_freeze_count(), 'articles.views' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_environ(SECRET_KEY="s", DEBUG="1"),
    )
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True"  # the URLconf's views too
