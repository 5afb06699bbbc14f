"""Writes that send linkbacks: a story's pings queued when it goes out, an editor's retry."""

from datetime import timedelta
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from articles import workflow
from articles.models import Article

from .models import SentLinkback
from .outgoing import CLAIM_SECONDS, article_targets
from .tasks import resend_trackback, send_trackbacks


def article_trackbacks_queue(*, article: Article) -> bool:
    """Have the story's linkbacks sent after this transaction: now, or when it goes live.

    A slow or dead remote site never holds up or fails the save that publishes the story.
    """
    if not article_targets(article):
        return False
    if article.is_public:
        transaction.on_commit(partial(send_trackbacks.enqueue, article.pk))
        return True
    scheduled = article.status == Article.Status.PUBLISHED and article.published_at is not None
    if scheduled and default_task_backend.supports_defer:
        deferred = send_trackbacks.using(run_after=article.published_at)
        transaction.on_commit(partial(deferred.enqueue, article.pk))
        return True
    return False  # `manage.py send_trackbacks` (cron) catches scheduled stories up


def story_published_linkbacks_queue(sender, story: Article, **kwargs) -> None:
    """Receive `articles.signals.story_published`: queue the story's linkbacks."""
    article_trackbacks_queue(article=story)


@transaction.atomic
def sent_linkback_retry(*, ping: SentLinkback, by: AbstractBaseUser) -> bool:
    """Send one target of a story again (by the worker, after this transaction), as an editor
    asks; False when the story is not public or `by` may not edit it."""
    if not workflow.can_edit(by, ping.article):
        raise PermissionDenied(f"You may not change “{ping.article}”.")
    if not ping.article.is_public:
        return False
    # Held for the worker's send (as a sender claims a target), so no other door sends it too.
    held = timezone.now() + timedelta(seconds=CLAIM_SECONDS)
    SentLinkback.objects.filter(pk=ping.pk).update(
        status=SentLinkback.Status.PENDING, message="Sending again…", next_attempt_at=held
    )
    transaction.on_commit(partial(resend_trackback.enqueue, ping.pk, held.isoformat()))
    return True
