"""Check that upgrading a populated database from an older commit keeps every row and file.

    python deploy/upgrade_check.py [--old COMMIT]       (make upgrade-check OLD=<commit>)

The OLD commit's tree is exported with `git archive` into a temporary folder and run with this
checkout's .venv: `migrate`, `loaddemo`, `generate_load_data`, and the rows the demo lacks (a
personal trackback token, a verified site, a sent-ping record, a worker heartbeat, a draft
revision, a body image and a lead image in MEDIA_ROOT), written by the old code's own services
and models. Every table's rows are counted and the media files listed; then this checkout's
`migrate` runs on the same database and MEDIA_ROOT, and everything is counted again.

It fails (exit 1) when a table lost a row, a file went missing, a moved model does not read
its old table's rows through its new class, or a role group lost a permission (the permissions
of moved models compared under their new names).

SQLite (a temporary file) by default. PostgreSQL with
UPGRADE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_upgrade_check: that database,
and no other, is dropped and made anew.
"""

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
DEFAULT_OLD = "6df93fd"  # the commit before issue 24 ("one folder, one job")
POSTGRES_DATABASE = "newsroom_upgrade_check"  # the only database this check drops

# Models that changed app (their tables kept): new class -> the table it reads.
MOVED = {
    "linkbacks.SentLinkback": "articles_trackbackping",
    "linkbacks.TrackbackToken": "comments_trackbacktoken",
    "linkbacks.VerifiedSite": "comments_verifiedsite",
    "operations.WorkerHeartbeat": "newsroom_workerheartbeat",
}
# Permission names before the move -> after: (app_label, model) pairs.
PERMISSION_MOVES = {
    ("articles", "trackbackping"): ("linkbacks", "sentlinkback"),
    ("comments", "trackbacktoken"): ("linkbacks", "trackbacktoken"),
    ("comments", "verifiedsite"): ("linkbacks", "verifiedsite"),
    ("newsroom", "workerheartbeat"): ("operations", "workerheartbeat"),
}

# Run by either tree's `manage.py shell -c`: rows in every table, and each group's permissions.
COUNT = """
import json
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count
with connection.cursor() as cursor:
    tables = {}
    for table in connection.introspection.table_names():
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        tables[table] = cursor.fetchone()[0]
groups = {
    group.name: sorted(
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    )
    for group in Group.objects.all()
}
print("COUNTED " + json.dumps({"tables": tables, "groups": groups}))
"""

# This checkout only: the moved models' rows, read through their new classes.
MOVED_COUNT = """
import json
from django.apps import apps
names = NAMES
print("COUNTED " + json.dumps({n: apps.get_model(n).objects.count() for n in names}))
""".replace("NAMES", repr(sorted(MOVED)))

# The old tree's own services and models write what `loaddemo` and the load data leave out.
OLD_ROWS = """
import io
from datetime import timedelta
from PIL import Image
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from articles import drafting, services
from articles.models import Article, TrackbackPing
from comments.linkbacks.sites import site_confirm
from newsroom.heartbeat import heartbeat_record

def picture(fmt, size):
    data = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(data, fmt)
    return data.getvalue()

User = get_user_model()
editor, reader = User.objects.get(username="editor"), User.objects.get(username="reader")
story = Article.objects.published().order_by("pk").first()
site_confirm(user=reader, url="https://reader.example/", note="upgrade check")
TrackbackPing.objects.create(
    article=story, target_url="https://elsewhere.example/post", status="sent",
    protocol="trackback", attempts=1, last_attempt_at=timezone.now(),
)
heartbeat_record(worker_id="upgrade-check", started_at=timezone.now() - timedelta(minutes=1))
drafting.body_image_add(
    upload=SimpleUploadedFile("body.png", picture("PNG", (640, 480)), "image/png"),
    alt="A red rectangle", by=editor,
)
story.image = ContentFile(picture("JPEG", (1200, 800)), name="lead.jpg")
story.image_alt = "A red rectangle"
services.article_save(article=story, by=editor)
# After the save, which forgets the editor's autosave of the story.
drafting.autosave_store(article=story, by=editor, data={"title": story.title + " (draft)"})
print("old rows written")
"""


