"""Background work for comments, run through Django's tasks framework."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.tasks import task
from django.urls import reverse

from delivery.site import absolute_url
from operations.tasks import job_message_id, retry_mail

from .models import Comment


def moderator_emails() -> set[str]:
    perm = Permission.objects.get(codename="can_moderate", content_type__app_label="comments")
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(user_permissions=perm) | Q(groups__permissions=perm))
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return set(users)


@task
@retry_mail
def notify_moderators(comment_id: int) -> None:
    """Tell editors and the story's author that a comment waits for them.

    A mail server that is down or silent (an OSError, bounded by the mailer's timeout) costs a
    later attempt, for days; the comment itself was stored long before, by the reader's request.
    Every run of one job sends the same Message-ID: mail systems drop a copy.
    """
    comment = Comment.objects.select_related("article__author").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return
    # Only staff addresses from our own database: a reader can never make us mail a stranger.
    recipients = moderator_emails()
    author = comment.article.author
    if author is not None and author.email and author.is_active:
        recipients.add(author.email)
    if not recipients:
        return
    admin_url = absolute_url(reverse("admin:comments_comment_change", args=[comment.pk]))
    EmailMessage(
        subject=f"[{settings.SITE_NAME}] {comment.get_kind_display()} awaiting moderation",
        body=(
            f'{comment.get_kind_display()} by {comment.name} on "{comment.article.title}" '
            f"is waiting for moderation ({comment.moderation_reason or 'held'}).\n\n"
            f"{comment.body[:1000]}\n\nModerate it: {admin_url}\n"
        ),
        to=sorted(recipients),
        headers={"Message-ID": job_message_id()},
    ).send()
