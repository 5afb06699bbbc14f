"""Proving control of a web site: the check that lets a site's Webmentions and Pingbacks in.

A user registers an origin (`https://blog.example`) and is given a code. They prove the site is
theirs by serving the code in a `<meta name="newsroom-site-verification" content="...">` on the
origin's home page, or as the text of a file at `/.well-known/newsroom-site-verification.txt`.
The check is made by the worker, with the same safe fetching as every linkback.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.crypto import constant_time_compare

from .fetching import FetchFailed, FetchRefused, fetch

META_NAME = "newsroom-site-verification"
WELL_KNOWN_PATH = "/.well-known/newsroom-site-verification.txt"
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, in one spelling; None for anything else."""
    try:
        parts = urlsplit((url or "").strip())
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port in (None, DEFAULT_PORTS[scheme]):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


class _MetaReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.codes: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or "").lower() == META_NAME:
            self.codes.append((values.get("content") or "").strip())

    handle_startendtag = handle_starttag


@dataclass(frozen=True)
class SiteCheck:
    verified: bool
    note: str
    unreachable: bool = False  # worth another try later


def _meta_codes(html: str) -> list[str]:
    reader = _MetaReader()
    try:
        reader.feed(html)
        reader.close()
    except AssertionError:
        pass
    return reader.codes


def check_site(origin: str, code: str) -> SiteCheck:
    """Look for the code on the origin's home page, then in its well-known file; never raises."""
    notes, unreachable = [], False
    for path in ("/", WELL_KNOWN_PATH):
        try:
            result = fetch(origin + path)
        except FetchRefused as error:
            return SiteCheck(False, str(error))
        except FetchFailed as error:
            notes.append(f"{path}: {error}")
            unreachable = True
            continue
        if urlsplit(result.url).hostname != urlsplit(origin).hostname:
            notes.append(f"{path}: redirected to another host")  # proves nothing about ours
            continue
        if result.status != 200:
            notes.append(f"{path}: HTTP {result.status}")
            unreachable = unreachable or result.status == 429 or result.status >= 500
            continue
        found = _meta_codes(result.text()) if path == "/" else [result.text().strip()]
        if any(constant_time_compare(found_code, code) for found_code in found if found_code):
            where = f'the <meta name="{META_NAME}">' if path == "/" else WELL_KNOWN_PATH
            return SiteCheck(True, f"Code found in {where}.")
        notes.append(f"{path}: no matching code")
    return SiteCheck(False, "; ".join(notes)[:300], unreachable=unreachable)
