"""The TrackBack 1.2 wire format both ways: reading and answering pings, building and sending."""

import codecs
import logging
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote_to_bytes, urlsplit, urlunsplit
from xml.sax.saxutils import escape as xml_escape

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as ET
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.html import strip_tags
from django.utils.text import Truncator

from guards.text import printable, without_control_characters

from .answers import SendOutcome, SendResult, is_temporary, retry_after
from .discovery import TRACKBACK
from .fetching import FetchResult, fetch

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024
MAX_URL_LENGTH = 2000
# Charsets that are not ASCII-compatible cannot carry a urlencoded body; UTF-7 also smuggles
# markup past filters, so it is refused outright.
REFUSED_CHARSETS = {"utf_7", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"}
TOO_LARGE = "The ping is larger than 64 KB."


class PingError(Exception):
    """A ping we refuse; the message goes back to the sender in <message>."""

    def __init__(self, message: str, status: int = 200, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True)
class Ping:
    url: str
    title: str
    excerpt: str
    blog_name: str


# Receiving ------------------------------------------------------------------------------------


def xml_response(
    message: str | None = None, status: int = 200, headers: dict | None = None
) -> HttpResponse:
    """The TrackBack answer: <error>0</error>, or <error>1</error> with a message."""
    if message is None:
        inner = "<error>0</error>"
    else:
        # Control characters (a sender's charset name, say) would make the XML unreadable.
        text = xml_escape(without_control_characters(message))
        inner = f"<error>1</error><message>{text}</message>"
    body = f'<?xml version="1.0" encoding="utf-8"?>\n<response>{inner}</response>\n'
    response = HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: PingError) -> HttpResponse:
    """The XML answer to a refused ping."""
    return xml_response(error.message, status=error.status, headers=error.headers)


def content_type_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def split_form(body: bytes) -> list[tuple[bytes, bytes]]:
    """Split a urlencoded body into raw byte pairs, before any charset is applied."""
    pairs = []
    for chunk in body.split(b"&"):
        if not chunk:
            continue
        name, _, value = chunk.partition(b"=")
        pairs.append(
            (
                unquote_to_bytes(name.replace(b"+", b" ")),
                unquote_to_bytes(value.replace(b"+", b" ")),
            )
        )
    return pairs


def _ascii_compatible(codec: str) -> bool:
    """A text charset in which a urlencoded body reads as itself (not rot13, hex, zlib...)."""
    probe = b"url=http%3A%2F%2Fexample.com%2F&title=Ab+c"
    try:
        return probe.decode(codec) == probe.decode("ascii")
    except (LookupError, UnicodeError, TypeError, ValueError):
        return False


def decode_form(body: bytes, content_type: str) -> dict[str, str]:
    """Decode a ping body with the charset from the Content-Type (or a `charset` field)."""
    pairs = split_form(body)
    charset = content_type_charset(content_type)
    if charset is None:
        field_value = next((value for name, value in pairs if name == b"charset"), None)
        charset = field_value.decode("ascii", errors="replace") if field_value else "utf-8"
    shown = printable(charset, 40)
    try:
        codec = codecs.lookup(charset).name.replace("-", "_")
    except (LookupError, ValueError) as error:  # ValueError: a NUL in the name
        raise PingError(f"Unknown charset: {shown}.") from error
    if codec in REFUSED_CHARSETS or not _ascii_compatible(codec):
        raise PingError(f"The charset {shown} is not accepted; send UTF-8.")
    fields: dict[str, str] = {}
    try:
        for name, value in pairs:
            fields.setdefault(name.decode(codec), value.decode(codec))
    except UnicodeDecodeError as error:
        raise PingError(f"The ping is not valid {shown} text.") from error
    return fields


