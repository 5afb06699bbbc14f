"""Finding the address a page takes pings at, for each protocol, in the order we use them.

TrackBack's RDF block first (Movable Type), then Webmention (W3C: the `Link` header, then the
first `<link>` or `<a>` with rel="webmention"), then Pingback (`X-Pingback`, then
`<link rel="pingback">`), and for a WordPress page that offers none of these, the TrackBack
address WordPress always answers at: `<permalink>trackback/`.
"""

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from .links import same_page

RDF_OPEN, RDF_CLOSE = re.compile(r"<rdf:RDF", re.I), re.compile(r"</rdf:RDF>", re.I)
RDF_ATTRIBUTE = r'{}\s*=\s*"([^"]*)"'
PLAIN_PERMALINK = re.compile(r"p=([0-9]+)")
LINK_VALUE = re.compile(r"<([^<>]*)>((?:\s*;\s*[^;,]+)*)")  # no "<" inside: linear
TRACKBACK, WEBMENTION, PINGBACK = "trackback", "webmention", "pingback"
# What WordPress prints on every page, whatever plugins switched off: its generator <meta>
# (read by the HTML parser: a regex with two `[^>]+` took cubic time on a hostile page), and
# its asset paths.
WORDPRESS_PATHS = re.compile(r"/wp-(?:content|includes)/")


@dataclass(frozen=True)
class Endpoint:
    protocol: str  # TRACKBACK, WEBMENTION or PINGBACK
    url: str


def _rdf_blocks(html: str) -> list[str]:
    """Each `<rdf:RDF ...</rdf:RDF>` block, in one pass (a lazy `.*?` over the page started
    again at every unclosed `<rdf:RDF`: quadratic time for a hostile page)."""
    blocks, position = [], 0
    while (start := RDF_OPEN.search(html, position)) is not None:
        end = RDF_CLOSE.search(html, start.end())
        if end is None:
            break  # nothing after this can close a block
        blocks.append(html[start.start() : end.end()])
        position = end.end()
    return blocks


def discover_ping_url(html: str, page_url: str) -> str | None:
    """The ping URL a page advertises in its RDF block (the one describing that page)."""
    found = []
    for block in _rdf_blocks(html):
        ping = re.search(RDF_ATTRIBUTE.format("trackback:ping"), block)
        if not ping:
            continue
        about = re.search(RDF_ATTRIBUTE.format("dc:identifier"), block) or re.search(
            RDF_ATTRIBUTE.format("rdf:about"), block
        )
        found.append((unescape(about.group(1)) if about else "", unescape(ping.group(1))))
    for about, ping in found:
        if about and same_page(about, page_url):
            return ping
    return found[0][1] if len(found) == 1 else None


def link_header_targets(value: str, rel: str) -> list[str]:
    """The URLs a `Link` header gives for one relation (RFC 8288), in order."""
    targets = []
    for match in LINK_VALUE.finditer(value or ""):
        for param in match.group(2).split(";"):
            name, _, rels = param.strip().partition("=")
            if name.strip().lower() == "rel" and rel in rels.strip().strip("\"'").lower().split():
                targets.append(match.group(1).strip())
    return targets


class _RelCollector(HTMLParser):
    """Every <link> and <a> with a rel and an href, in document order; and the canonical URL."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, set[str], str]] = []
        self.generators: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            values = dict(attrs)
            if (values.get("name") or "").lower() == "generator":
                self.generators.append(values.get("content") or "")
            return
        if tag not in ("link", "a"):
            return
        values = dict(attrs)
        href, rel = values.get("href"), values.get("rel")
        if href is not None and rel:
            self.found.append((tag, set(rel.lower().split()), href))

    handle_startendtag = handle_starttag

    def first(self, rel: str, tags=("link", "a")) -> str | None:
        return next((href for tag, rels, href in self.found if rel in rels and tag in tags), None)


def _is_wordpress(html: str, headers: dict, collector: "_RelCollector") -> bool:
    if "https://api.w.org/" in headers.get("link", ""):
        return True
    if any(g.strip().lower().startswith("wordpress") for g in collector.generators):
        return True
    return WORDPRESS_PATHS.search(html) is not None


def wordpress_trackback_url(permalink: str) -> str:
    """Where WordPress takes TrackBacks for a post: its permalink followed by `trackback/`, or
    `wp-trackback.php?p=<id>` beside it when the blog keeps plain `?p=<id>` permalinks."""
    parts = urlsplit(permalink)
    plain = PLAIN_PERMALINK.fullmatch(parts.query)
    if plain:
        return urljoin(permalink, f"wp-trackback.php?p={plain.group(1)}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return parts._replace(path=path + "trackback/", query=parts.query, fragment="").geturl()


def discover(html: str, headers: dict, page_url: str) -> Endpoint | None:
    """The first linkback endpoint a page offers (headers' names in lower case), or None.

    `page_url` is the page's final address (after redirects): relative URLs resolve against it.
    """
    ping = discover_ping_url(html, page_url)
    if ping:
        return Endpoint(TRACKBACK, urljoin(page_url, ping))
    collector = _RelCollector()
    try:
        collector.feed(html)
        collector.close()
    except AssertionError:  # markup the standard parser gives up on: use what was found
        pass
    webmention = next(iter(link_header_targets(headers.get("link", ""), WEBMENTION)), None)
    if webmention is None:
        webmention = collector.first(WEBMENTION)
    if webmention is not None:  # an empty href is the page itself
        return Endpoint(WEBMENTION, urljoin(page_url, webmention))
    pingback = headers.get("x-pingback", "").strip() or collector.first(PINGBACK, ("link",))
    if pingback:
        return Endpoint(PINGBACK, urljoin(page_url, pingback))
    return wordpress_trackback(html, headers, page_url, collector)


def wordpress_trackback(html: str, headers: dict, page_url: str, collector=None) -> Endpoint | None:
    """`<permalink>trackback/` for a WordPress page (the canonical permalink if it names one)."""
    if collector is None:
        collector = _RelCollector()
        try:
            collector.feed(html)
            collector.close()
        except AssertionError:
            pass
    if not _is_wordpress(html, headers, collector):
        return None
    canonical = collector.first("canonical", ("link",))
    permalink = urljoin(page_url, canonical) if canonical else page_url
    return Endpoint(TRACKBACK, wordpress_trackback_url(permalink))
