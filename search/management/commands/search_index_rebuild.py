from django.conf import settings
from django.core.management.base import BaseCommand

from search.backends import search_backend


class Command(BaseCommand):
    help = (
        "Index every published story afresh in the search backend's own index "
        "(SEARCH_BACKEND=tantivy); the database's index needs no rebuilding."
    )

    def handle(self, *args, **options):
        search_backend().rebuild()
        self.stdout.write(f"Search index rebuilt ({settings.SEARCH_BACKEND}).")
