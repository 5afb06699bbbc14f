from django.tasks import task

from .models import Article
from .trackbacks import article_send_trackbacks


@task
def send_trackbacks(article_id: int) -> None:
    """Send a story's trackbacks after publication, off the editor's request."""
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        article_send_trackbacks(article=article)
