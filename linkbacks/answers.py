"""What a site answered a ping we sent, in words every protocol shares, and when to try again."""

from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum

from django.utils import timezone

from .fetching import FetchResult

# A site may ask us to wait; we wait at most this long (a later answer still counts).
MAX_RETRY_AFTER = 6 * 3600


class SendOutcome(StrEnum):
    SENT = "sent"
    REFUSED = "refused"  # a final no: a 4xx, a TrackBack error, a Pingback fault
    FAILED = "failed"  # an answer in no protocol, a target we may not fetch, or no more tries
    UNREACHABLE = "unreachable"  # no answer, a timeout, a 429 or a 5xx: tried again later
    NONE = "none"  # the page offers no way to be told


@dataclass(frozen=True)
class SendResult:
    protocol: str
    ping_url: str
    outcome: SendOutcome
    message: str = field(default="")
    retry_after: int | None = None  # seconds the site asked us to wait (429, 503)


def is_temporary(status: int) -> bool:
    """Statuses that say "not now" rather than "no": too many requests, and server errors."""
    return status == 429 or status >= 500


def retry_after(result: FetchResult) -> int | None:
    """The seconds a `Retry-After` header asks for (a number or an HTTP date), capped."""
    value = result.headers.get("retry-after", "").strip()
    if not value or not is_temporary(result.status):
        return None
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = int((when - timezone.now()).total_seconds())
    return max(0, min(seconds, MAX_RETRY_AFTER))


def short_text(body: bytes, limit: int = 200) -> str:
    """A body's first words on one line, for an editor to read."""
    text = " ".join(body[: limit * 4].decode("utf-8", errors="replace").split())
    return text[:limit]
