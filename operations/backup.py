"""Backups of the database and the media files, in one archive, and putting one back.

An archive (`newsroom-<yyyymmdd>-<hhmmss>.tar.gz`, readable by its owner only) holds
`manifest.json`, the database (`database.dump` from pg_dump, or `database.sqlite3` made with
SQLite's online backup API, so the site may keep running meanwhile) and `media/`.

A restore checks the whole archive before it touches anything, and a restore that fails
changes nothing: the media files are swapped back and the database load is one transaction.
Both work on the file system storage (MEDIA_ROOT) only; with a bucket (STORAGE_BUCKET) they
refuse, saying so: the bucket is kept by its own means (versioning, replication).
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from delivery import versions

FORMAT = 1
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Without these a database is not this project's (older backups may lack newer tables).
REQUIRED_TABLES = ("django_migrations", "articles_article")
# Working folders of a restore, inside MEDIA_ROOT so that moving files in and out is a rename.
WORK_PREFIX = ".restore-"
ARCHIVE_ERRORS = (OSError, EOFError, zlib.error, tarfile.TarError)


def _postgres_command(tool: str, *args: str, database: bool = True) -> tuple[list[str], dict]:
    db = connection.settings_dict
    if shutil.which(tool) is None:
        raise CommandError(
            f"{tool} was not found: install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client)."
        )
    env = {**os.environ}
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[name] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return [tool, *args, *(("--dbname", db["NAME"]) if database else ())], env


def _run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")
    return result.stdout


def _database_dump(target: Path) -> None:
    if connection.vendor == "postgresql":
        options = ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
        _run(*_postgres_command("pg_dump", *options))
    else:
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()


def _media_member(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    """Keep files and folders; leave out links (they may point anywhere) and restores' work."""
    parts = PurePosixPath(member.name).parts
    if parts[1:2] and parts[1].startswith(WORK_PREFIX):
        return None
    return member if member.isfile() or member.isdir() else None


def _archive_path(directory: Path) -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path, number = directory / f"newsroom-{stamp}.tar.gz", 1
    while path.exists():
        number += 1
        path = directory / f"newsroom-{stamp}-{number}.tar.gz"
    return path


def media_on_file_system_check() -> None:
    """Refuse, clearly, when uploads live elsewhere than MEDIA_ROOT (an S3-compatible bucket)."""
    if not isinstance(storages["default"], FileSystemStorage):
        raise CommandError(
            "Backups and restores work with the file system storage (MEDIA_ROOT) only; uploads "
            "are in a bucket (STORAGE_BUCKET). Back the bucket up with its own tools (versioning, "
            "replication) and the database with pg_dump."
        )


def backup_create(*, directory: Path) -> Path:
    """Write an archive of the database and media files into `directory`; return its path."""
    media_on_file_system_check()
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
                # resolve(): MEDIA_ROOT may be a link to the disk that holds the files.
                archive.add(media.resolve(), arcname="media", filter=_media_member)
        path = _archive_path(directory)
        partial.rename(path)  # whole or nothing under the final name
    return path


def backup_describe(*, archive: Path) -> dict:
    """Read an archive's manifest, refusing one this site cannot restore."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
    except (*ARCHIVE_ERRORS, KeyError, ValueError, AttributeError) as error:
        raise CommandError(f"{archive} is not a newsroom backup: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(f"{archive} is not a newsroom backup of format {FORMAT}.")
    if manifest.get("engine") != connection.vendor:
        raise CommandError(
            f"{archive} holds a {manifest.get('engine')} database; this site uses "
            f"{connection.vendor}."
        )
    if manifest.get("database") != DATABASE_FILES[connection.vendor]:
        raise CommandError(f"{archive} is not a newsroom backup: unexpected database file.")
    return manifest


def _check_member(member: tarfile.TarInfo, database_file: str) -> None:
    parts = PurePosixPath(member.name).parts
    if not parts or parts[0] == "/" or ".." in parts:
        raise CommandError(f"{member.name!r} lies outside the archive")
    if parts[0] != "media":
        if member.name not in ("manifest.json", database_file) or not member.isfile():
            raise CommandError(f"{member.name!r} is not part of a newsroom backup")
    elif not (member.isdir() or (member.isfile() and len(parts) > 1)):
        raise CommandError(f"{member.name!r} is not a media file or folder")  # links, devices
    elif parts[1:2] and parts[1].startswith(WORK_PREFIX):
        raise CommandError(f"{member.name!r} is not a media file")


def _extract(archive: Path, work: Path, database_file: str) -> None:
    """Unpack the archive into `work`, refusing links, devices and anything unexpected."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                _check_member(member, database_file)
            tar.extractall(work, members=members, filter="data")
    except CommandError as error:
        raise CommandError(f"{archive} was refused: {error}") from error
    except ARCHIVE_ERRORS as error:
        raise CommandError(f"{archive} could not be unpacked: {error}") from error


