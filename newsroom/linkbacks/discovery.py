"""Finding the address a page takes pings at (TrackBack's RDF auto-discovery block)."""

import re
from html import unescape

from .links import same_page

RDF_BLOCK = re.compile(r"<rdf:RDF.*?</rdf:RDF>", re.S | re.I)
RDF_ATTRIBUTE = r'{}\s*=\s*"([^"]*)"'


def discover_ping_url(html: str, page_url: str) -> str | None:
    """The ping URL a page advertises in its RDF block (the one describing that page)."""
    found = []
    for block in RDF_BLOCK.findall(html):
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
