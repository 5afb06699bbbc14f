"""A backup holds the database and the media files; restoring it brings both back as they were."""

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
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
