from django.core.management.base import BaseCommand, CommandError

from comments.services import comments_anonymise


class Command(BaseCommand):
    help = "Blank the IP addresses and user agents of comments older than --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        count = comments_anonymise(older_than_days=days)
        self.stdout.write(f"Anonymised {count} comment(s) older than {days} day(s).")
