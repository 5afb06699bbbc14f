"""`make serve` for real: refuses without its settings, serves through gunicorn with the worker
beside it, keeps ping tokens out of the access log, and Ctrl-C leaves no process behind."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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


def test_serve_names_every_missing_setting_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "operations.serve"],
        cwd=ROOT,
        env=clean_environ(SECRET_KEY="s"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "make serve needs ALLOWED_HOSTS, SITE_URL: set them in the environment (see .env.example)."
    ]


def test_serve_refuses_a_cache_each_process_keeps_to_itself():
    for cache_url in ("", "locmemcache://newsroom"):  # the default is local memory too
        env = clean_environ(
            SECRET_KEY="s",
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL="http://127.0.0.1:8000",
            **({"CACHE_URL": cache_url} if cache_url else {}),
        )
        result = subprocess.run(
            [sys.executable, "-m", "operations.serve"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("make serve needs a cache shared by its processes: set CACHE_URL")


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
        SECRET_KEY="serve-test-secret",
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
