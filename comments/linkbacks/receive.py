"""Storing a mention from a verified site: an authenticated trackback from the site's owner."""

from urllib.parse import urlsplit

from django.utils.text import Truncator

from newsroom.linkbacks.trackback import Ping

from ..models import Comment, VerifiedSite
from ..trackbacks.receive import trackback_receive


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
