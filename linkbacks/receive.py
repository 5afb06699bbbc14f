"""Storing a ping received (a TrackBack, or a Webmention or Pingback from a verified site), held
until its source is checked off the request path."""

from functools import partial
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils.text import Truncator

from comments.models import Comment
from comments.policy import trackback_verdict, trackbacks_closed
from guards.text import printable

from .models import TrackbackToken, VerifiedSite
from .tasks import verify_trackback
from .trackback import Ping, PingError

ALREADY_REGISTERED = "A trackback from this URL is already registered."
VERIFY_EMAIL_FIRST = (
    "Verify your email first: open the link we mailed you (your account page can send it again)."
)
ADD_EMAIL_FIRST = "Add an email address on your account page and verify it first."


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


def sender_refusal(user) -> str | None:
    """Why the account may not ping yet, or None. A verified address vouches for the sender; so
    does a proved site for an account that has no address at all (one made by signing in with
    that site, IndieAuth): no mail was ever sent to such an account, so none is asked for."""
    if email_verified(user):
        return None
    if user.email:
        return VERIFY_EMAIL_FIRST
    if VerifiedSite.objects.filter(user=user, verified_at__isnull=False).exists():
        return None
    return ADD_EMAIL_FIRST


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
    refusal = sender_refusal(user)
    if refusal is not None:
        raise PingError(refusal)
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


def mention_receive(
    *, article, source: str, site: VerifiedSite, ip_address: str | None, user_agent: str
) -> Comment:
    """Store a Webmention or Pingback as the site owner's trackback, held until its source is
    checked (the check also reads the source's title); PingError when it cannot be stored."""
    ping = Ping(
        url=source,
        title=Truncator(source).chars(250, truncate="…"),
        excerpt="",
        blog_name=urlsplit(source).hostname or site.origin,
    )
    return trackback_receive(
        article=article,
        ping=ping,
        user=site.user,
        token=None,
        ip_address=ip_address,
        user_agent=user_agent,
    )
