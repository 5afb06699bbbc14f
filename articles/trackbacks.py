"""Outgoing trackbacks: tell the pages a story links to that it exists (TrackBack 1.2 client)."""

import logging
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as ET
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from newsroom import safe_http

from .models import Article, TrackbackPing

logger = logging.getLogger(__name__)
RDF_BLOCK = re.compile(r"<rdf:RDF.*?</rdf:RDF>", re.S | re.I)
RDF_ATTRIBUTE = r'{}\s*=\s*"([^"]*)"'


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


def same_page(link: str, page: str) -> bool:
    """Whether an absolute http(s) link points at a page: scheme, query, fragment and a
    trailing slash aside."""
    try:
        a, b = urlsplit(link.strip()), urlsplit(page)
    except ValueError:  # "http://[x" and the like link nowhere
        return False
    if a.scheme.lower() not in ("http", "https") or not a.netloc:
        return False
    return (a.netloc.lower(), a.path.rstrip("/")) == (b.netloc.lower(), b.path.rstrip("/"))


def discover_ping_url(html: str, page_url: str) -> str | None:
    """The ping URL a page advertises in its RDF block (the one describing that page)."""
    found = []
    for block in RDF_BLOCK.findall(html):
        ping = re.search(RDF_ATTRIBUTE.format("trackback:ping"), block)
        if not ping:
            continue
        about = re.search(RDF_ATTRIBUTE.format("dc:identifier"), block) or re.search(
            RDF_ATTRIBUTE.format("rdf:about"), block
        )
        found.append((unescape(about.group(1)) if about else "", unescape(ping.group(1))))
    for about, ping in found:
        if about and same_page(about, page_url):
            return ping
    return found[0][1] if len(found) == 1 else None


def _ping_fields(article: Article) -> dict:
    excerpt = article.standfirst or unescape(strip_tags(article.body_html))
    return {
        "title": article.title,
        "excerpt": Truncator(" ".join(excerpt.split())).chars(255, truncate="…"),
        "url": article.permalink,
        "blog_name": settings.SITE_NAME,
    }


def _read_answer(result: safe_http.FetchResult) -> tuple[str, str]:
    try:
        root = ET.fromstring(result.body)
        error = (root.findtext("error") or "").strip()
        message = (root.findtext("message") or "").strip()
    except (ET.ParseError, DefusedXmlException):
        return TrackbackPing.Status.FAILED, f"HTTP {result.status}, not a TrackBack answer"
    if error == "0":
        return TrackbackPing.Status.SENT, ""
    return TrackbackPing.Status.REFUSED, message or f"HTTP {result.status}, error {error}"


def _send_one(article: Article, target: Target) -> tuple[str, str, str]:
    """Return (ping URL, status, message) for one target; never raises."""
    ping_url = target.url
    try:
        page = safe_http.fetch(target.url)
        if page.status == 200:
            ping_url = discover_ping_url(page.text(), target.url) or target.url
        # The token was given for the site the journalist named: never hand it to another one
        # that the page (or a redirect) points at.
        headers = {}
        if target.token and safe_http.same_origin(ping_url, target.url):
            headers["Authorization"] = f"Bearer {target.token}"
        result = safe_http.fetch(
            ping_url, method="POST", data=_ping_fields(article), headers=headers
        )
    except (safe_http.FetchRefused, safe_http.FetchFailed) as error:
        return ping_url, TrackbackPing.Status.FAILED, str(error)
    except Exception as error:  # one broken site must not stop the others' pings
        logger.exception("Trackback to %s failed", target.url)
        message = f"Unexpected error: {error.__class__.__name__}"
        return ping_url, TrackbackPing.Status.FAILED, message
    status, message = _read_answer(result)
    return ping_url, status, message


MAX_ATTEMPTS = 5


def article_send_trackbacks(
    *, article: Article, retry_refused: bool = True
) -> list[TrackbackPing]:
    """Ping each target of a public story that has not accepted a ping yet; record each try."""
    if not article.is_public:
        return []
    done = {TrackbackPing.Status.SENT}
    if not retry_refused:
        done.add(TrackbackPing.Status.REFUSED)
    pings = []
    for target in parse_targets(article.trackback_targets):
        with transaction.atomic():
            ping, _ = TrackbackPing.objects.get_or_create(article=article, target_url=target.url)
        if ping.status in done or (not retry_refused and ping.attempts >= MAX_ATTEMPTS):
            continue
        ping_url, status, message = _send_one(article, target)
        TrackbackPing.objects.filter(pk=ping.pk).update(
            ping_url=ping_url[:2000],
            status=status,
            message=message[:500],
            attempts=ping.attempts + 1,
            last_attempt_at=timezone.now(),
        )
        ping.refresh_from_db()
        pings.append(ping)
    return pings
