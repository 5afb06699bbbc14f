"""Backups of the database and the media files, in one archive, and putting one back.

An archive (`newsroom-<yyyymmdd>-<hhmmss>.tar.gz`, readable by its owner only) holds
`manifest.json`, the database (`database.dump` from pg_dump, or `database.sqlite3` made with
SQLite's online backup API, so the site may keep running meanwhile) and `media/`.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def _postgres_command(tool: str, *args: str) -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    if shutil.which(tool) is None:
        raise CommandError(
            f"{tool} was not found: install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client)."
        )
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if db.get(key):
            env[name] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return [tool, *args, "--dbname", db["NAME"]], env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")


def _database_dump(target: Path) -> None:
    if connection.vendor == "postgresql":
        options = ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
        _run(*_postgres_command("pg_dump", *options))
    else:
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()


def _database_load(source: Path) -> None:
    connections.close_all()  # nothing of ours holds a table the restore drops
    if connection.vendor == "postgresql":
        options = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
        options.append("--single-transaction")  # a restore that fails changes nothing
        _run(*_postgres_command("pg_restore", *options, str(source)))
    else:
        connection.ensure_connection()
        with sqlite3.connect(source) as backup:
            backup.backup(connection.connection)
        backup.close()


def _archive_path(directory: Path) -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path, number = directory / f"newsroom-{stamp}.tar.gz", 1
    while path.exists():
        number += 1
        path = directory / f"newsroom-{stamp}-{number}.tar.gz"
    return path


def backup_create(*, directory: Path) -> Path:
    """Write an archive of the database and media files into `directory`; return its path."""
    if connection.vendor not in DATABASE_FILES:
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    directory.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        database_file = DATABASE_FILES[connection.vendor]
        _database_dump(Path(work) / database_file)
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "database": database_file,
        }
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = Path(work) / "archive.tar.gz"
        # Password hashes and e-mail addresses are inside: for the owner's eyes only.
        partial.touch(mode=0o600)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(work) / "manifest.json", arcname="manifest.json")
            archive.add(Path(work) / database_file, arcname=database_file)
            if media.is_dir():
                archive.add(media, arcname="media")
        path = _archive_path(directory)
        partial.rename(path)  # whole or nothing under the final name
    return path


def backup_describe(*, archive: Path) -> dict:
    """Read an archive's manifest, refusing one this site cannot restore."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise CommandError(f"{archive} is not a newsroom backup: {error}") from error
    if manifest.get("format") != FORMAT:
        raise CommandError(f"{archive} has backup format {manifest.get('format')}, not {FORMAT}.")
    if manifest.get("engine") != connection.vendor:
        raise CommandError(
            f"{archive} holds a {manifest.get('engine')} database; this site uses "
            f"{connection.vendor}."
        )
    return manifest


def backup_restore(*, archive: Path) -> dict:
    """Put the archive's database and media files in place of the current ones."""
    manifest = backup_describe(archive=archive)
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the media folder, so that swapping the folders is a rename.
    with tempfile.TemporaryDirectory(dir=media.parent, prefix=".restore-") as work:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # no paths outside `work`, no devices
        _database_load(Path(work) / manifest["database"])
        restored, aside = Path(work) / "media", Path(work) / "media-before"
        restored.mkdir(exist_ok=True)
        with suppress(FileNotFoundError):
            media.rename(aside)
        restored.rename(media)
    return manifest
