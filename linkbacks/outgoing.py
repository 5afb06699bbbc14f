"""Outgoing linkbacks: which pages a story tells that it links to them, and a record of each try.

The protocols themselves (discovery, TrackBack, Pingback, Webmention, the answers) have their
own modules beside this one. A target that answered (accepted or refused) is done with; one
that did not (no answer, 429, 5xx) is tried again by the worker, then by the cron catch-up, and
after MAX_ATTEMPTS tries in all it is marked failed with its last answer. An editor may send to
any one target again by hand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article
from delivery.site import site_origin

from .answers import SendOutcome, SendResult
from .links import links_in
from .models import SentLinkback
from .sending import send_linkback
from .trackback import Ping

# How many tries a target gets in all (the first ping, the worker's retries and the cron
# catch-up's); after the last one a target that still gives no answer is marked failed.
MAX_ATTEMPTS = 10
# A target that gave no answer waits before its next try (what its Retry-After asked, or a
# minute, then twice as long each time as the worker's retries do, at most an hour); every door
# that sends (the first send queued by each save, the retries, the cron catch-up) waits too.
RETRY_BASE_SECONDS, RETRY_MAX_SECONDS = 60, 3600
# How long a sender holds a target it is telling (longer than any fetch and its fallback).
CLAIM_SECONDS = 600
WAITING = [SentLinkback.Status.PENDING, SentLinkback.Status.UNREACHABLE]


@dataclass(frozen=True)
class Target:
    url: str
    token: str | None = None
    named: bool = True  # listed by an editor, not merely linked from the body


def parse_targets(text: str) -> list[Target]:
    """One http(s) URL per line, optionally followed by a token; anything else is skipped."""
    targets, seen = [], set()
    for line in text.splitlines():
        parts = line.split()
        if not parts or urlsplit(parts[0]).scheme.lower() not in ("http", "https"):
            continue
        if parts[0] not in seen:
            seen.add(parts[0])
            targets.append(Target(url=parts[0][:2000], token=parts[1] if len(parts) > 1 else None))
    return targets


def _host_and_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return (parts.hostname or "").lower(), parts.port or default


def _external(url: str) -> bool:
    """On another site than ours (another host, or another port of our host)."""
    try:
        host, port = _host_and_port(url)
    except ValueError:
        return False
    ours, our_port = _host_and_port(site_origin())
    return bool(host) and (host, port) != (ours, our_port)


def article_targets(article: Article) -> list[Target]:
    """The pages a story tells: its "send trackbacks to" list, then the body's external links."""
    targets = parse_targets(article.trackback_targets)
    if article.notify_linked_pages:
        seen = {target.url for target in targets}
        for url in links_in(article.body_html):
            if len(url) <= 2000 and url not in seen and _external(url):
                seen.add(url)
                targets.append(Target(url=url, named=False))
    return targets


def _outgoing_ping(article: Article) -> Ping:
    return Ping(
        url=article.permalink,
        title=article.title,
        excerpt=article.standfirst or unescape(strip_tags(article.body_html)),
        blog_name=settings.SITE_NAME,
    )


def _record(ping: SentLinkback, result: SendResult) -> SentLinkback:
    """Write down one try's answer; a target out of tries is failed with its last answer."""
    attempts = ping.attempts + 1
    status, message = SentLinkback.Status(result.outcome), result.message
    next_attempt_at = None
    if result.outcome == SendOutcome.UNREACHABLE:
        if attempts >= MAX_ATTEMPTS:
            status = SentLinkback.Status.FAILED
            message = f"Gave up after {attempts} tries; last answer: {message}"
        else:
            # The site's own Retry-After when it gave one; our doubling wait otherwise.
            wait = result.retry_after
            if wait is None:
                wait = min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)
            next_attempt_at = timezone.now() + timedelta(seconds=wait)
    SentLinkback.objects.filter(pk=ping.pk).update(
        protocol=result.protocol,
        ping_url=result.ping_url[:2000],
        status=status,
        message=message[:500],
        attempts=attempts,
        last_attempt_at=timezone.now(),
        next_attempt_at=next_attempt_at,
    )
    ping.refresh_from_db()
    return ping


def article_send_trackbacks(
    *, article: Article, only_unreachable: bool = False
) -> list[SentLinkback]:
    """Tell each target of a public story that has not answered yet; record each try.

    `only_unreachable` tells only targets that were tried and gave no answer (the retries).
    A target that asked us to wait (Retry-After) is left until then.
    """
    if not article.is_public:
        return []
    outgoing = _outgoing_ping(article)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    pings = []
    for target in article_targets(article):
        with transaction.atomic():
            ping, _ = SentLinkback.objects.get_or_create(article=article, target_url=target.url)
        waiting = [SentLinkback.Status.UNREACHABLE] if only_unreachable else WAITING
        if ping.status not in waiting or ping.attempts >= MAX_ATTEMPTS:
            continue
        # Claimed before sending (a conditional UPDATE): of two senders at once (a save's
        # send, a retry, the cron catch-up) one tells the target; the claim lapses by itself
        # if its sender dies, and the answer's record replaces it.
        claim = timezone.now() + timedelta(seconds=CLAIM_SECONDS)
        claimed = SentLinkback.objects.filter(
            due, pk=ping.pk, status__in=waiting, attempts=ping.attempts
        ).update(next_attempt_at=claim)
        if not claimed:
            continue
        result = send_linkback(target.url, outgoing, token=target.token, named=target.named)
        pings.append(_record(ping, result))
    return pings


def trackback_ping_resend(*, ping: SentLinkback, held: datetime | None = None) -> SentLinkback:
    """Send to one target again, whatever it answered before (an editor asked).

    `held` is the hold the editor's request put on the row: "Send again" pressed twice (through
    two app servers, say) holds it twice, and only the send queued last still finds its hold,
    so the target is told once.
    """
    article = ping.article
    if not article.is_public:
        return ping
    if held is not None:
        claim = timezone.now() + timedelta(seconds=CLAIM_SECONDS)
        if not SentLinkback.objects.filter(pk=ping.pk, next_attempt_at=held).update(
            next_attempt_at=claim
        ):
            return ping
    # No longer listed (the editor still asked): sent as a named page, without a token.
    target = next((t for t in article_targets(article) if t.url == ping.target_url), None)
    target = target or Target(url=ping.target_url)
    result = send_linkback(
        target.url, _outgoing_ping(article), token=target.token, named=target.named
    )
    if ping.attempts >= MAX_ATTEMPTS:  # a fresh start: the editor's try gets its own retries
        SentLinkback.objects.filter(pk=ping.pk).update(attempts=0)
        ping.attempts = 0
    return _record(ping, result)


def retry_delay_asked(pings: list[SentLinkback]) -> float:
    """The longest wait the targets still to retry asked for, in seconds (0: none asked)."""
    now = timezone.now()
    waits = [
        (ping.next_attempt_at - now).total_seconds()
        for ping in pings
        if ping.status == SentLinkback.Status.UNREACHABLE and ping.next_attempt_at
    ]
    return max([0.0, *waits])
