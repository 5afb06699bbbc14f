from django.core.management.base import BaseCommand
from django.db.models import Q

from articles.models import Article
from linkbacks.outgoing import WAITING, article_send_trackbacks


class Command(BaseCommand):
    help = (
        "Send the linkbacks (TrackBack, Pingback, Webmention) of public stories that no target "
        "answered yet: never told, or no answer so far (run from cron)."
    )

    def handle(self, *args, **options):
        untold = Q(pings_sent__isnull=True) & (
            ~Q(trackback_targets="") | Q(notify_linked_pages=True, body__contains="://")
        )
        stories = Article.objects.published().filter(Q(pings_sent__status__in=WAITING) | untold)
        tried = 0
        for article in stories.distinct():
            tried += len(article_send_trackbacks(article=article))
        self.stdout.write(f"Tried {tried} linkback(s).")