def _sqlite_check(source: Path) -> None:
    try:
        with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as backup:
            verdict = backup.execute("PRAGMA integrity_check").fetchall()
            tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
            page_size = backup.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.Error as error:
        raise CommandError(f"The backup's database cannot be read: {error}") from error
    if verdict != [("ok",)]:
        raise CommandError(f"The backup's database is damaged: {verdict[0][0]}")
    if missing := set(REQUIRED_TABLES) - tables:
        raise CommandError(f"The backup's database lacks the tables {', '.join(sorted(missing))}.")
    connection.ensure_connection()
    current = connection.connection.execute("PRAGMA page_size").fetchone()[0]
    if page_size != current:  # SQLite cannot copy between page sizes into a WAL database
        raise CommandError(f"The backup's page size is {page_size}, this database's {current}.")


def _postgres_check(source: Path) -> None:
    listing = _run(*_postgres_command("pg_restore", "--list", str(source), database=False))
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE \S+ (\S+)", listing, re.MULTILINE))
    if missing := set(REQUIRED_TABLES) - tables:
        raise CommandError(f"The backup's database lacks the tables {', '.join(sorted(missing))}.")


def _database_load(source: Path) -> None:
    connections.close_all()  # nothing of ours holds a table the restore drops
    if connection.vendor == "postgresql":
        options = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
        options.append("--single-transaction")  # a restore that fails changes nothing
        _run(*_postgres_command("pg_restore", *options, str(source)))
    else:
        connection.ensure_connection()
        try:
            with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as backup:
                backup.backup(connection.connection)
        except sqlite3.Error as error:
            raise CommandError(f"Loading the backup's database failed: {error}") from error


@contextmanager
def _media_swapped(media: Path, restored: Path, aside: Path) -> Iterator[None]:
    """Put the restored media files in place of the current ones, and back if the block fails.

    The folder's contents move, not the folder: MEDIA_ROOT may be a mount point or a link.
    """
    done: list[tuple[Path, Path]] = []
    try:
        try:
            current = [p for p in media.iterdir() if not p.name.startswith(WORK_PREFIX)]
            moves = [(path, aside / path.name) for path in sorted(current)]
            moves += [(path, media / path.name) for path in sorted(restored.iterdir())]
            aside.mkdir()
            for source, target in moves:
                source.rename(target)
                done.append((source, target))
        except OSError as error:
            raise CommandError(f"Moving the media files into {media} failed: {error}") from error
        yield
    except BaseException:
        try:
            for source, target in reversed(done):
                target.rename(source)
        except OSError as error:
            raise CommandError(
                f"Putting the media files back failed ({error}); the previous ones are in {aside}."
            ) from error
        raise


def backup_restore(*, archive: Path) -> dict:
    """Put the archive's database and media files in place of the current ones, or nothing."""
    media_on_file_system_check()
    manifest = backup_describe(archive=archive)
    media = Path(settings.MEDIA_ROOT)
    try:
        media.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=media, prefix=WORK_PREFIX))
    except OSError as error:
        raise CommandError(f"Cannot unpack the backup into {media}: {error}") from error
    aside, unpacked = work / "previous", work / "archive"
    succeeded = False
    try:
        _extract(archive, unpacked, manifest["database"])
        database, restored = unpacked / manifest["database"], unpacked / "media"
        if not database.is_file():
            raise CommandError(f"{archive} holds no database file.")
        if connection.vendor == "postgresql":
            _postgres_check(database)
        else:
            _sqlite_check(database)
        restored.mkdir(exist_ok=True)  # a site without media files yet
        with _media_swapped(media, restored, aside):
            _database_load(database)
        succeeded = True
        # Every stored page shows the database that was just replaced.
        versions.change(versions.SITE)
    finally:
        # Unless putting them back failed: then the previous media files wait there.
        if succeeded or not (aside.is_dir() and any(aside.iterdir())):
            shutil.rmtree(work, ignore_errors=True)
    return manifest
