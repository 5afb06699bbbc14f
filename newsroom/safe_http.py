"""Outbound HTTP for trackbacks that cannot be turned against the server (SSRF-safe).

Every hop (the first request and each redirect) is checked before a byte is sent: scheme http(s),
an allowed port, and every address the host resolves to must be public. The connection then goes
to the very address that was checked, so a DNS answer cannot change between check and connect.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings

ALLOWED_SCHEMES = {"http": 80, "https": 443}
PUBLIC_PORTS = {80, 443, 8080}
USER_AGENT = "NewsroomTrackback/1.0 (+https://www.djangoproject.com/)"


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


def address_allowed(address: str) -> bool:
    """Only globally routable unicast addresses, unless private sources are allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _allowlisted(ip):
        return True
    if settings.TRACKBACK_ALLOW_PRIVATE_SOURCES:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> tuple[str, int, str, str]:
    """Return (host, port, address to connect to, path) for a URL we may fetch, or refuse."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchRefused(f"Only http and https URLs can be fetched, not {scheme or 'none'}.")
    host = parts.hostname
    if not host:
        raise FetchRefused("The URL has no host.")
    try:
        port = parts.port or ALLOWED_SCHEMES[scheme]
    except ValueError as error:
        raise FetchRefused("The URL's port is not valid.") from error
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
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


def fetch(
    url: str, *, method: str = "GET", data: dict | None = None, headers: dict | None = None
) -> FetchResult:
    """Fetch a URL safely: checked hops, at most 3 redirects, a timeout and a size cap."""
    timeout = settings.TRACKBACK_FETCH_TIMEOUT
    deadline = time.monotonic() + timeout * 2
    body = urlencode(data).encode("ascii") if data is not None else None
    for _ in range(settings.TRACKBACK_FETCH_MAX_REDIRECTS + 1):
        host, port, address, path = check_url(url)
        scheme = urlsplit(url).scheme.lower()
        connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(host, port, address, timeout)
        request_headers = {
            "User-Agent": USER_AGENT,
            "Accept": "text/html, */*;q=0.5",
            **(headers or {}),
        }
        if body is not None:
            request_headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        try:
            connection.request(method, path, body=body, headers=request_headers)
            response = connection.getresponse()
            limit = settings.TRACKBACK_FETCH_MAX_BYTES
            chunks, size = [], 0
            while size <= limit and time.monotonic() < deadline:
                chunk = response.read(min(65536, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            content = b"".join(chunks)
        except (OSError, http.client.HTTPException) as error:
            raise FetchFailed(f"Could not fetch {host}: {error.__class__.__name__}.") from error
        finally:
            connection.close()
        if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
            url = urljoin(url, response.getheader("Location"))
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, body = "GET", None
            continue
        return FetchResult(
            url=url,
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=content[:limit],
            truncated=len(content) > limit,
        )
    raise FetchFailed("Too many redirects.")
