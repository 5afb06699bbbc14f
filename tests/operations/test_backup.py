"""A backup holds the database and the media files; restoring it brings both back as they were."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
from contextlib import closing
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.models import Article
from operations.backup import _postgres_command
from tests.factories import make_article

# pg_dump and pg_restore see only what is committed, as with a running site.
pytestmark = pytest.mark.django_db(transaction=True)

IMAGE = "articles/images/2024/06/harbour.jpg"


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


def backup() -> Path:
    out = StringIO()
    call_command("backup", stdout=out)
    return Path(out.getvalue().splitlines()[-1])


def test_backup_and_restore_round_trip(backup_dir, settings):
    kept = make_article(title="Harbour reopens", slug="harbour-reopens")
    edited = make_article(title="Ferry timetable", slug="ferry-timetable")
    default_storage.save(IMAGE, ContentFile(b"\xff\xd8 harbour pixels"))

    archive = backup()
    assert archive.parent == backup_dir and archive.name.endswith(".tar.gz")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    kept_pk = kept.pk
    kept.delete()
    Article.objects.filter(pk=edited.pk).update(title="Ferry timetable (changed)")
    default_storage.delete(IMAGE)
    default_storage.save("articles/images/2024/07/later.jpg", ContentFile(b"later"))
    assert not Article.objects.filter(slug="harbour-reopens").exists()

    out = StringIO()
    call_command("restore", str(archive), interactive=False, stdout=out)
    assert f"Restored {archive}" in out.getvalue()

    assert sorted(Article.objects.values_list("slug", "title")) == [
        ("ferry-timetable", "Ferry timetable"),
        ("harbour-reopens", "Harbour reopens"),
    ]
    assert Article.objects.get(slug="harbour-reopens").pk == kept_pk
    with default_storage.open(IMAGE) as image:
        assert image.read() == b"\xff\xd8 harbour pixels"
    assert not default_storage.exists("articles/images/2024/07/later.jpg")
    # The site writes on after a restore (sequences came back too).
    assert make_article(title="After the restore", slug="after").pk > edited.pk


def test_two_backups_in_one_second_keep_both(backup_dir):
    assert backup() != backup()
    assert len(list(backup_dir.glob("*.tar.gz"))) == 2


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(backup_dir, tmp_path):
    make_article(title="Harbour reopens", slug="harbour-reopens")
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a newsroom backup"):
        call_command("restore", str(bogus), interactive=False)
    assert Article.objects.filter(slug="harbour-reopens").exists()


def test_restore_asks_first(backup_dir, monkeypatch):
    archive = backup()
    make_article(title="Written after the backup", slug="after")
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive))
    assert Article.objects.filter(slug="after").exists()


# A restore checks the whole archive before it touches anything; one that fails changes nothing.


def site_state(settings) -> tuple:
    """Every story row and every media file with its bytes, to compare before and after."""
    media = Path(settings.MEDIA_ROOT)
    files = {
        str(path.relative_to(media)): path.read_bytes()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    rows = sorted(Article.objects.values_list("pk", "slug", "title"))
    return rows, files, media.is_symlink(), media.is_dir()


@pytest.fixture
def a_site(backup_dir, settings):
    """A story and an image, and a good backup of them; then a story and an image more."""
    make_article(title="Harbour reopens", slug="harbour-reopens")
    default_storage.save(IMAGE, ContentFile(b"\xff\xd8 harbour pixels"))
    archive = backup()
    make_article(title="Written after the backup", slug="after")
    default_storage.save("articles/images/2024/07/later.jpg", ContentFile(b"later"))
    return archive


def refused(archive: Path, settings, match: str | None = None) -> None:
    """Restore `archive`, expecting a clean refusal that leaves rows and media as they were."""
    before = site_state(settings)
    out = StringIO()
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(archive), interactive=False, stdout=out)
    assert "Restored" not in out.getvalue()
    assert site_state(settings) == before
    assert not [p for p in Path(settings.MEDIA_ROOT).iterdir() if p.name.startswith(".restore-")]


def entry(name: str, data: bytes = b"", **fields) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data) if fields.get("type", tarfile.REGTYPE) == tarfile.REGTYPE else 0
    for field, value in fields.items():
        setattr(info, field, value)
    return info, data


def crafted(good: Path, target: Path, keep=lambda name: True, add=(), replace=None) -> Path:
    """Copy the members of `good` that `keep` accepts, with some replaced and some added."""
    with tarfile.open(good) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            if not keep(member.name):
                continue
            if replace and member.name in replace:
                info, data = replace[member.name]
                copy.addfile(info, BytesIO(data))
            elif member.isfile():
                copy.addfile(member, source.extractfile(member))
            else:
                copy.addfile(member)
        for info, data in add:
            copy.addfile(info, BytesIO(data))
    return target


def with_manifest(good: Path, target: Path, **changes) -> Path:
    with tarfile.open(good) as source:
        manifest = {**json.load(source.extractfile("manifest.json")), **changes}
    replace = {"manifest.json": entry("manifest.json", json.dumps(manifest).encode())}
    return crafted(good, target, replace=replace)


def database_name() -> str:
    return "database.sqlite3" if connection.vendor == "sqlite" else "database.dump"


def with_database(good: Path, target: Path, data: bytes) -> Path:
    return crafted(good, target, replace={database_name(): entry(database_name(), data)})


def test_restore_of_an_archive_without_its_database_changes_nothing(a_site, settings, tmp_path):
    archive = crafted(
        a_site, tmp_path / "crafted.tar.gz", keep=lambda name: name != database_name()
    )
    refused(archive, settings, match="no database file")


@pytest.mark.parametrize("name", ["/etc/passwd", "../../db.sqlite3", "database.dump.bak", ""])
def test_restore_takes_the_database_only_from_its_own_file(a_site, settings, tmp_path, name):
    refused(with_manifest(a_site, tmp_path / "crafted.tar.gz", database=name), settings)


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00 but nothing after", b"PGDMP" * 9])
def test_restore_refuses_a_database_file_that_is_not_a_database(
    a_site, settings, tmp_path, content
):
    refused(with_database(a_site, tmp_path / "crafted.tar.gz", content), settings)


def foreign_database(path: Path) -> Path:
    """A sound database of this site's engine that is not this project's."""
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(path)) as other:
            other.execute("CREATE TABLE notes (body TEXT)")
            other.commit()
    else:
        command, env = _postgres_command("pg_dump", "--format=custom", "--table=auth_group")
        subprocess.run([*command, "--file", str(path)], env=env, check=True)
    return path


def test_restore_refuses_a_database_of_another_project(a_site, settings, tmp_path):
    data = foreign_database(tmp_path / database_name()).read_bytes()
    refused(with_database(a_site, tmp_path / "crafted.tar.gz", data), settings, "lacks the tables")


def test_restore_refuses_a_damaged_sqlite_database(a_site, settings, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("pg_restore checks a dump's own structure")
    with tarfile.open(a_site) as good:
        data = bytearray(good.extractfile("database.sqlite3").read())
    # Damage every 16 KB past the header: one spot in the middle can fall on a page the
    # database no longer uses (rows deleted by earlier tests), which no check would notice.
    for offset in range(4096, len(data), 16384):
        data[offset : offset + 2048] = b"\x5a" * 2048
    refused(with_database(a_site, tmp_path / "crafted.tar.gz", bytes(data)), settings)


def test_restore_refuses_a_sqlite_database_of_another_page_size(a_site, settings, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with tarfile.open(a_site) as good:
        (tmp_path / "good.sqlite3").write_bytes(good.extractfile("database.sqlite3").read())
    with closing(sqlite3.connect(tmp_path / "good.sqlite3")) as source:
        source.execute("PRAGMA journal_mode=DELETE")
        source.execute("PRAGMA page_size=16384")
        source.execute("VACUUM")
    data = (tmp_path / "good.sqlite3").read_bytes()
    refused(with_database(a_site, tmp_path / "crafted.tar.gz", data), settings, "page size")


def not_media(name: str) -> bool:
    return name != "media" and not name.startswith("media/")


def link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tuple[tarfile.TarInfo, bytes]:
    return entry(name, type=kind, linkname=target)


CRAFTED = {
    "media is a link to its parent": (not_media, [link("media", ".")]),
    "media is a link elsewhere": (not_media, [link("media", "/etc")]),
    "media is a file": (not_media, [entry("media", b"a file")]),
    "a link inside media": (None, [link("media/passwd", "/etc/passwd")]),
    "a relative link inside media": (None, [link("media/up", "..")]),
    "a hard link": (None, [link("media/manifest", "manifest.json", tarfile.LNKTYPE)]),
    "a device": (None, [entry("media/null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)]),
    "a pipe": (None, [entry("media/pipe", type=tarfile.FIFOTYPE)]),
    "a path out of the folder": (None, [entry("media/../../../escaped.txt", b"out")]),
    "an absolute path": (None, [entry("/escaped.txt", b"out")]),
    "a stray file": (None, [entry("escaped.txt", b"stray")]),
    "a file named like a restore's work": (None, [entry("media/.restore-x/a.jpg", b"x")]),
}


@pytest.mark.parametrize("case", CRAFTED)
def test_restore_refuses_crafted_archives_and_changes_nothing(a_site, settings, tmp_path, case):
    keep, add = CRAFTED[case]
    archive = crafted(
        a_site, tmp_path / "crafted.tar.gz", keep=keep or (lambda name: True), add=add
    )
    refused(archive, settings, match="refused")
    assert not Path(settings.MEDIA_ROOT).is_symlink()
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not Path("/escaped.txt").exists()


def test_restore_refuses_a_cut_off_archive(a_site, settings, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(a_site.read_bytes()[: a_site.stat().st_size // 2])
    refused(cut, settings)


def test_restore_puts_media_back_when_the_database_load_fails(a_site, settings):
    if connection.vendor != "postgresql":
        pytest.skip("a view the dump does not know makes pg_restore --clean fail halfway")
    with connection.cursor() as cursor:
        cursor.execute("CREATE VIEW story_titles AS SELECT title FROM articles_article")
    try:
        refused(a_site, settings, match="pg_restore failed")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP VIEW story_titles")


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, check=False)


def test_restore_puts_media_back_when_a_file_cannot_be_moved(a_site, settings):
    # Moved in name order: "articles/" goes aside, then this one fails and "articles/" comes back.
    stuck = Path(default_storage.path(default_storage.save("zz-notes.txt", ContentFile(b"notes"))))
    if run("chattr", "+i", str(stuck)).returncode:
        pytest.skip("an immutable file (chattr +i: root, on ext4) is what cannot be moved")
    try:
        refused(a_site, settings, match="Moving the media files")
    finally:
        run("chattr", "-i", str(stuck))


def test_restore_into_a_linked_media_folder_keeps_the_link(backup_dir, settings, tmp_path):
    disk = tmp_path / "media-disk"
    disk.mkdir()
    settings.MEDIA_ROOT = tmp_path / "linked-media"
    settings.MEDIA_ROOT.symlink_to(disk)
    default_storage.save(IMAGE, ContentFile(b"\xff\xd8 harbour pixels"))
    archive = backup()
    default_storage.delete(IMAGE)

    call_command("restore", str(archive), interactive=False, stdout=StringIO())

    assert settings.MEDIA_ROOT.is_symlink() and settings.MEDIA_ROOT.resolve() == disk
    assert (disk / IMAGE).read_bytes() == b"\xff\xd8 harbour pixels"


def test_restore_into_a_media_folder_that_is_a_mount_point(a_site, settings):
    media = Path(settings.MEDIA_ROOT)
    saved = {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    shutil.rmtree(media)
    media.mkdir()
    if run("mount", "-t", "tmpfs", "tmpfs", str(media)).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        for name, data in saved.items():
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(data)
        call_command("restore", str(a_site), interactive=False, stdout=StringIO())
        assert sorted(Article.objects.values_list("slug", flat=True)) == ["harbour-reopens"]
        assert (media / IMAGE).read_bytes() == b"\xff\xd8 harbour pixels"
        assert not (media / "articles/images/2024/07/later.jpg").exists()
        assert os.path.ismount(media)
    finally:
        assert run("umount", str(media)).returncode == 0
