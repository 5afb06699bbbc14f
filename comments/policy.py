"""The moderation policy: reads only, so every rule can be tested without a request."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.html import urlize

from .models import Comment, ModerationRule


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def _closed(article, *, is_open: bool, after_days: int | None, now=None) -> bool:
    if not is_open:
        return True
    if after_days is None or article.published_at is None:
        return False
    try:
        closes_at = article.published_at + timedelta(days=after_days)
    except OverflowError:  # a close date past the calendar's end: open for good
        return False
    return (now or timezone.now()) >= closes_at


def comments_closed(article, *, now=None) -> bool:
    """Closed by an editor, or `COMMENTS_CLOSE_AFTER_DAYS` after publication."""
    return _closed(
        article,
        is_open=article.comments_open,
        after_days=settings.COMMENTS_CLOSE_AFTER_DAYS,
        now=now,
    )


def trackbacks_closed(article, *, now=None) -> bool:
    """Closed by an editor, or `TRACKBACKS_CLOSE_AFTER_DAYS` after publication."""
    return _closed(
        article,
        is_open=article.trackbacks_open,
        after_days=settings.TRACKBACKS_CLOSE_AFTER_DAYS,
        now=now,
    )


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


def moderation_verdict(
    *, text: str, email: str = "", ip_address: str | None = None, premoderate: bool | None = None
) -> Verdict:
    """Decide the status of a new comment or trackback from its text and sender."""
    rules = {kind: [] for kind in ModerationRule.Kind.values}
    for kind, value in ModerationRule.objects.values_list("kind", "value"):
        rules[kind].append(value.strip())
    rules[ModerationRule.Kind.HOLD_WORD] += settings.COMMENTS_HOLD_WORDS
    rules[ModerationRule.Kind.SPAM_WORD] += settings.COMMENTS_SPAM_WORDS

    if email and email.lower() in {v.lower() for v in rules[ModerationRule.Kind.BLOCKED_EMAIL]}:
        return Verdict(Comment.Status.SPAM, "blocked email address")
    if ip_address and ip_address in rules[ModerationRule.Kind.BLOCKED_IP]:
        return Verdict(Comment.Status.SPAM, "blocked IP address")
    for word in filter(None, rules[ModerationRule.Kind.SPAM_WORD]):
        if _contains(text, word):
            return Verdict(Comment.Status.SPAM, f"block-list word: {word}")
    # Count links as the page will show them: urlize also links bare domains and addresses.
    links = urlize(text, autoescape=True).count("<a ")
    if links > settings.COMMENTS_MAX_LINKS:
        return Verdict(Comment.Status.PENDING, f"{links} links")
    for word in filter(None, rules[ModerationRule.Kind.HOLD_WORD]):
        if _contains(text, word):
            return Verdict(Comment.Status.PENDING, f"moderation-list word: {word}")
    if settings.COMMENTS_PREMODERATE if premoderate is None else premoderate:
        return Verdict(Comment.Status.PENDING, "all comments are premoderated")
    return Verdict(Comment.Status.APPROVED)


def trackback_verdict(trackback: Comment) -> Verdict:
    """Decide the status of a trackback (saved or not) from what it says and who sent it."""
    return moderation_verdict(
        text=f"{trackback.name}\n{trackback.title}\n{trackback.body}\n{trackback.url}",
        email=trackback.email,
        ip_address=trackback.ip_address,
        premoderate=settings.TRACKBACKS_PREMODERATE,
    )
