from django.core.exceptions import ValidationError
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
            if not article.image_width or not article.image_height:
                # Set outside the admin (an import): read the size from the file itself.
                try:
                    with article.image.open("rb") as stored:
                        info = images.image_inspect(stored)
                except (ValidationError, OSError) as error:
                    self.stderr.write(f"Story {article.pk}: {article.image.name}: {error}")
                    continue
                article.image_width, article.image_height = info.width, info.height
                Article.objects.filter(pk=article.pk).update(
                    image_width=info.width, image_height=info.height
                )
            made += len(images.renditions_ensure(article))
        self.stdout.write(f"Made {made} rendition(s).")
