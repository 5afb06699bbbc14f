"""`make cluster`: the newsroom as a cluster on this one machine, for development and tests.

    python deploy/cluster.py start    a fresh cluster (anything left by an earlier one is removed)
    python deploy/cluster.py stop     stops every part
    python deploy/cluster.py status   which parts answer

Parts (ports from the environment, defaults in docs/operations.md, "make cluster"):

    nginx :8090 ──┬── app server A :8091 (gunicorn, SERVE_ROLE=web) ──┐
     /media/      └── app server B :8092 (gunicorn, SERVE_ROLE=web) ──┼── Redis :6379 db 13
                      task worker  (SERVE_ROLE=worker) ───────────────┤   (cache, sessions, limits)
                                                                      ├── PostgreSQL primary :5441
                                                                      └── streaming replica  :5442

PostgreSQL is a primary and a hot standby of their own (initdb, pg_basebackup -R), made in
CLUSTER_DIR (default: a folder in the system's temporary folder, named after the checkout) with
the machine's PostgreSQL binaries; the machine's own server on 5432 is not touched. Durability
is traded for speed there (fsync off): it is a test aid. The environment every app process gets
is `cluster_environment()`; `compose.yaml` describes the same parts for a real deployment.
"""

import contextlib
import glob
import hashlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# In the system's temporary folder by default, not in the checkout: PostgreSQL (run as postgres)
# and nginx's workers (nobody) must reach it, and a checkout may sit in a folder only root opens.
_CHECKOUT = hashlib.sha256(bytes(BASE_DIR)).hexdigest()[:8]
STATE = Path(
    os.environ.get("CLUSTER_DIR") or Path(tempfile.gettempdir()) / f"newsroom-cluster-{_CHECKOUT}"
).resolve()
PORT = int(os.environ.get("CLUSTER_PORT", "8090"))
APP_PORTS = (
    int(os.environ.get("CLUSTER_APP_A", "8091")),
    int(os.environ.get("CLUSTER_APP_B", "8092")),
)
PRIMARY_PORT = int(os.environ.get("CLUSTER_PG_PORT", "5441"))
REPLICA_PORT = PRIMARY_PORT + 1
REDIS_URL = os.environ.get("CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/13")
# The cluster's keys in that database: it clears these, never what others keep there.
CACHE_KEY_PREFIX = f"newsroom-cluster-{_CHECKOUT}"
DATABASE = "newsroom"
# Long enough for make serve's check, and known: the cluster is a test aid, never production.
CLUSTER_ONLY_KEY = "cluster-only-not-a-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz"
PYTHON = sys.executable
START_TIMEOUT = 90  # seconds for one part to answer


