"""The cluster under wrk: req/s through the balancer with one app server and with two.

    .venv/bin/python benchmarks/cluster_bench.py     (also: make bench-cluster)

Starts `make cluster` (deploy/cluster.py: nginx, app servers A and B, a worker, a PostgreSQL
primary and replica, Redis), then for each balancer setting (A alone, A and B) runs wrk
(-t2 -c16, BENCH_SECONDS per run, BENCH_ROUNDS interleaved rounds, medians) against the trivial
view (/healthz), the seed story for an anonymous reader, and the same story for a logged-in reader
(sending back its session and CSRF cookies). Stops the cluster and writes the table to
benchmarks/results.md under BENCH_LABEL (default "Cluster: through the balancer").
"""

import http.cookiejar
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from bench_rows import write_results  # noqa: E402
from bench_wrk import Row, ensure_wrk, measure  # noqa: E402

from deploy import cluster  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
LABEL = os.environ.get("BENCH_LABEL", "Cluster: through the balancer")
READER, PASSWORD = "bench-cluster-reader", "bench-cluster-reader-pass-5521"
BALANCER = f"http://127.0.0.1:{cluster.PORT}"


def seed_story_path() -> str:
    return cluster.django_shell(
        "from articles.models import Article\n"
        "print(Article.objects.published().order_by('pk').first().get_absolute_url())\n"
    )


def logged_in_cookie() -> str:
    """A reader's session, made through the login form as a browser makes it."""
    cluster.django_shell(
        "from django.contrib.auth import get_user_model\n"
        "from allauth.account.models import EmailAddress\n"
        f"user = get_user_model().objects.create_user({READER!r}, 'r@example.com', {PASSWORD!r})\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n"
        "print('ok')\n"
    )
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    browser.open(f"{BALANCER}/accounts/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = {"login": READER, "password": PASSWORD, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(  # noqa: S310 (our loopback)
        f"{BALANCER}/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Origin": BALANCER, "Referer": f"{BALANCER}/accounts/login/"},
    )
    browser.open(request).read()
    browser.open(f"{BALANCER}/").read()  # the CSRF cookie a logged-in page sets
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        sys.exit("Could not log the benchmark's reader in through the balancer.")
    return "; ".join(f"{name}={cookies[name]}" for name in ("sessionid", "csrftoken"))


def balance(ports: tuple[int, ...]) -> None:
    """Point the balancer at these app servers and wait until nginx has reloaded."""
    conf = (cluster.STATE / "nginx.conf").read_text()
    servers = "".join(f"        server 127.0.0.1:{port};\n" for port in ports)
    conf = re.sub(r"(upstream app_servers \{\n)(?:\s*server [^\n]*\n)+", rf"\g<1>{servers}", conf)
    (cluster.STATE / "nginx.conf").write_text(conf)
    pid = int((cluster.STATE / "nginx.pid").read_text())
    os.kill(pid, 1)  # SIGHUP: nginx reads its configuration again
    time.sleep(2)


def main() -> int:
    wrk = ensure_wrk()
    cluster.start()
    try:
        story = seed_story_path()
        cookie = logged_in_cookie()
        rows = [
            Row("trivial view (/healthz)", "/healthz", trivial=True),
            Row("seed story, anonymous", story),
            Row("seed story, logged in", story, headers={"Cookie": cookie}),
        ]
        measured = {}
        with tempfile.TemporaryDirectory() as work:
            for name, ports in (
                ("one app server (A)", cluster.APP_PORTS[:1]),
                ("two app servers (A, B)", cluster.APP_PORTS),
            ):
                balance(ports)
                print(f"== {name}")
                measured[name] = measure(
                    wrk, BALANCER, rows, seconds=SECONDS, rounds=ROUNDS, directory=Path(work)
                )["runs"]
    finally:
        cluster.stop(quiet=True)
    write_results(HERE / "results.md", LABEL, describe(), table(measured, rows))
    print(table(measured, rows))
    return 0


def table(measured: dict, rows: list[Row]) -> str:
    lines = [
        "| balancer in front of | " + " | ".join(row.name for row in rows) + " |",
        "| --- |" + " --- |" * len(rows),
    ]
    for name, runs in measured.items():
        cells = []
        for row in rows:
            results = runs[row.name]
            rps = statistics.median(r["rps"] for r in results)
            errors = sum(r["status_errors"] + r["socket_errors"] for r in results)
            cells.append(f"{rps:.0f} req/s" + (f" ({errors} errors)" if errors else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe() -> str:
    load = os.getloadavg()[0]
    processes = cluster.cluster_environment()["WEB_CONCURRENCY"]
    return "\n".join(
        [
            "- `benchmarks/cluster_bench.py`: `make cluster` on this machine "
            f"({os.cpu_count()} cores shared by nginx, both app servers, the worker, "
            "both PostgreSQL servers, Redis and wrk)",
            f"- each app server: gunicorn, {processes} processes x 4 threads; anonymous pages "
            "from the page cache in Redis, logged-in pages rendered (from kept fragments) "
            "on the primary",
            f"- wrk -t2 -c16 through nginx, {SECONDS} s per run, {ROUNDS} interleaved rounds, "
            "medians",
            f"- machine load (1-minute average) at the end: {load:.1f}",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