def run(args, *, cwd, env, label):
    shown = [str(a) for a in args[1:]][:4] if "shell" not in args else ["manage.py", "shell"]
    print(f"[{label}] {' '.join(shown)}", flush=True)
    done = subprocess.run(  # noqa: S603 (our own argv)
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        sys.exit(f"upgrade check: {label} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done.stdout


def counted(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("COUNTED "))
    return json.loads(line.removeprefix("COUNTED "))


def media_files(root: Path) -> dict[str, str]:
    """Every file under MEDIA_ROOT: its path and a hash of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def postgres_recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    if parts.path.lstrip("/") != POSTGRES_DATABASE:
        sys.exit(
            f"upgrade check: UPGRADE_DATABASE_URL must name {POSTGRES_DATABASE} (it drops it)."
        )
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")


def old_tree_export(commit: str, folder: Path) -> None:
    archive = subprocess.run(  # noqa: S603 (our own argv)
        ["git", "archive", "--format=tar", commit],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")


def renamed(permission: str) -> str:
    """An old permission under the name it has after the moves."""
    app_label, codename = permission.split(".", 1)
    action, _, model = codename.partition("_")
    new_label, new_model = PERMISSION_MOVES.get((app_label, model), (app_label, model))
    return f"{new_label}.{action}_{new_model}"


def defects(before: dict, after: dict, moved: dict, files_before: dict, files_after: dict):
    found = []
    for table, rows in sorted(before["tables"].items()):
        now = after["tables"].get(table)
        if now is None:
            found.append(f"table {table} is gone ({rows} rows)")
        elif now < rows:
            found.append(f"table {table} lost {rows - now} of its {rows} rows")
    for model, table in sorted(MOVED.items()):
        if moved[model] != before["tables"].get(table):
            found.append(
                f"{model} reads {moved[model]} rows; {table} had {before['tables'].get(table)}"
            )
    for name, content in sorted(files_before.items()):
        if name not in files_after:
            found.append(f"media file {name} is missing")
        elif files_after[name] != content:
            found.append(f"media file {name} changed")
    for group, permissions in sorted(before["groups"].items()):
        kept = set(after["groups"].get(group, ()))
        lost = sorted({renamed(p) for p in permissions} - kept)
        if lost:
            found.append(f"group {group} lost {', '.join(lost)}")
    return found


def summary(before: dict, after: dict, files_before: dict, files_after: dict) -> str:
    lines = [f"{'table':<45} {'before':>8} {'after':>8}"]
    for table in sorted(set(before["tables"]) | set(after["tables"])):
        old, new = before["tables"].get(table, "-"), after["tables"].get(table, "-")
        lines.append(f"{table:<45} {old!s:>8} {new!s:>8}")
    rows_before, rows_after = sum(before["tables"].values()), sum(after["tables"].values())
    lines.append(
        f"{len(before['tables'])} tables, {rows_before} rows before; "
        f"{len(after['tables'])} tables, {rows_after} rows after; "
        f"media files {len(files_before)} before, {len(files_after)} after"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", default=DEFAULT_OLD, help="the commit to upgrade from")
    options = parser.parse_args()
    postgres_url = os.environ.get("UPGRADE_DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="newsroom-upgrade-") as temporary:
        work = Path(temporary)
        old_tree, media = work / "old", work / "media"
        old_tree.mkdir()
        media.mkdir()
        old_tree_export(options.old, old_tree)
        if postgres_url:
            postgres_recreate(postgres_url)
        database_url = postgres_url or f"sqlite:///{work / 'db.sqlite3'}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", temporary),
            "ENV_FILE": "",  # no developer's .env
            "DEBUG": "1",  # loaddemo makes the demo users only with DEBUG on
            "SECRET_KEY": "upgrade-check-only",
            "SITE_URL": "http://127.0.0.1:8000",
            "CACHE_URL": "locmemcache://upgrade-check",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media),
            "EMAIL_URL": "consolemail://",
        }
        old_manage = [str(PYTHON), "manage.py"]
        old = {"cwd": old_tree, "env": env}
        run([*old_manage, "migrate", "--noinput"], **old, label="old migrate")
        run([*old_manage, "loaddemo"], **old, label="old loaddemo")
        load = ["generate_load_data", "--stories", "30", "--comments", "200", "--thread", "20"]
        run([*old_manage, *load], **old, label="old load data")
        run([*old_manage, "trackback_token", "blogger"], **old, label="old token")
        run([*old_manage, "shell", "-c", OLD_ROWS], **old, label="old rows")
        before = counted(run([*old_manage, "shell", "-c", COUNT], **old, label="old count"))
        files_before = media_files(media)

        new = {"cwd": ROOT, "env": env}
        run([str(PYTHON), "manage.py", "migrate", "--noinput"], **new, label="new migrate")
        after = counted(run([str(PYTHON), "manage.py", "shell", "-c", COUNT], **new, label="count"))
        moved = counted(
            run([str(PYTHON), "manage.py", "shell", "-c", MOVED_COUNT], **new, label="moved")
        )
        files_after = media_files(media)

    engine = "PostgreSQL" if postgres_url else "SQLite"
    print(f"\nUpgrade from {options.old} to this checkout on {engine}:")
    print(summary(before, after, files_before, files_after))
    print("moved models through their new classes: " + json.dumps(moved))
    print("groups after: " + json.dumps({g: len(p) for g, p in after["groups"].items()}))
    found = defects(before, after, moved, files_before, files_after)
    if found:
        print("\nUPGRADE CHECK FAILED:\n  " + "\n  ".join(found), file=sys.stderr)
        return 1
    print("\nUpgrade check passed: every row, file, moved model and group permission kept.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
