"""Outgoing trackbacks: which pages a story pings, and a record of each try.

The protocol itself (discovery, the ping, the answer) lives in `newsroom.linkbacks.trackback`.
"""

from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from newsroom.linkbacks.trackback import Ping, send_ping

from .models import Article, TrackbackPing

# How many tries `manage.py send_trackbacks` (the cron catch-up) gives a target in all: the
# first ping and the worker's retries of an unreachable site count, and leave room for it.
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Target:
    url: str
    token: str | None = None


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


def _outgoing_ping(article: Article) -> Ping:
    return Ping(
        url=article.permalink,
        title=article.title,
        excerpt=article.standfirst or unescape(strip_tags(article.body_html)),
        blog_name=settings.SITE_NAME,
    )


def article_send_trackbacks(
    *, article: Article, retry_refused: bool = True, only_unreachable: bool = False
) -> list[TrackbackPing]:
    """Ping each target of a public story that has not accepted a ping yet; record each try.

    `retry_refused=False` leaves targets that answered (refused, or not in TrackBack) alone, as
    the cron catch-up does; `only_unreachable` pings only targets that never answered.
    """
    if not article.is_public:
        return []
    done = {TrackbackPing.Status.SENT}
    if not retry_refused:
        done |= {TrackbackPing.Status.REFUSED, TrackbackPing.Status.FAILED}
    outgoing = _outgoing_ping(article)
    pings = []
    for target in parse_targets(article.trackback_targets):
        with transaction.atomic():
            ping, _ = TrackbackPing.objects.get_or_create(article=article, target_url=target.url)
        if only_unreachable and ping.status != TrackbackPing.Status.UNREACHABLE:
            continue
        if ping.status in done or (not retry_refused and ping.attempts >= MAX_ATTEMPTS):
            continue
        result = send_ping(target.url, outgoing, token=target.token)
        TrackbackPing.objects.filter(pk=ping.pk).update(
            ping_url=result.ping_url[:2000],
            status=TrackbackPing.Status(result.outcome),
            message=result.message[:500],
            attempts=ping.attempts + 1,
            last_attempt_at=timezone.now(),
        )
        ping.refresh_from_db()
        pings.append(ping)
    return pings
