"""Every `python manage.py ...` in the README exists, and works as written after `make run`."""

import re
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

from tests.operations.test_serve import clean_environ

ROOT = Path(__file__).resolve().parents[2]


def test_every_documented_command_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"python manage\.py ([a-z_]+)", readme))
    assert {"trackback_token", "db_worker", "backup", "restore"} <= documented
    assert documented - set(get_commands()) == set()


def test_readme_commands_work_after_make_run_without_a_secret(tmp_path):
    # What `make run` leaves behind: a development .env (its own make target).
    subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), ".env"],  # noqa: S607
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    assert "DEBUG=1" in (tmp_path / ".env").read_text()
    env = clean_environ(
        ENV_FILE=str(tmp_path / ".env"), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    for step in (["migrate", "--noinput"], ["loaddemo"]):
        assert manage(*step).returncode == 0
    result = manage("trackback_token", "editor", "--name", "laptop")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"[A-Za-z0-9_\-]{20,}", result.stdout.splitlines()[-1])
