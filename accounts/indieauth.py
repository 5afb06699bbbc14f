"""A small IndieAuth client (https://indieauth.spec.indieweb.org/): sign in with your own site.

No maintained Python client library fits (the ones on PyPI are unmaintained or tied to other
frameworks), so this follows the 2024 spec closely: `me` canonicalisation (§3.4), discovery
through `indieauth-metadata` only (§4.1: the metadata must name its `issuer` and declare PKCE
S256; servers with only the older `authorization_endpoint` link are refused, as they cannot say
either), the authorization request with PKCE S256 and `state` (§5.2), the `iss` check (§5.2.1),
redeeming the code at the authorization endpoint for the profile URL (§5.3.3, never following a
redirect with the code and verifier), and verifying the `me` returned (§5.4).
Every fetch goes through linkbacks.fetching (SSRF-safe, bounded in time and size).
"""

import base64
import hashlib
import ipaddress
import json
import logging
import re
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings

from linkbacks.fetching import FetchFailed, FetchRefused, fetch, to_uri

LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME = re.compile(rf"(?:{LABEL}\.)*{LABEL}")
REFUSED = "Your website's sign-in service refused the sign-in."

logger = logging.getLogger(__name__)


class IndieAuthError(Exception):
    """The sign-in cannot go on; the message is for the person signing in."""


@dataclass(frozen=True)
class Endpoints:
    authorization_endpoint: str
    issuer: str
    token_endpoint: str | None = None


def _local_allowed() -> bool:
    # Ports and IP addresses are not profile URLs (§3.2); development and the tests use them.
    return settings.TRACKBACK_ALLOW_PRIVATE_SOURCES


def canonical_me(typed: str) -> str:
    """The canonical profile URL for what a person typed (`Example.com` -> `https://example.com/`)."""
    text = (typed or "").strip()
    if not text or any(ch.isspace() for ch in text) or len(text) > 500:
        raise IndieAuthError("Enter your website's address, such as example.com.")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname or ""
    except ValueError as error:
        raise IndieAuthError("That is not a valid web address.") from error
    if parts.scheme.lower() not in ("http", "https"):
        raise IndieAuthError("Your website's address must start with https:// or http://.")
    if parts.username is not None or parts.password is not None:
        raise IndieAuthError("Your website's address cannot contain a user name or password.")
    if parts.fragment or "#" in text:
        raise IndieAuthError("Your website's address cannot contain a fragment (#...).")
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        raise IndieAuthError("Your website's address cannot contain . or .. in its path.")
    try:
        host = host.rstrip(".").encode("idna").decode("ascii").lower() if host else ""
    except UnicodeError as error:
        raise IndieAuthError("Your website's host name is not valid.") from error
    if not host:
        raise IndieAuthError("Your website's address has no host name.")
    try:
        ipaddress.ip_address(host)
        is_ip = True
    except ValueError:
        is_ip = False
    # After IDNA (which maps look-alike dots, U+2024 say, to "."), a host is dot-separated labels.
    if not is_ip and not HOST_NAME.fullmatch(host.rstrip(".")):
        raise IndieAuthError("Your website's host name is not valid.")
    host = host if is_ip else host.rstrip(".")
    if not _local_allowed():
        if port is not None:
            raise IndieAuthError("Your website's address cannot contain a port.")
        if is_ip or "." not in host:
            raise IndieAuthError("Your website's address must be a domain name.")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def site_home(me: str) -> str:
    """`me` if it is a site's home page: a site here is an origin (accounts and verified sites
    are per origin), so proving one page under it (a user's page on a shared host) proves
    nothing about the rest of it."""
    parts = urlsplit(me)
    if parts.path != "/" or parts.query:
        raise IndieAuthError(
            f"Sign in with your site's home page ({parts.scheme}://{parts.netloc}/): "
            "a page under a site does not prove the whole site is yours."
        )
    return me


