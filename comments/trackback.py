"""The TrackBack 1.2 wire format: decoding a ping body and answering in XML."""

import codecs
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote_to_bytes, urlsplit, urlunsplit
from xml.sax.saxutils import escape as xml_escape

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.text import Truncator

MAX_BODY_BYTES = 64 * 1024
MAX_URL_LENGTH = 2000
# Charsets that are not ASCII-compatible cannot carry a urlencoded body; UTF-7 also smuggles
# markup past filters, so it is refused outright.
REFUSED_CHARSETS = {"utf_7", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PingError(Exception):
    """A ping we refuse; the message goes back to the sender in <message>."""

    def __init__(self, message: str, status: int = 200):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Ping:
    url: str
    title: str
    excerpt: str
    blog_name: str


def xml_response(message: str | None = None, status: int = 200, **headers) -> HttpResponse:
    """The TrackBack answer: <error>0</error>, or <error>1</error> with a message."""
    if message is None:
        inner = "<error>0</error>"
    else:
        inner = f"<error>1</error><message>{xml_escape(message)}</message>"
    body = f'<?xml version="1.0" encoding="utf-8"?>\n<response>{inner}</response>\n'
    response = HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


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
        field = next((value for name, value in pairs if name == b"charset"), None)
        charset = field.decode("ascii", errors="replace") if field else "utf-8"
    try:
        codec = codecs.lookup(charset).name.replace("-", "_")
    except LookupError as error:
        raise PingError(f"Unknown charset: {charset[:40]}.") from error
    if codec in REFUSED_CHARSETS or not _ascii_compatible(codec):
        raise PingError(f"The charset {charset[:40]} is not accepted; send UTF-8.")
    fields: dict[str, str] = {}
    try:
        for name, value in pairs:
            fields.setdefault(name.decode(codec), value.decode(codec))
    except UnicodeDecodeError as error:
        raise PingError(f"The ping is not valid {charset[:40]} text.") from error
    return fields


def clean_text(value: str, limit: int) -> str:
    """Plain text for display: tags stripped, entities decoded once, cut with an ellipsis."""
    text = unescape(strip_tags(value))
    text = CONTROL_CHARACTERS.sub("", text)
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
    url = CONTROL_CHARACTERS.sub("", fields.get("url", "")).strip()
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
