import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from comments.load_data import load_data_create


class Command(BaseCommand):
    help = (
        "Create --stories published stories and --comments comments over them in bulk (one "
        "story gets a --thread-long thread), for load tests and benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, required=True)
        parser.add_argument("--comments", type=int, default=0)
        parser.add_argument(
            "--thread", type=int, default=2000, help="Comments on the newest generated story."
        )
        parser.add_argument(
            "--seed", type=int, default=11, help="Random seed for the text (same vocabulary)."
        )
        parser.add_argument(
            "--index-after",
            action="store_true",
            help="PostgreSQL: drop the search indexes for the load and build them after it "
            "(fast for millions of stories; the table is locked until the load commits).",
        )

    def handle(self, *args, stories, comments, thread, seed, index_after, **options):
        if stories < 0 or comments < 0 or thread < 0:
            raise CommandError("--stories, --comments and --thread must be 0 or more.")
        if comments and not stories:
            raise CommandError("Comments need stories: give --stories too.")
        started = time.monotonic()
        result = load_data_create(
            stories=stories, comments=comments, thread=thread, seed=seed, index_after=index_after
        )
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner, and a visibility map that lets listing pages
            # read ids from the index alone (autovacuum would get there, later). VACUUM cannot
            # run inside a transaction (a caller's, or a test's): statistics only, then.
            vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                cursor.execute(f"{vacuum} articles_article, comments_comment")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Created {result.stories} stories and {result.comments} comments in {elapsed:.0f} s."
        )
        if result.thread is not None:
            self.stdout.write(f"Long thread: {result.thread.get_absolute_url()}")
