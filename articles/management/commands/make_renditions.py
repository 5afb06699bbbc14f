from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from articles.models import Article
from articles.services import article_renditions_ensure


class Command(BaseCommand):
    help = "Make the missing renditions of every lead image (after an import or a restore)."

    def handle(self, *args, **options):
        made = 0
        stories = Article.objects.exclude(image="").only(
            "pk",
            "image",
            "image_width",
            "image_height",
            "image_focal_x",
            "image_focal_y",
            "image_social_bytes",
        )
        for article in stories.iterator():
            try:
                made += len(article_renditions_ensure(article=article))
            except ValidationError as error:
                self.stderr.write(f"Story {article.pk}: {article.image.name}: {error.messages[0]}")
        self.stdout.write(f"Made {made} rendition(s).")
