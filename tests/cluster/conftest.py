"""The cluster of `make cluster`, started once for these tests and stopped after them.

They need PostgreSQL's server binaries, nginx (installed by deploy/cluster.py when missing),
Redis and the ports of docs/operations.md ("make cluster"); they are run by
`make test-cluster` (and so by .ci/run), never by `make test`. A machine without them skips
with the reason.
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from deploy import cluster as parts

from .visitor import Visitor

BALANCER = f"http://127.0.0.1:{parts.PORT}"
APP_A = f"http://127.0.0.1:{parts.APP_PORTS[0]}"
APP_B = f"http://127.0.0.1:{parts.APP_PORTS[1]}"
EDITOR_PASSWORD = "cluster-editor-pass-4417"


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _why_not() -> str | None:
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb") and not shutil.which("initdb"):
        return "PostgreSQL's server binaries (initdb, pg_basebackup) are not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as postgres"
    if not _port_taken(6379):
        return "Redis is not answering on 127.0.0.1:6379"
    ports = (parts.PORT, *parts.APP_PORTS, parts.PRIMARY_PORT, parts.REPLICA_PORT)
    if taken := [port for port in ports if _port_taken(port)]:
        return f"ports {taken} are in use (a cluster already running? make cluster-stop)"
    return None


@pytest.fixture(scope="session")
def cluster():
    if reason := _why_not():
        pytest.skip(f"No cluster on this machine: {reason}.")
    started = subprocess.run(
        [sys.executable, str(parts.BASE_DIR / "deploy" / "cluster.py"), "start"],
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode:
        logs = "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted((parts.STATE / "logs").glob("*.log"))
        )
        pytest.fail(f"make cluster failed:\n{started.stdout}\n{started.stderr}\n{logs}")
    yield parts
    parts.stop(quiet=True)


def shell(code: str) -> dict:
    """Run Django code on the cluster's primary (as a management command would) and return the
    JSON it prints last."""
    return json.loads(parts.django_shell(code))


@pytest.fixture(scope="session")
def editor(cluster):
    """An editor, logged in through the balancer with a password and a TOTP code."""
    from tests.accounts.totp import totp_code

    made = shell(
        "import json\n"
        "from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret\n"
        "from articles.roles import EDITORS\n"
        "from django.contrib.auth.models import Group\n"
        "from tests.factories import make_user\n"
        f"user = make_user('cluster-editor', password={EDITOR_PASSWORD!r}, is_staff=True,\n"
        "                 groups=[Group.objects.get(name=EDITORS)])\n"
        "secret = generate_totp_secret()\n"
        "TOTP.activate(user, secret)\n"
        "print(json.dumps({'secret': secret}))\n"
    )
    browser = Visitor()
    assert browser.get(f"{BALANCER}/accounts/login/").status == 200
    answer = browser.post(
        f"{BALANCER}/accounts/login/", {"login": "cluster-editor", "password": EDITOR_PASSWORD}
    )
    assert answer.status == 302, answer.text[-2000:]
    code_page = answer.location
    code_page = code_page if code_page.startswith("http") else BALANCER + code_page
    assert browser.get(code_page).status == 200
    answer = browser.post(code_page, {"code": totp_code(made["secret"])})
    assert answer.status == 302, answer.text[-2000:]
    assert browser.get(f"{BALANCER}/admin/").status == 200
    return browser
