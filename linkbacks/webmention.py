"""Webmention (W3C Recommendation) both ways: `source` and `target` in a urlencoded form.

Sending: POST to the endpoint the target advertises; any 2xx is accepted (201 and 202 say the
receiver checks later). Receiving: the fields read here; who may send, and the storing, are
the receiving app's.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponse

from guards.text import without_control_characters

from .answers import SendOutcome, SendResult, is_temporary, retry_after, short_text
from .discovery import WEBMENTION
from .fetching import fetch
from .links import same_page
from .trackback import MAX_URL_LENGTH, normalise_url


class MentionError(Exception):
    """A mention we refuse; the message goes back to the sender as plain text."""

    def __init__(self, message: str, status: int = 400, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason  # for a caller that answers in another protocol's words


@dataclass(frozen=True)
class Mention:
    source: str
    target: str


def webmention_send(endpoint: str, *, source: str, target: str) -> SendResult:
    """POST one Webmention; FetchRefused and FetchFailed are the caller's to catch."""
    result = fetch(endpoint, method="POST", data={"source": source, "target": target})
    status = f"HTTP {result.status}"
    said = short_text(result.body)
    if 200 <= result.status < 300:
        outcome = SendOutcome.SENT
    elif is_temporary(result.status):
        outcome = SendOutcome.UNREACHABLE
    elif result.status >= 400:
        outcome = SendOutcome.REFUSED
    else:
        outcome = SendOutcome.FAILED
    message = f"{status}: {said}" if said else status
    return SendResult(WEBMENTION, endpoint, outcome, message, retry_after(result))


def web_address(value: str, name: str) -> str:
    """An absolute http(s) URL from outside, in its one spelling; MentionError otherwise."""
    url = without_control_characters(value or "").strip()
    if not url:
        raise MentionError(f"The {name} field is required.")
    if len(url) > MAX_URL_LENGTH:
        raise MentionError(f"The {name} is longer than {MAX_URL_LENGTH} characters.")
    try:
        URLValidator(schemes=["http", "https"])(url)
        return normalise_url(url)
    except (ValidationError, ValueError) as error:
        raise MentionError(f"The {name} must be an http or https URL.") from error


def parse_mention(fields, page: str) -> Mention:
    """Check a received Webmention's fields against the page it names as its target."""
    source = web_address(fields.get("source", ""), "source")
    # The target needs no checking of its own: it must be this very page.
    target = without_control_characters(fields.get("target", "")).strip()
    if not target:
        raise MentionError("The target field is required.")
    if not same_page(target, page):
        raise MentionError("The target is not this story: send the story's own URL.")
    if same_page(source, target):
        raise MentionError("The source and the target are the same page.")
    return Mention(source=source, target=target)


def text_response(message: str, status: int, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(f"{message}\n", content_type="text/plain; charset=utf-8", status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