def read_ping_fields(request) -> tuple[dict[str, str], PingError | None]:
    """The fields of a ping, or why they cannot be read (told only to a known sender).

    Raises PingError (413) for a body over 64 KB, which is refused before anything else.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise PingError(TOO_LARGE, status=413)
    # Read and decode the body ourselves: request.POST refuses non-UTF-8 charsets.
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        raise PingError(TOO_LARGE, status=413)
    content_type = request.META.get("CONTENT_TYPE", "")
    try:
        if content_type.lower().startswith("multipart/form-data"):
            # Not TrackBack's format, but what some HTML forms send; Django parses it.
            return {name: request.POST.get(name, "") for name in request.POST}, None
        return decode_form(body, content_type), None
    except PingError as error:
        return {}, error
    except (BadRequest, MultiPartParserError):
        return {}, PingError("The ping's body could not be read.")


def clean_text(value: str, limit: int) -> str:
    """Plain text for display: tags stripped, entities decoded once, cut with an ellipsis."""
    text = without_control_characters(unescape(strip_tags(value)))
    text = " ".join(text.split())
    return Truncator(text).chars(limit, truncate="…")


def normalise_url(url: str) -> str:
    """One spelling per page: scheme and host in lower case, no default port, no fragment."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, {"http": 80, "https": 443}[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = f"{parts.netloc.rsplit('@', 1)[0]}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def parse_ping(fields: dict[str, str]) -> Ping:
    """Check the fields of a ping and give the values we store."""
    url = without_control_characters(fields.get("url", "")).strip()
    if not url:
        raise PingError("The url field is required.")
    if len(url) > MAX_URL_LENGTH:
        raise PingError(f"The url is longer than {MAX_URL_LENGTH} characters.")
    try:
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "https"):
            URLValidator(schemes=["http", "https"])(url)
            url = normalise_url(url)
    except (ValidationError, ValueError) as error:  # ValueError: "http://[", bad ports
        raise PingError("The url is not a valid web address.") from error
    if scheme not in ("http", "https"):
        raise PingError("The url must start with http:// or https://.")
    title = clean_text(fields.get("title", ""), 250) or Truncator(url).chars(250, truncate="…")
    host = urlsplit(url).hostname or url
    blog_name = clean_text(fields.get("blog_name", ""), 250) or host
    excerpt = clean_text(fields.get("excerpt", ""), 255)
    return Ping(url=url, title=title, excerpt=excerpt, blog_name=blog_name)


# Sending --------------------------------------------------------------------------------------


def ping_body(ping: Ping) -> dict[str, str]:
    """The form fields of an outgoing ping, the excerpt on one line and cut to 255 characters."""
    return {
        "title": ping.title,
        "excerpt": Truncator(" ".join(ping.excerpt.split())).chars(255, truncate="…"),
        "url": ping.url,
        "blog_name": ping.blog_name,
    }


def read_answer(result: FetchResult) -> tuple[SendOutcome, str]:
    """What a TrackBack server said: accepted, refused with its message, or no answer at all.

    A 429 or 5xx is a passing fault (WordPress answers 429 to a second ping too soon), retried
    later; any other 4xx is a refusal, whatever the body says.
    """
    try:
        root = ET.fromstring(result.body)
        error = (root.findtext("error") or "").strip()
        message = (root.findtext("message") or "").strip()
    except (ET.ParseError, DefusedXmlException):
        error, message = None, ""
    status = f"HTTP {result.status}"
    if is_temporary(result.status):
        return SendOutcome.UNREACHABLE, f"{status}: {message}" if message else status
    if result.status >= 400:
        return SendOutcome.REFUSED, f"{status}: {message}" if message else status
    if error is None:
        return SendOutcome.FAILED, f"{status}, not a TrackBack answer"
    if error == "0":
        return SendOutcome.SENT, ""
    return SendOutcome.REFUSED, message or f"{status}, error {error}"


def trackback_send(ping_url: str, ping: Ping, *, headers: dict) -> SendResult:
    """POST a TrackBack ping; FetchRefused and FetchFailed are the caller's to catch."""
    result = fetch(ping_url, method="POST", data=ping_body(ping), headers=headers)
    outcome, message = read_answer(result)
    return SendResult(TRACKBACK, ping_url, outcome, message, retry_after(result))
