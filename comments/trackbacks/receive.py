"""Storing an accepted ping, held until its source is checked off the request path."""

from functools import partial

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction

from guards.text import printable
from newsroom.linkbacks.trackback import Ping, PingError

from ..models import Comment, TrackbackToken
from ..policy import trackback_verdict, trackbacks_closed
from ..tasks import verify_trackback

ALREADY_REGISTERED = "A trackback from this URL is already registered."
VERIFY_EMAIL_FIRST = (
    "Verify your email first: open the link we mailed you (your account page can send it again)."
)


def address_unverified(user) -> bool:
    """An account with an address it has not verified: it may be someone else's address, whose
    owner could later take the account over by a password reset. Until it is verified, nothing
    that signs in or speaks for the account (a site, a token) is added to it."""
    return bool(user.email) and not email_verified(user)


def email_verified(user) -> bool:
    """Has the sender verified the address their pings are stored with?"""
    return (
        bool(user.email)
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


@transaction.atomic
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
    if not email_verified(user):
        raise PingError(VERIFY_EMAIL_FIRST)
    if trackbacks_closed(article):
        raise PingError("Trackbacks are closed for this story.")
    trackback = Comment(
        article=article,
        kind=Comment.Kind.TRACKBACK,
        user=user,
        token=token,
        name=ping.blog_name,
        email=user.email,
        url=ping.url,
        title=ping.title,
        body=ping.excerpt,
        verification=Comment.Verification.UNCHECKED,
        ip_address=ip_address,
        user_agent=printable(user_agent, 500),
    )
    verdict = trackback_verdict(trackback)
    blocked = verdict.status == Comment.Status.SPAM
    trackback.status = Comment.Status.SPAM if blocked else Comment.Status.PENDING
    trackback.moderation_reason = verdict.reason if blocked else ""
    # ".../post" and ".../post/" are one page (the database catches exact repeats itself).
    spellings = {ping.url, ping.url.rstrip("/"), ping.url.rstrip("/") + "/"}
    if Comment.objects.trackbacks().filter(article=article, url__in=spellings).exists():
        raise PingError(ALREADY_REGISTERED)
    try:
        with transaction.atomic():
            trackback.save()
    except IntegrityError as error:
        raise PingError(ALREADY_REGISTERED) from error
    if not blocked:
        transaction.on_commit(partial(verify_trackback.enqueue, trackback.pk))
    return trackback
