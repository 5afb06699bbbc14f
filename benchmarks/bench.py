"""`make bench`: the production server under wrk, each page as a share of a trivial view.

    make bench                         # or: .venv/bin/python benchmarks/bench.py
    BENCH_LABEL="After the page cache" make bench

On this machine, traffic to 127.0.0.1 only. It installs wrk when missing (Debian's package), makes
and fills a PostgreSQL database once (`generate_load_data`; later runs reuse it), starts the site
the way `make serve` does (DEBUG off, gunicorn and the task worker, Redis as cache) on a free
port (and a second server that keeps no page or fragment, for the rows that measure a page
rendered whole, as after an edit), then runs wrk for every row, ROUNDS times interleaved, and
prints medians: req/s, p50, p99 and the share of the trivial view (/healthz) measured in the
same round. The table and the machine's description go to benchmarks/results.md under
BENCH_LABEL (a section with the same label is replaced, others are kept).

Settings (environment): BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/newsroom_loadbench),
BENCH_CACHE_URL (redis://127.0.0.1:6379/15; flushed at start), BENCH_PORT (a free one),
BENCH_STORIES (100000), BENCH_COMMENTS (1000000), BENCH_SECONDS per run (6), BENCH_ROUNDS (3),
BENCH_WORKERS (gunicorn processes, 2), BENCH_LABEL.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import bench_rows, bench_wrk  # noqa: E402 (after the path is set)

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_loadbench"
)
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
STORIES = int(os.environ.get("BENCH_STORIES", 100_000))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", 1_000_000))
SECONDS = int(os.environ.get("BENCH_SECONDS", 6))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
LABEL = os.environ.get("BENCH_LABEL", "")
RESULTS = ROOT / "benchmarks" / "results.md"
READY_TIMEOUT = 120  # seconds for migrate, collectstatic and gunicorn to come up


def free_port(other_than: int | None = None) -> int:
    if os.environ.get("BENCH_PORT") and other_than is None:
        return int(os.environ["BENCH_PORT"])
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != other_than:
            return port


def server_environment(port: int) -> dict:
    """What `make serve` reads, for a benchmark: production settings on loopback."""
    return {
        **os.environ,
        "ENV_FILE": "",  # a developer's .env (DEBUG=1) must not leak in
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", secrets.token_urlsafe(40)),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": CACHE_URL,
        # Every wrk connection shares one address; plain HTTP on loopback.
        "COMMENTS_RATE_LIMIT": "1000000000",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> None:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own argv)


def start_server(env: dict, log) -> subprocess.Popen:
    """`make serve`'s code path, in its own process group so that all of it stops together."""
    command = [sys.executable, "-m", "operations.serve"]
    return subprocess.Popen(  # noqa: S603 (our own argv)
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )


def wait_ready(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("The server stopped while starting; see the log above.")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"The server did not answer within {READY_TIMEOUT} s.")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def main() -> int:
    wrk = bench_wrk.ensure_wrk()
    port = free_port()
    env = server_environment(port)
    os.environ.update(
        {
            k: env[k]
            for k in (
                "ENV_FILE",
                "DEBUG",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "SITE_URL",
                "DATABASE_URL",
                "CACHE_URL",
            )
        }
    )
    bench_rows.ensure_database(DATABASE_URL)
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "loaddemo")
    fill = bench_rows.missing_load_data(STORIES, COMMENTS)
    if fill:
        manage(env, "generate_load_data", "--stories", str(fill[0]), "--comments", str(fill[1]))
        print(f"filled in {time.monotonic() - started:.0f} s")
    bench_rows.clear_cache()
    base = f"http://127.0.0.1:{port}"
    # The same site again, keeping nothing: what the first request after an edit costs.
    unstored_port = free_port(other_than=port)
    unstored_env = {
        **server_environment(unstored_port),
        "PAGE_CACHE_SECONDS": "0",
        "SECRET_KEY": env["SECRET_KEY"],
    }
    unstored_base = f"http://127.0.0.1:{unstored_port}"
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as work,
        open(Path(work) / "server.log", "w+") as log,
    ):
        server = start_server(env, log)
        unstored = None
        try:
            wait_ready(base, server)
            unstored = start_server(unstored_env, log)
            wait_ready(unstored_base, unstored)
            rows = bench_rows.prepare(base, unstored_base, Path(work))
            load_before = os.getloadavg()[0]
            results = bench_wrk.measure(
                wrk, base, rows, seconds=SECONDS, rounds=ROUNDS, directory=Path(work)
            )
            posted = bench_rows.comments_stored(rows)
            load = (load_before, os.getloadavg()[0])
        finally:
            stop_server(server)
            if unstored is not None:
                stop_server(unstored)
            log.seek(0)
            lines = log.readlines()
            errors = [n for n, line in enumerate(lines) if "Traceback" in line or " 500 " in line]
            if errors:
                first = "".join(lines[errors[0] : errors[0] + 40])
                print(f"server log: {len(errors)} error line(s); the first:\n{first}")
    table = bench_wrk.table(results, posted)
    print(table)
    description = bench_rows.machine_description(
        wrk, workers=WORKERS, seconds=SECONDS, rounds=ROUNDS, load=load
    )
    bench_rows.write_results(RESULTS, LABEL, description, table)
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