def pg_bin(name: str) -> str:
    """The newest installed PostgreSQL's binary `name` (Debian keeps them off the PATH)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    if found:
        return found[-1]
    if path := shutil.which(name):
        return path
    sys.exit(f"make cluster needs PostgreSQL's {name} (Debian: apt-get install postgresql).")


def _version(path: str) -> int:
    return int(Path(path).parent.parent.name.split(".")[0])


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: its commands run as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def database_url(port: int) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"


def cluster_environment(port: int | None = None) -> dict[str, str]:
    """What every app process of the cluster is given (an app server also gets its PORT)."""
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("CLUSTER_SECRET_KEY", CLUSTER_ONLY_KEY),
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(PRIMARY_PORT),
        "DATABASE_REPLICA_URL": database_url(REPLICA_PORT),
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": CACHE_KEY_PREFIX,
        "MEDIA_ROOT": str(STATE / "media"),
        "STATIC_ROOT": str(STATE / "static"),
        "SEARCH_INDEX_DIR": str(STATE / "search-index"),
        "NUM_PROXIES": "1",
        "SECURE_COOKIES": "0",
        "EMAIL_URL": "consolemail://",
        "WEB_CONCURRENCY": os.environ.get("CLUSTER_WEB_CONCURRENCY", "2"),
        "WORKER_HEARTBEAT_SECONDS": "2",
        "SERVE_SETUP": "0",  # start() migrates and collects static files once, first
    }
    if port is not None:
        env["PORT"] = str(port)
    return env


# --- PostgreSQL ---------------------------------------------------------------------------------
def _pg_folder(name: str) -> Path:
    return STATE / "pg" / name


def start_postgres() -> None:
    pg = STATE / "pg"
    pg.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(pg, "postgres", "postgres")
    primary, replica = _pg_folder("primary"), _pg_folder("replica")
    _run(
        as_postgres(
            [
                pg_bin("initdb"),
                "-D",
                str(primary),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
    )
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{pg}'",
        "wal_level": "replica",
        "max_wal_senders": "4",
        "hot_standby": "on",
        "fsync": "off",
        "synchronous_commit": "off",
        "shared_buffers": "64MB",
    }
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write("\n# make cluster\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    _pg_ctl(primary, PRIMARY_PORT, "start")
    _run(
        as_postgres(
            [
                pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PRIMARY_PORT),
                "-U",
                "postgres",
                DATABASE,
            ]
        )
    )
    # -R: standby.signal and primary_conninfo, so the copy starts as a streaming replica.
    _run(
        as_postgres(
            [
                pg_bin("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(PRIMARY_PORT),
                "-U",
                "postgres",
                "-D",
                str(replica),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
    )
    _pg_ctl(replica, REPLICA_PORT, "start")


def _pg_ctl(folder: Path, port: int, action: str) -> None:
    log = STATE / "logs" / f"postgres-{folder.name}.log"
    if os.geteuid() == 0 and not log.exists():
        log.touch()
        shutil.chown(log, "postgres", "postgres")
    command = [pg_bin("pg_ctl"), "-D", str(folder), "-w", "-t", "60"]
    if action == "start":
        command += ["-l", str(log), "-o", f"-p {port}", "start"]
    else:
        command += ["-m", "fast", "stop"]
    _run(as_postgres(command))


def replica_sql(sql: str) -> str:
    """Run one statement on the replica (the tests pause and resume its replay with it)."""
    return _psql(REPLICA_PORT, sql)


def primary_sql(sql: str) -> str:
    return _psql(PRIMARY_PORT, sql)


def _psql(port: int, sql: str) -> str:
    command = [
        pg_bin("psql"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        "postgres",
        "-d",
        DATABASE,
        "-XAtqc",
        sql,
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()  # noqa: S603


def stop_replica() -> None:
    _pg_ctl(_pg_folder("replica"), REPLICA_PORT, "stop")


def start_replica() -> None:
    _pg_ctl(_pg_folder("replica"), REPLICA_PORT, "start")


# --- The app, the worker and the balancer ---------------------------------------------------
def manage(*args: str) -> None:
    _run([PYTHON, str(BASE_DIR / "manage.py"), *args], env=cluster_environment())


def django_shell(code: str) -> str:
    """Run Django code against the cluster (`manage.py shell -c`); the last line it printed.

    For its tests and its benchmark: a journalist's earlier work, a reader's account."""
    done = subprocess.run(  # noqa: S603 (our own argv)
        [PYTHON, str(BASE_DIR / "manage.py"), "shell", "-c", code],
        env=cluster_environment(),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py shell failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def spawn(name: str, command: list[str], env: dict[str, str] | None = None) -> None:
    log = open(STATE / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
    child = subprocess.Popen(  # noqa: S603 (our own argv)
        command,
        cwd=BASE_DIR,
        env=env or cluster_environment(),
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (STATE / "pids" / f"{name}.pid").write_text(str(child.pid))


def start_app() -> None:
    serve = [PYTHON, "-m", "operations.serve"]
    for name, port in zip(("app-a", "app-b"), APP_PORTS, strict=True):
        spawn(name, serve, {**cluster_environment(port), "SERVE_ROLE": "web"})
    spawn("worker", serve, {**cluster_environment(), "SERVE_ROLE": "worker"})
    conf = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    values = {
        "state": STATE,
        "media": STATE / "media",
        "port": PORT,
        "app_a": APP_PORTS[0],
        "app_b": APP_PORTS[1],
    }
    for key, value in values.items():
        conf = conf.replace("{" + key + "}", str(value))
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (STATE / "nginx" / folder).mkdir(parents=True, exist_ok=True)
    (STATE / "nginx.conf").write_text(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    spawn("nginx", [nginx, "-c", str(STATE / "nginx.conf"), "-p", str(STATE)])
    for port in (*APP_PORTS, PORT):
        wait_ready(f"http://127.0.0.1:{port}/readyz")


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (our loopback)
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"{url} did not answer 200 within {START_TIMEOUT} s; see {STATE / 'logs'}.")
        time.sleep(0.5)


def start() -> None:
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        _install("nginx")
    stop(quiet=True, keep=True)
    if STATE.exists():
        shutil.rmtree(STATE)
    for folder in ("logs", "pids", "media"):
        (STATE / folder).mkdir(parents=True)
    start_postgres()
    manage("migrate", "--noinput", "-v", "0")
    manage("setup_roles")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("loaddemo")
    cache_forget()
    start_app()
    print(
        f"Cluster up: http://127.0.0.1:{PORT}/ (app servers :{APP_PORTS[0]} :{APP_PORTS[1]}, "
        f"PostgreSQL :{PRIMARY_PORT} primary, :{REPLICA_PORT} replica). make cluster-stop "
        "stops it."
    )


def cache_forget() -> None:
    """Delete the cluster's own keys (an earlier cluster's pages and versions name rows of a
    database that is gone); other keys in the same Redis database are left alone."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    for keys in itertools.batched(connection.scan_iter(match=f"{CACHE_KEY_PREFIX}:*"), 500):
        connection.delete(*keys)