class _LinkReader(HTMLParser):
    """`<link rel=... href=...>` and `<a rel=...>` in a page, first of each rel kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rels: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag not in ("link", "a"):
            return
        attrs = dict(attrs)
        href = attrs.get("href")
        if href is None:
            return
        for rel in (attrs.get("rel") or "").lower().split():
            self.rels.setdefault(rel, href)


def _link_header_rels(value: str) -> dict[str, str]:
    rels: dict[str, str] = {}
    for part in value.split(","):
        target, _, params = part.partition(";")
        target = target.strip()
        if not (target.startswith("<") and target.endswith(">")):
            continue
        for param in params.split(";"):
            name, _, rel = param.strip().partition("=")
            if name.strip().lower() == "rel":
                for one in rel.strip().strip("\"'").lower().split():
                    rels.setdefault(one, target[1:-1])
    return rels


def _get(url: str, accept: str):
    try:
        result = fetch(url, headers={"Accept": accept})
    except FetchRefused as error:
        raise IndieAuthError(f"This site cannot be used here: {error}") from error
    except FetchFailed as error:
        raise IndieAuthError(f"Your website could not be reached: {error}") from error
    if result.status != 200:
        raise IndieAuthError(f"Your website answered HTTP {result.status}.")
    return result


def _secure_or_local(parts) -> bool:
    """https, or http on loopback where local sites are allowed (development, the tests): the
    code and its verifier never travel in clear text."""
    if parts.scheme == "https":
        return True
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return parts.scheme == "http" and loopback and _local_allowed()


def _issuer_valid(issuer, metadata_url: str) -> bool:
    """§4.1.1: the issuer is an https URL with no query or fragment, a prefix of the metadata
    URL (on the same host: `https://example.com` is no prefix of `https://example.com.evil/`)."""
    if not isinstance(issuer, str):
        return False
    try:
        parts, meta = urlsplit(issuer), urlsplit(metadata_url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.query or parts.fragment or "?" in issuer or "#" in issuer or not host:
        return False
    if not _secure_or_local(parts):
        return False
    same_origin = (parts.scheme, parts.netloc) == (meta.scheme, meta.netloc)
    return same_origin and metadata_url.startswith(issuer)


def _metadata(url: str) -> Endpoints:
    meta = _get(url, "application/json")
    try:
        data = json.loads(meta.body)
        methods = data.get("code_challenge_methods_supported") or []
        endpoints = Endpoints(
            authorization_endpoint=urljoin(meta.url, data["authorization_endpoint"]),
            issuer=data.get("issuer"),
            token_endpoint=data.get("token_endpoint") and urljoin(meta.url, data["token_endpoint"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise IndieAuthError("Your website's IndieAuth metadata is not valid.") from error
    if not isinstance(methods, list) or "S256" not in methods:
        raise IndieAuthError(
            "Your website's sign-in service does not declare PKCE (S256) support, "
            "which signing in here requires."
        )
    # The issuer is checked against the URL the metadata was asked for, before any redirect.
    if not _issuer_valid(endpoints.issuer, url):
        raise IndieAuthError(
            "Your website's IndieAuth metadata names no valid issuer "
            "(an https address that its metadata address starts with)."
        )
    return endpoints


def discover(me: str) -> Endpoints:
    """The endpoints a profile URL names through its IndieAuth metadata (HTTP Link headers
    first, then the HTML)."""
    page = _get(me, "text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
    reader = _LinkReader()
    if "html" in page.headers.get("content-type", "text/html"):
        reader.feed(page.text())
    rels = {**reader.rels, **_link_header_rels(page.headers.get("link", ""))}
    if "indieauth-metadata" in rels:
        endpoints = _metadata(to_uri(urljoin(page.url, rels["indieauth-metadata"])))
    elif "authorization_endpoint" in rels:
        raise IndieAuthError(
            "Your website's sign-in service is too old for this site: it publishes no IndieAuth "
            "metadata (rel=indieauth-metadata) declaring its issuer and PKCE support."
        )
    else:
        raise IndieAuthError("Your website does not name an IndieAuth authorization endpoint.")
    for endpoint in (endpoints.authorization_endpoint, endpoints.token_endpoint):
        if endpoint and not _secure_or_local(urlsplit(endpoint)):
            raise IndieAuthError(
                "Your website's sign-in service must be an https address (the code it sends "
                "back would otherwise travel in clear text)."
            )
    return endpoints


def pkce_pair() -> tuple[str, str]:
    """A random code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    endpoints: Endpoints, *, me: str, client_id: str, redirect_uri: str, state: str, challenge: str
) -> str:
    """Where the person is sent to prove the site is theirs."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "me": me,
        }
    )
    endpoint = endpoints.authorization_endpoint
    return f"{endpoint}{'&' if urlsplit(endpoint).query else '?'}{query}"


def redeem(
    endpoints: Endpoints, *, code: str, client_id: str, redirect_uri: str, verifier: str
) -> str:
    """Exchange the code at the authorization endpoint; the profile URL it vouches for."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    try:
        # The code and verifier go to this address only: a redirect is an answer, not followed.
        result = fetch(
            endpoints.authorization_endpoint,
            method="POST",
            data=data,
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )
    except (FetchRefused, FetchFailed) as error:
        logger.info("IndieAuth code redemption failed: %s", error)
        raise IndieAuthError("Your website's sign-in service could not be reached.") from error
    try:
        answer = json.loads(result.body)
    except ValueError:
        answer = None
    if result.status != 200 or not isinstance(answer, dict) or not answer.get("me"):
        # What the server says is its own business (and may come from somewhere else): logged.
        logger.info("IndieAuth code redemption refused: HTTP %s", result.status)
        raise IndieAuthError(REFUSED)
    return str(answer["me"])


def verify_me(*, entered: str, returned: str, endpoints: Endpoints) -> str:
    """The canonical `me` to trust (§5.4): the one entered, or another whose own discovery names
    the very authorization server that vouched for it (a redirect from what was typed, say
    `www.example.com` to `example.com`)."""
    try:
        me = canonical_me(returned)
    except IndieAuthError as error:
        raise IndieAuthError(
            "Your authorization endpoint returned an invalid profile URL."
        ) from error
    site_home(me)
    if me == entered:
        return me
    try:
        declared = discover(me)
    except IndieAuthError as error:
        raise IndieAuthError(
            "The profile URL returned does not match the website you entered, and names no "
            "sign-in service of its own."
        ) from error
    if (declared.authorization_endpoint, declared.issuer) != (
        endpoints.authorization_endpoint,
        endpoints.issuer,
    ):
        raise IndieAuthError(
            "The profile URL returned does not match the website you entered: it uses "
            "another authorization server."
        )
    return me
