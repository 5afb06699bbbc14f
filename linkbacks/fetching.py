"""Outbound HTTP for linkbacks that cannot be turned against the server (SSRF-safe).

Every hop (the first request and each redirect) is checked before a byte is sent: scheme http(s),
an allowed port, and every address the host resolves to must be public. The connection then goes
to the very address that was checked, so a DNS answer cannot change between check and connect.
One deadline covers the whole fetch, however slowly the other side drips its answer.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings

ALLOWED_SCHEMES = {"http": 80, "https": 443}
PUBLIC_PORTS = {80, 443, 8080}
USER_AGENT = "NewsroomLinkback/1.0 (TrackBack, Pingback, Webmention)"
# IPv6 ranges that carry or reach an IPv4 address, or are no longer assigned.
EMBEDDING_OR_RETIRED = [
    ipaddress.ip_network(net)
    for net in ("64:ff9b::/96", "64:ff9b:1::/48", "::ffff:0:0:0/96", "fec0::/10")
]  # NAT64, SIIT (IPv4-translated) and site-local
# Characters left as they are when an IRI's path or query becomes a URI.
URI_SAFE = "/%:@!$&'()*+,;=?~-._"


class FetchRefused(Exception):
    """The URL or an address it leads to is not one we may contact."""


class FetchFailed(Exception):
    """The remote side did not answer usefully (timeout, connection error, bad response)."""


@dataclass
class FetchResult:
    url: str
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False

    @property
    def charset(self) -> str:
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                return value.strip("\"'")
        return "utf-8"

    def text(self) -> str:
        try:
            return self.body.decode(self.charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def _allowlisted(ip) -> bool:
    for entry in settings.TRACKBACK_SOURCE_ALLOWLIST:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _public(ip) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
            return _public(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            return _public(ip.sixtofour)
        if ip.teredo is not None:
            return all(_public(part) for part in ip.teredo)
        if int(ip) < 2**32 or any(ip in net for net in EMBEDDING_OR_RETIRED):
            return False  # IPv4-compatible (::7f00:1), NAT64, SIIT or site-local: refused
    return ip.is_global and not ip.is_multicast


def address_allowed(address: str) -> bool:
    """Only globally routable unicast addresses, unless private sources are allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _allowlisted(ip) or settings.TRACKBACK_ALLOW_PRIVATE_SOURCES:
        return True
    return _public(ip)


def to_uri(url: str) -> str:
    """Turn an IRI (non-ASCII path or host, as blogs in many languages use) into a URI."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError as error:
        raise FetchRefused("The URL is not valid.") from error
    try:
        ascii_host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError as error:
        raise FetchRefused("The URL's host name is not valid.") from error
    if ":" in ascii_host:
        ascii_host = f"[{ascii_host}]"
    netloc = f"{ascii_host}:{port}" if port else ascii_host
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=URI_SAFE),
            quote(parts.query, safe=URI_SAFE),
            "",
        )
    )


def check_url(url: str) -> tuple[str, int, str, str]:
    """Return (host, port, address to connect to, path) for a URL we may fetch, or refuse."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname
        port = parts.port or ALLOWED_SCHEMES.get(scheme)
    except ValueError as error:
        raise FetchRefused("The URL is not valid.") from error
    if scheme not in ALLOWED_SCHEMES:
        raise FetchRefused(f"Only http and https URLs can be fetched, not {scheme or 'none'}.")
    if not host:
        raise FetchRefused("The URL has no host.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        raise FetchFailed(f"The host {host} could not be resolved.") from error
    addresses = [info[4][0] for info in infos]
    refused = [a for a in addresses if not address_allowed(a)]
    if refused or not addresses:
        raise FetchRefused(f"The address {refused[0] if refused else host} is not allowed.")
    trusted = settings.TRACKBACK_ALLOW_PRIVATE_SOURCES or all(
        _allowlisted(ipaddress.ip_address(a.split("%", 1)[0])) for a in addresses
    )
    if port not in PUBLIC_PORTS and not trusted:
        raise FetchRefused(f"Port {port} is not allowed.")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return host, port, addresses[0], path


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or ALLOWED_SCHEMES.get(scheme)


def same_origin(a: str, b: str) -> bool:
    try:
        return _origin(a) == _origin(b)
    except ValueError:
        return False


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _Deadline:
    """Cut a connection when the fetch's time is up: a socket timeout restarts on every byte."""

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds
        self.expired = threading.Event()

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def watch(self, connection) -> threading.Timer:
        def cut():
            self.expired.set()
            if connection.sock is not None:
                with contextlib.suppress(OSError):  # already closed: nothing to cut
                    connection.sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(max(self.remaining(), 0), cut)
        timer.daemon = True
        timer.start()
        return timer


def _header_dict(pairs) -> dict[str, str]:
    """Headers by lower-case name; repeated ones (several `Link`s) joined as HTTP allows."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def fetch(
    url: str,
    *,
    method: str = "GET",
    data: dict | None = None,
    headers: dict | None = None,
    content: bytes | None = None,
    content_type: str = "",
    follow_redirects: bool = True,
) -> FetchResult:
    """Fetch a URL safely: checked hops, at most 3 redirects, one deadline and a size cap.

    With `follow_redirects` off (a body carrying secrets), a redirect is returned as the answer.

    `data` is sent as a urlencoded form; `content` as it is, with `content_type` (XML-RPC).
    Headers given by the caller (a token, say) go only to the origin of `url`: a redirect to
    another scheme, host or port drops them.
    """
    timeout = settings.TRACKBACK_FETCH_TIMEOUT
    deadline = _Deadline(timeout)
    body = urlencode(data).encode("ascii") if data is not None else content
    if data is not None:
        content_type = "application/x-www-form-urlencoded; charset=utf-8"
    url = to_uri(url)
    first = url
    limit = settings.TRACKBACK_FETCH_MAX_BYTES
    for _ in range(settings.TRACKBACK_FETCH_MAX_REDIRECTS + 1):
        host, port, address, path = check_url(url)
        if deadline.remaining() <= 0:
            raise FetchFailed(f"Fetching took longer than {timeout:g} s.")
        scheme = urlsplit(url).scheme.lower()
        connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(host, port, address, timeout)
        request_headers = {"User-Agent": USER_AGENT, "Accept": "text/html, */*;q=0.5"}
        if same_origin(url, first):
            request_headers.update(headers or {})
        if body is not None:
            request_headers["Content-Type"] = content_type
        timer = deadline.watch(connection)
        try:
            connection.request(method, path, body=body, headers=request_headers)
            response = connection.getresponse()
            content = response.read(limit + 1)
        except (OSError, http.client.HTTPException, ValueError) as error:
            if deadline.expired.is_set():
                raise FetchFailed(f"Fetching took longer than {timeout:g} s.") from error
            raise FetchFailed(f"Could not fetch {host}: {error.__class__.__name__}.") from error
        finally:
            timer.cancel()
            connection.close()
        if deadline.expired.is_set():
            raise FetchFailed(f"Fetching took longer than {timeout:g} s.")
        location = response.getheader("Location")
        if follow_redirects and response.status in (301, 302, 303, 307, 308) and location:
            try:
                url = to_uri(urljoin(url, location))
            except ValueError as error:
                raise FetchRefused("The redirect's address is not valid.") from error
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, body = "GET", None
            continue
        return FetchResult(
            url=url,
            status=response.status,
            headers=_header_dict(response.getheaders()),
            body=content[:limit],
            truncated=len(content) > limit,
        )
    raise FetchFailed("Too many redirects.")
