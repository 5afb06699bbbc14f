"""Writes for reader comments: posting, moderating, deleting and anonymising."""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from articles.models import Article
from guards.text import printable

from .caching import stories_discussion_changed
from .models import Comment
from .policy import moderation_verdict
from .tasks import notify_moderators


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
    stories_discussion_changed(set(comments.values_list("article_id", flat=True)))
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


FORMER_READER = "Former reader"


@transaction.atomic
def comments_of_user_forget(*, user, keep: bool) -> int:
    """A person leaves: keep their comments under "Former reader", or delete them.

    Kept ones lose everything that points to the person: account, email, address, browser and
    token. Trackbacks keep the blog's public name and post; the rest goes the same way.
    """
    mine = Comment.objects.filter(user=user)
    stories_discussion_changed(set(mine.values_list("article_id", flat=True)))
    if not keep:
        count, _ = mine.delete()
        return count
    forget = {
        "user": None,
        "email": "",
        "ip_address": None,
        "user_agent": "",
        "token": None,
        "updated_at": timezone.now(),
    }
    trackbacks = mine.trackbacks().update(**forget)
    return trackbacks + mine.comments().update(name=FORMER_READER, **forget)
