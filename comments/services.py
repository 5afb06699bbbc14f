"""Writes for comments: posting, moderating, deleting and anonymising."""

import hashlib
import logging
import re
import secrets
from datetime import timedelta
from functools import partial
from html.parser import HTMLParser

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from articles.models import Article
from articles.trackbacks import same_page
from newsroom import safe_http

from .models import Comment, TrackbackToken
from .policy import moderation_verdict, trackbacks_closed
from .tasks import notify_moderators, verify_trackback
from .trackback import Ping, PingError

logger = logging.getLogger(__name__)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def printable(text: str, limit: int) -> str:
    """Header values as stored: no control characters (PostgreSQL refuses NUL), cut to size."""
    return CONTROL_CHARACTERS.sub("", text)[:limit]


@transaction.atomic
def comment_post(
    *,
    article,
    user,
    body: str,
    name: str = "",
    email: str = "",
    parent: Comment | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Comment:
    """Store a reader's comment with the status the policy gives it; a repeat is not stored."""
    if user is not None and user.is_authenticated:
        name = user.get_full_name() or user.get_username()
        email = user.email
        same_sender = {"user": user}
    else:
        user = None
        same_sender = {"user": None, "name": name, "email": email, "ip_address": ip_address}
    # Posts to one story take turns (a row lock on PostgreSQL; SQLite's writes are serial
    # already), so a double click cannot store the same comment twice.
    Article.objects.select_for_update().filter(pk=article.pk).exists()
    repeat = (
        Comment.objects.comments()
        .filter(article=article, parent=parent, body=body, **same_sender)
        .first()
    )
    if repeat is not None:
        return repeat

    verdict = moderation_verdict(text=f"{name}\n{body}", email=email, ip_address=ip_address)
    comment = Comment.objects.create(
        article=article,
        kind=Comment.Kind.COMMENT,
        parent=parent,
        user=user,
        name=name,
        email=email,
        body=body,
        status=verdict.status,
        moderation_reason=verdict.reason,
        ip_address=ip_address,
        user_agent=printable(user_agent, 500),
    )
    if comment.status == Comment.Status.PENDING:
        # Only after the comment is safely stored; a mail failure can never undo it.
        transaction.on_commit(partial(notify_moderators.enqueue, comment.pk))
    return comment


@transaction.atomic
def comments_moderate(*, comments, status: str, moderator) -> int:
    """Set the status of the given comments; only moderators may."""
    if not moderator.has_perm("comments.can_moderate"):
        raise PermissionError("Only moderators can approve, mark as spam or remove comments.")
    if status not in Comment.Status.values:
        raise ValueError(f"Unknown status {status!r}")
    return comments.update(status=status, updated_at=timezone.now())


@transaction.atomic
def comment_delete_own(*, comment: Comment, user) -> Comment:
    """Let a reader take back their comment: its text goes, its place in the thread stays."""
    if not user.is_authenticated or comment.user_id != user.pk:
        raise PermissionError("You can only delete your own comments.")
    comment.status = Comment.Status.REMOVED
    comment.body = ""
    comment.email = ""
    comment.save(update_fields=["status", "body", "email", "updated_at"])
    return comment


@transaction.atomic
def comments_anonymise(*, older_than_days: int) -> int:
    """Blank the IP addresses and user agents of comments older than the given days."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(ip_address__isnull=True, user_agent="")
        .update(ip_address=None, user_agent="")
    )


# Trackbacks -----------------------------------------------------------------------------------


def _token_value(seed: str) -> str:
    return (
        "tb_" + salted_hmac("newsroom.trackback-token", seed, algorithm="sha256").hexdigest()[:40]
    )


def _token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def trackback_token_value(token: TrackbackToken) -> str | None:
    """The token in clear, for its owner's eyes only (their personal ping URL).

    None once SECRET_KEY has changed since the token was made: what we would show then is not
    the token that works, so the owner is asked to make a new one instead.
    """
    value = _token_value(token.seed)
    return value if constant_time_compare(_token_hash(value), token.token_hash) else None


@transaction.atomic
def trackback_token_create(*, user, name: str = "Personal token") -> tuple[TrackbackToken, str]:
    """Make a new personal token; the clear value is returned to show once."""
    seed = secrets.token_hex(32)
    value = _token_value(seed)
    token = TrackbackToken.objects.create(
        user=user, name=name, seed=seed, token_hash=_token_hash(value)
    )
    return token, value


def trackback_tokens_revoke(*, tokens) -> int:
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def trackback_token_authenticate(value: str) -> TrackbackToken | None:
    """The live token with this value, marked as used; None for unknown or revoked ones."""
    if not value or len(value) > 100:
        return None
    digest = _token_hash(value)
    token = (
        TrackbackToken.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    # The look-up is by hash; compare once more in constant time for good measure.
    if token is None or not constant_time_compare(token.token_hash, digest):
        return None
    TrackbackToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def _trackback_verdict(*, blog_name, title, excerpt, url, email, ip_address):
    return moderation_verdict(
        text=f"{blog_name}\n{title}\n{excerpt}\n{url}",
        email=email,
        ip_address=ip_address,
        premoderate=settings.TRACKBACKS_PREMODERATE,
    )


def trackback_receive(
    *,
    article,
    ping: Ping,
    user,
    token: TrackbackToken | None,
    ip_address: str | None,
    user_agent: str,
) -> Comment:
    """Store an accepted ping, held until its source is checked off the request path."""
    if trackbacks_closed(article):
        raise PingError("Trackbacks are closed for this story.")
    verdict = _trackback_verdict(
        blog_name=ping.blog_name,
        title=ping.title,
        excerpt=ping.excerpt,
        url=ping.url,
        email=user.email,
        ip_address=ip_address,
    )
    blocked = verdict.status == Comment.Status.SPAM
    # ".../post" and ".../post/" are one page (the database catches exact repeats itself).
    spellings = {ping.url, ping.url.rstrip("/"), ping.url.rstrip("/") + "/"}
    if Comment.objects.trackbacks().filter(article=article, url__in=spellings).exists():
        raise PingError("A trackback from this URL is already registered.")
    try:
        with transaction.atomic():
            trackback = Comment.objects.create(
                article=article,
                kind=Comment.Kind.TRACKBACK,
                user=user,
                token=token,
                name=ping.blog_name,
                email=user.email,
                url=ping.url,
                title=ping.title,
                body=ping.excerpt,
                status=Comment.Status.SPAM if blocked else Comment.Status.PENDING,
                moderation_reason=verdict.reason if blocked else "",
                verification=Comment.Verification.UNCHECKED,
                ip_address=ip_address,
                user_agent=printable(user_agent, 500),
            )
    except IntegrityError as error:
        raise PingError("A trackback from this URL is already registered.") from error
    if not blocked:
        transaction.on_commit(partial(verify_trackback.enqueue, trackback.pk))
    return trackback


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def source_links_to(html: str, permalink: str) -> bool:
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    return any(same_page(href, permalink) for href in collector.hrefs)


def trackback_verify(*, trackback: Comment, recheck: bool = False) -> Comment:
    """Fetch the ping's source; only a source that links to the story can be shown.

    The status follows the check only while the trackback waits for it, or when a moderator
    asked for the check again (`recheck`); otherwise an editor's decision stands.
    """
    permalink = trackback.article.permalink
    status, reason = Comment.Status.SPAM, ""
    try:
        result = safe_http.fetch(trackback.url)
    except safe_http.FetchRefused as error:
        outcome, note = Comment.Verification.REFUSED, str(error)
    except safe_http.FetchFailed as error:
        # Perhaps a passing fault: held for an editor, who can run the check again.
        outcome, note, status = Comment.Verification.UNREACHABLE, str(error), Comment.Status.PENDING
    except Exception as error:  # whatever a source does, the trackback must not stay unchecked
        logger.exception("Checking trackback %s failed", trackback.pk)
        outcome, status = Comment.Verification.UNREACHABLE, Comment.Status.PENDING
        note = f"Unexpected error: {error.__class__.__name__}"
    else:
        if result.status in (404, 410):
            outcome, note = Comment.Verification.GONE, f"HTTP {result.status}"
        elif result.status >= 400:
            outcome, note = Comment.Verification.UNREACHABLE, f"HTTP {result.status}"
            status = Comment.Status.PENDING
        elif source_links_to(result.text(), permalink):
            outcome, note = Comment.Verification.LINKED, f"links to {permalink}"
            verdict = _trackback_verdict(
                blog_name=trackback.name,
                title=trackback.title,
                excerpt=trackback.body,
                url=trackback.url,
                email=trackback.email,
                ip_address=trackback.ip_address,
            )
            status, reason = verdict.status, verdict.reason
        else:
            outcome, note = Comment.Verification.NO_LINK, f"no link to {permalink}"
    waiting = trackback.status == Comment.Status.PENDING and trackback.verification in (
        Comment.Verification.UNCHECKED,
        Comment.Verification.UNREACHABLE,
        "",
    )
    if trackback.status == Comment.Status.REMOVED or not (waiting or recheck):
        status, reason = trackback.status, trackback.moderation_reason
    Comment.objects.filter(pk=trackback.pk).update(
        verification=outcome,
        verification_note=note[:300],
        verified_at=timezone.now(),
        status=status,
        moderation_reason=reason,
        updated_at=timezone.now(),
    )
    trackback.refresh_from_db()
    return trackback
