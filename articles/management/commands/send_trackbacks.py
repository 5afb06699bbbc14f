from django.core.management.base import BaseCommand

from articles.models import Article
from articles.trackbacks import article_send_trackbacks


class Command(BaseCommand):
    help = "Send the trackbacks of public stories not yet accepted or refused (run from cron)."

    def handle(self, *args, **options):
        tried = 0
        for article in Article.objects.published().exclude(trackback_targets=""):
            tried += len(article_send_trackbacks(article=article, retry_refused=False))
        self.stdout.write(f"Tried {tried} trackback(s).")
