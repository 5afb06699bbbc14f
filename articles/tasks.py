from django.tasks import task

from newsroom.tasks import TransientError, retry_with_backoff

from .models import Article, TrackbackPing
from .trackbacks import article_send_trackbacks


@task
@retry_with_backoff(attempts=5)
def send_trackbacks(article_id: int) -> None:
    """Send a story's trackbacks after publication, off the editor's request.

    Targets that could not be reached are tried again later; accepted ones are not pinged twice.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    pings = article_send_trackbacks(article=article)
    if any(ping.status == TrackbackPing.Status.FAILED for ping in pings):
        raise TransientError("some trackback targets could not be reached")