def stop(quiet: bool = False, *, keep: bool = False) -> None:
    """Stop every part, then delete what the cluster made (its folder, its cache keys) unless
    `keep`: a failed start keeps its logs to read."""
    for pid_file in sorted((STATE / "pids").glob("*.pid")) if STATE.exists() else []:
        pid = int(pid_file.read_text())
        if _ours(pid):  # a pid file left by a cluster long gone may name someone else's process
            _stop_group(pid)
        pid_file.unlink()
    for name, port in (("replica", REPLICA_PORT), ("primary", PRIMARY_PORT)):
        if (_pg_folder(name) / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                _pg_ctl(_pg_folder(name), port, "stop")
    if not keep:
        import redis

        shutil.rmtree(STATE, ignore_errors=True)
        with contextlib.suppress(redis.exceptions.ConnectionError):  # Redis away: nothing to do
            cache_forget()
    if not quiet:
        print("Cluster stopped." if keep else f"Cluster stopped; {STATE} removed.")


def _ours(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"operations.serve" in command or b"nginx" in command


def _stop_group(pid: int, grace: float = 20) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def status() -> int:
    down = 0
    for name, port in (("balancer", PORT), ("app A", APP_PORTS[0]), ("app B", APP_PORTS[1])):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                state = answer.status
        except OSError as error:
            state, down = error, down + 1
        print(f"{name:9} :{port}  {state}")
    return 1 if down else 0


def _install(package: str) -> None:
    print(f"Installing Debian's {package} for make cluster.")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    _run([*sudo, "apt-get", "update", "-qq"])
    _run([*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", package])


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run one setup step; what it prints goes to logs/setup.log, its failure stops the start."""
    log_path = STATE / "logs" / "setup.log"
    with open(log_path if log_path.parent.exists() else os.devnull, "ab") as log:
        result = subprocess.run(  # noqa: S603 (our own argv)
            command, cwd=BASE_DIR, env=env, check=False, stdout=log, stderr=subprocess.STDOUT
        )
    if result.returncode:
        raise subprocess.CalledProcessError(result.returncode, command)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "start"
    if action == "start":
        try:
            start()
        except subprocess.CalledProcessError as error:
            stop(quiet=True, keep=True)
            sys.exit(
                f"make cluster failed at: {' '.join(map(str, error.cmd))}\nLogs: {STATE / 'logs'}"
            )
    elif action == "stop":
        stop()
    elif action == "status":
        sys.exit(status())
    else:
        sys.exit("usage: python deploy/cluster.py start|stop|status")
