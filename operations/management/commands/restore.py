from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backup import backup_describe, backup_restore, media_on_file_system_check


class Command(BaseCommand):
    help = (
        "Put a backup made by `backup` in place of the current database and media files. "
        "Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, archive, interactive=True, **options):
        media_on_file_system_check()  # before asking anything
        manifest = backup_describe(archive=archive)
        if interactive:
            question = (
                f"This replaces the database {connection.settings_dict['NAME']} and every file "
                f"in {settings.MEDIA_ROOT} with the backup made {manifest['created_at']}.\n"
                "Type 'yes' to go on: "
            )
            if input(question).strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        backup_restore(archive=archive)
        self.stdout.write(f"Restored {archive} (made {manifest['created_at']}).")
