"""README and docs/ name commands, targets and files that exist; the commands work as written."""

import re
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command, get_commands
from django.urls import reverse

from articles.demo import DEMO_USERS
from tests.operations.test_serve import clean_environ

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]


def documented(pattern: str) -> dict[str, set[Path]]:
    """What `pattern`'s first group matches in the README and docs/, with where it was found."""
    found: dict[str, set[Path]] = {}
    for document in DOCUMENTS:
        for match in re.findall(pattern, document.read_text(encoding="utf-8"), re.MULTILINE):
            found.setdefault(match, set()).add(document.relative_to(ROOT))
    return found


def test_every_documented_command_exists():
    commands = documented(r"python manage\.py ([a-z_]+)")
    wanted = {"trackback_token", "db_worker", "backup", "restore", "createsuperuser", "setup_roles"}
    assert wanted <= set(commands)
    assert {name: where for name, where in commands.items() if name not in get_commands()} == {}


def test_every_documented_make_target_exists():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    named = documented(r"(?:^|`)make ([a-z][a-z-]*)")
    assert {"run", "test", "serve", "backup", "bench"} <= set(named)
    assert {name: where for name, where in named.items() if name not in targets} == {}


def test_every_documented_test_file_exists():
    named = documented(r"\b(tests/[\w/]+\.py)\b")
    assert len(named) > 20
    assert {path: where for path, where in named.items() if not (ROOT / path).is_file()} == {}


def test_the_readme_is_read_in_five_minutes():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200
    first_screen = "\n".join(lines[:40])
    assert "http://127.0.0.1:8000/" in first_screen
    assert "/admin/" in first_screen
    assert "/accounts/" in first_screen
    for username, password, _role, _name in DEMO_USERS:
        assert f"`{username}`" in first_screen
        assert f"`{password}`" in first_screen
    assert "authenticator app" in first_screen
    assert "`consolemail://`" in first_screen and "terminal" in first_screen


def test_the_readme_links_to_every_document():
    readme = README.read_text(encoding="utf-8")
    assert [d for d in DOCUMENTS[1:] if f"(docs/{d.name})" not in readme] == []


def test_nothing_refers_to_files_outside_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    design_notes = {path for path in tracked if Path(path).name == "DESIGN.md"}
    this_file = str(Path(__file__).relative_to(ROOT))
    offenders = []
    for path in tracked:
        if not path or path == this_file or not (ROOT / path).is_file():
            continue
        try:
            text = (ROOT / path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images and other binary files
        if "../shared" in text or ("DESIGN.md" in text and not design_notes):
            offenders.append(path)
    assert offenders == []


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


def test_the_first_editor_is_made_as_the_readme_says(db, client, monkeypatch):
    readme = README.read_text(encoding="utf-8")
    assert "python manage.py createsuperuser" in readme
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-passphrase-9")
    call_command("createsuperuser", "--noinput", username="chief", email="chief@example.com")
    answer = client.post("/accounts/login/", {"login": "chief", "password": "a-long-passphrase-9"})
    assert answer.status_code == 302
    # The desk sends a staff member without a second factor to set up an authenticator app.
    answer = client.get("/admin/")
    assert answer["Location"].startswith(reverse("mfa_activate_totp"))


def test_every_documented_file_exists():
    named = documented(r"`((?:[a-z_]+/)+[\w.-]+\.(?:py|js|css|html|txt|json|conf|md|yaml))`")
    assert len(named) > 40
    assert {path: where for path, where in named.items() if not (ROOT / path).is_file()} == {}


def heading_anchors(document: Path) -> set[str]:
    """The anchors GitHub gives the document's headings."""
    headings = re.findall(r"^#+ (.+)$", document.read_text(encoding="utf-8"), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_every_link_between_documents_arrives():
    broken = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([\w./-]+\.md)(?:#([\w-]+))?\)", text):
            linked = (document.parent / target).resolve()
            if not linked.is_file() or (anchor and anchor not in heading_anchors(linked)):
                broken.append(f"{document.relative_to(ROOT)} -> {target}#{anchor}")
    assert broken == []
