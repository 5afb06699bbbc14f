"""Telling a page that we link to it, by whichever protocol it understands.

The page is fetched once; its endpoint is discovered (see `discovery.discover` for the order);
the ping goes out by that protocol, and the answer comes back as a `SendResult`. A page that
offers nothing gets a TrackBack at its own address when an editor named it (it may be a ping
URL typed by hand), and nothing when it is merely linked from the story.
"""

import logging
from dataclasses import replace

from .answers import SendOutcome, SendResult
from .discovery import PINGBACK, TRACKBACK, WEBMENTION, discover, wordpress_trackback
from .fetching import FetchFailed, FetchRefused, fetch, same_origin
from .pingback import pingback_send
from .trackback import Ping, trackback_send
from .webmention import webmention_send

logger = logging.getLogger(__name__)


def _send(target_url: str, ping: Ping, *, token: str | None, named: bool) -> SendResult:
    page = fetch(target_url)
    endpoint = discover(page.text(), page.headers, page.url) if page.status == 200 else None
    if endpoint is None and not named:
        note = f"HTTP {page.status}, no linkback offered"
        return SendResult("", target_url, SendOutcome.NONE, note)
    protocol, ping_url = (endpoint.protocol, endpoint.url) if endpoint else (TRACKBACK, target_url)
    try:
        result = _post(protocol, ping_url, target_url, ping, token=token)
        refused = protocol == PINGBACK and result.outcome == SendOutcome.REFUSED
        fallback = wordpress_trackback(page.text(), page.headers, page.url) if refused else None
        if named and fallback:
            # WordPress takes a pingback only from a page that links to its post, and hides
            # why it refuses one (fault 0, no message; only 48 is told). A story that names
            # the post is told by TrackBack instead, which WordPress takes without that check.
            protocol, ping_url = fallback.protocol, fallback.url
            second = _post(protocol, ping_url, target_url, ping, token=token)
            note = f"Pingback refused ({result.message}); by TrackBack: {second.message or 'ok'}"
            result = replace(second, message=note)
        return result
    except (FetchRefused, FetchFailed) as error:
        error.sent_to = (protocol, ping_url)  # what we were sending, for the record
        raise


def _post(protocol: str, ping_url: str, target_url: str, ping: Ping, *, token) -> SendResult:
    if protocol == WEBMENTION:
        return webmention_send(ping_url, source=ping.url, target=target_url)
    if protocol == PINGBACK:
        return pingback_send(ping_url, source=ping.url, target=target_url)
    # The token was given for the site the journalist named: never hand it to another one
    # that the page (or a redirect) points at.
    headers = {}
    if token and same_origin(ping_url, target_url):
        headers["Authorization"] = f"Bearer {token}"
    return trackback_send(ping_url, ping, headers=headers)


def send_linkback(
    target_url: str, ping: Ping, *, token: str | None = None, named: bool = True
) -> SendResult:
    """Tell the page at `target_url` that `ping.url` links to it; never raises.

    `named`: an editor listed the page (rather than the story merely linking to it).
    """
    try:
        return _send(target_url, ping, token=token, named=named)
    except FetchRefused as error:
        protocol, ping_url = getattr(error, "sent_to", ("", target_url))
        return SendResult(protocol, ping_url, SendOutcome.FAILED, str(error))
    except FetchFailed as error:
        protocol, ping_url = getattr(error, "sent_to", ("", target_url))
        return SendResult(protocol, ping_url, SendOutcome.UNREACHABLE, str(error))
    except Exception as error:  # one broken site must not stop the others' pings
        logger.exception("Linkback to %s failed", target_url)
        return SendResult(
            "", target_url, SendOutcome.FAILED, f"Unexpected error: {error.__class__.__name__}"
        )
