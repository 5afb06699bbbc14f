from django.core.management.base import BaseCommand

from articles import images
from articles.models import Article


class Command(BaseCommand):
    help = "Make the missing renditions of every lead image (after an import or a restore)."

    def handle(self, *args, **options):
        made = 0
        stories = Article.objects.exclude(image="").only(
            "pk", "image", "image_width", "image_height", "image_focal_x", "image_focal_y"
        )
        for article in stories.iterator():
            made += len(images.renditions_ensure(article))
        self.stdout.write(f"Made {made} rendition(s).")
