from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from operations.backup import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and the media files into one "
        "archive in BACKUP_DIR; the archive's path is the last line printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Where to write (default: BACKUP_DIR).")

    def handle(self, *args, dir=None, **options):
        path = backup_create(directory=(dir or Path(settings.BACKUP_DIR)).resolve())
        self.stdout.write(str(path))
