"""Background work for linkbacks: telling the pages a story links to, checking sources and sites."""

from datetime import datetime, timedelta

from django.tasks import task
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.tasks import notify_moderators
from operations.tasks import TransientError, retry_with_backoff

from .models import SentLinkback, VerifiedSite
from .outgoing import (
    RETRY_BASE_SECONDS,
    article_send_trackbacks,
    retry_delay_asked,
    trackback_ping_resend,
)
from .verify import site_verify, trackback_verify

# The first retry of a site that gave no answer; later ones double (about 30 min in all). A
# site that asked for longer (Retry-After) gets it.
RETRY_AFTER = timedelta(seconds=RETRY_BASE_SECONDS)


def _unreachable(pings: list[SentLinkback]) -> bool:
    return any(ping.status == SentLinkback.Status.UNREACHABLE for ping in pings)


def _retry_later(article_id: int, pings: list[SentLinkback]) -> None:
    if retry_trackbacks.get_backend().supports_defer:
        wait = max(RETRY_AFTER.total_seconds(), retry_delay_asked(pings))
        retry = retry_trackbacks.using(run_after=timezone.now() + timedelta(seconds=wait))
        retry.enqueue(article_id)
    # Otherwise `manage.py send_trackbacks` (cron) catches up.


@task
def send_trackbacks(article_id: int) -> None:
    """Tell a story's targets after publication, off the editor's request.

    A site that answered (accepted or refused) is done with; only sites that gave no answer
    (no connection, a timeout, 429, 5xx) are told again later, by `retry_trackbacks`.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    pings = article_send_trackbacks(article=article)
    if _unreachable(pings):
        _retry_later(article_id, pings)


@task
@retry_with_backoff(attempts=5, base_delay=RETRY_AFTER.total_seconds() * 2)
def retry_trackbacks(article_id: int) -> None:
    """Tell again the targets of a story that gave no answer; never one that answered."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    pings = article_send_trackbacks(article=article, only_unreachable=True)
    if _unreachable(pings):
        raise TransientError(
            "some linkback targets gave no answer", retry_after=retry_delay_asked(pings)
        )


@task
def resend_trackback(ping_id: int, held: str | None = None) -> None:
    """Send to one target again, as an editor asked; no answer is retried like any other."""
    ping = SentLinkback.objects.select_related("article").filter(pk=ping_id).first()
    if ping is None:
        return
    held_at = datetime.fromisoformat(held) if held else None
    ping = trackback_ping_resend(ping=ping, held=held_at)
    if ping.status == SentLinkback.Status.UNREACHABLE:
        _retry_later(ping.article_id, [ping])


@task
@retry_with_backoff(attempts=4)
def verify_trackback(trackback_id: int, recheck: bool = False) -> None:
    """Check a trackback's source off the request path, then tell editors if it waits.

    Editors hear of a held trackback once, after its first check (also when the job was queued
    twice and two workers run it at once: see `trackback_verify`); a source that could not be
    reached is checked again later, and after the last attempt the trackback stays pending in
    the moderation queue and the failed task shows on the desk.
    """
    trackback = (
        Comment.objects.select_related("article")
        .filter(pk=trackback_id, kind=Comment.Kind.TRACKBACK)
        .first()
    )
    if trackback is None:
        return
    trackback = trackback_verify(trackback=trackback, recheck=recheck)
    if trackback.status == Comment.Status.PENDING and trackback.first_check:
        notify_moderators.enqueue(trackback.pk)
    if trackback.verification == Comment.Verification.UNREACHABLE:
        raise TransientError(f"source unreachable: {trackback.verification_note}")


@task
@retry_with_backoff(attempts=3)
def verify_site(site_id: int) -> None:
    """Look for a site's verification code off the request path; a site that did not answer
    is looked at again later."""
    site = VerifiedSite.objects.filter(pk=site_id).first()
    if site is None:
        return
    site = site_verify(site=site)
    if not site.is_verified and site.unreachable:
        raise TransientError(f"site unreachable: {site.check_note}")
