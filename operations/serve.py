"""`make serve` and `make run`: the web server and the task worker together, stopped together.

    python -m operations.serve              production: DEBUG off, migrate, collectstatic, gunicorn
    python -m operations.serve development  runserver on 127.0.0.1:PORT (8000; DEBUG as set)

Both run the task worker beside the web server; in production `SERVE_ROLE=web` runs the web server
alone and `SERVE_ROLE=worker` the worker alone (several app servers, workers on their own), and
`SERVE_SETUP=0` skips migrate and collectstatic (a release step ran them once for all servers).
Ctrl-C (SIGINT; also SIGTERM, SIGHUP) stops both, and so does either one exiting; a child that
does not stop within GRACE seconds is killed, with its own children, so nothing is left running.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)

BASE_DIR = Path(__file__).resolve().parent.parent
REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")
# Read in place of a missing required name, only to hear what else the settings refuse.
STAND_INS = {
    "SECRET_KEY": "stand-in",
    "ALLOWED_HOSTS": "stand-in.invalid",
    "SITE_URL": "https://stand-in.invalid",
}
GRACE = 15  # seconds: gunicorn's graceful timeout is 10
RESTART_PAUSE = 5  # seconds between two starts of a worker that keeps exiting
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]
WORKER = [*MANAGE, "db_worker", "--no-startup-delay"]


def production_problem(environ=os.environ) -> str | None:
    """Say in one message everything that keeps production from starting, or None."""
    import environ as django_environ

    env_file = environ.get("ENV_FILE", str(BASE_DIR / ".env"))
    if env_file:  # as the settings read it: the environment wins over the file
        django_environ.Env.read_env(env_file, overwrite=False)
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    problems = [f"{', '.join(missing)}: not set"] if missing else []
    secret_key = environ.get("SECRET_KEY", "").strip()
    if secret_key and not secret_key_strong(secret_key):
        problems.append(
            f"SECRET_KEY: too weak; Django's deploy check wants {SECRET_KEY_MIN_LENGTH} "
            f"characters or more, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, not "
            f"starting with {SECRET_KEY_INSECURE_PREFIX!r} (make one: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')"
        )
    cache_url = environ.get("CACHE_URL", "").strip()
    if not cache_url or cache_url.startswith("locmemcache:"):
        # Each gunicorn worker would keep its own pages and versions: a change made in one
        # would not reach the others.
        problems.append(
            "CACHE_URL: a cache shared by every process is needed, Redis (redis://127.0.0.1:6379/1)"
        )
    problems += _settings_problems(missing)
    if not problems:
        return None
    shown = os.path.relpath(env_file, BASE_DIR) if env_file else ""
    where = f"the environment or {shown}" if env_file else "the environment"
    return f"make serve cannot start; set in {where} (see .env.example):\n" + "\n".join(
        f"  - {problem}" for problem in problems
    )


def secret_key_strong(secret_key: str) -> bool:
    """What Django's deploy check (security.W009) accepts as a secret key."""
    return (
        len(secret_key) >= SECRET_KEY_MIN_LENGTH
        and len(set(secret_key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not secret_key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def _settings_problems(missing: list[str]) -> list[str]:
    """The settings' own refusals (SITE_URL's form, storage, the replica), read past the names
    already reported missing: those stand in for them only while the settings are read."""
    from django.core.exceptions import ImproperlyConfigured

    stand_ins = {name: STAND_INS[name] for name in missing}
    os.environ.update(stand_ins)
    try:
        import newsroom.settings  # noqa: F401 (its import runs the checks)
    except ImproperlyConfigured as error:
        return [str(error)]
    finally:
        for name in stand_ins:
            del os.environ[name]
    return []


def run_together(
    commands: list[list[str]], *, restart: tuple[int, ...] = (), grace: float = GRACE
) -> int:
    """Run the commands side by side until we are told to stop or one exits; stop them all.

    The commands at the indexes in `restart` (the task worker) are started again instead, at
    most once every RESTART_PAUSE seconds: queued work must not wait for an operator.
    """
    stop = []
    previous = {
        signum: signal.signal(signum, lambda signum, frame: stop.append(signum))
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }

    # Each child leads its own process group: one signal reaches it and whatever it started
    # (gunicorn's workers, runserver's reloaded child), and a terminal's Ctrl-C reaches us only.
    def start(cmd):
        return subprocess.Popen(cmd, cwd=BASE_DIR, start_new_session=True)  # noqa: S603 (our argv)

    children = [start(cmd) for cmd in commands]
    started = [time.monotonic()] * len(children)
    exited = []
    try:
        while not stop and not exited:
            time.sleep(0.2)
            for index, child in enumerate(children):
                if child.poll() is None:
                    continue
                if index not in restart:
                    exited.append(child)
                elif time.monotonic() - started[index] >= RESTART_PAUSE:
                    print(
                        f"{commands[index][-1]!s} exited with {child.returncode}; starting it "
                        "again.",
                        file=sys.stderr,
                    )
                    children[index], started[index] = start(commands[index]), time.monotonic()
    finally:
        for child in children:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(max(0.1, deadline - time.monotonic()))
            _signal_group(child, signal.SIGKILL)  # stragglers, and any grandchild left behind
            child.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if exited:  # one of them stopped by itself: say so with its code
        print(f"{exited[0].args[-1]!s} exited; stopped the others.", file=sys.stderr)
        return exited[0].returncode or 1
    return 0


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(child.pid, signum)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, cwd=BASE_DIR, check=False)  # noqa: S603 (our own argv)
    if result.returncode:
        sys.exit(result.returncode)


def production() -> int:
    os.environ["DEBUG"] = "0"  # whatever a development .env says
    if problem := production_problem():
        print(problem, file=sys.stderr)
        return 2
    role = os.environ.get("SERVE_ROLE", "all")
    if role not in ("all", "web", "worker"):
        print(f"SERVE_ROLE must be all, web or worker, not {role!r}.", file=sys.stderr)
        return 2
    # SERVE_SETUP=0: a release step has migrated and collected static files once for every
    # server (several servers doing it at once would race each other).
    if os.environ.get("SERVE_SETUP", "1") != "0":
        _run([*MANAGE, "migrate", "--noinput"])
        _run([*MANAGE, "setup_roles"])
        if role != "worker":
            _run([*MANAGE, "collectstatic", "--noinput", "--verbosity", "0"])
    conf = str(BASE_DIR / "newsroom" / "gunicorn.conf.py")
    web = [sys.executable, "-m", "gunicorn", "--config", conf]
    worker = [*WORKER, "--no-reload"]
    if role == "web":
        return run_together([web])
    if role == "worker":
        return run_together([worker], restart=(0,))
    return run_together([web, worker], restart=(1,))


def development() -> int:
    address = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
    return run_together([[*MANAGE, "runserver", address], WORKER])


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "production"
    sys.exit({"production": production, "development": development}[mode]())
