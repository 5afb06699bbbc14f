"""The documented production environment (.env.example) passes Django's deploy checks."""

import secrets
import subprocess
import sys
from pathlib import Path

from tests.operations.test_serve import clean_environ

ROOT = Path(__file__).resolve().parents[2]


def check_deploy(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_environ(ENV_FILE=str(ROOT / ".env.example"), **env),
    )


def test_the_example_environment_passes_check_deploy():
    result = check_deploy(SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_each_security_setting_comes_from_the_environment():
    result = check_deploy(
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_HSTS_PRELOAD="0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        EMAIL_URL="consolemail://",
    )
    assert result.returncode != 0
    for issue in ("security.W005", "security.W021", "mail.E001"):
        assert issue in result.stderr


def test_the_example_leaves_the_secret_to_the_operator():
    result = check_deploy()
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
