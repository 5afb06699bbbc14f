"""Whether one page links to another: the check every linkback protocol makes of its source."""

import logging
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser
from urllib.parse import urlsplit

from .fetching import FetchFailed, FetchRefused, fetch
from .site_proof import origin_of

logger = logging.getLogger(__name__)


def same_page(link: str, page: str) -> bool:
    """Whether an absolute http(s) link points at a page: scheme, query, fragment and a
    trailing slash aside."""
    try:
        a, b = urlsplit(link.strip()), urlsplit(page)
    except ValueError:  # "http://[x" and the like link nowhere
        return False
    if a.scheme.lower() not in ("http", "https") or not a.netloc:
        return False
    return (a.netloc.lower(), a.path.rstrip("/")) == (b.netloc.lower(), b.path.rstrip("/"))


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []
        self.title, self._in_title = "", False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def links_in(html: str) -> list[str]:
    """The absolute http(s) addresses an HTML fragment links to, in order, each once."""
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    found = []
    for href in collector.hrefs:
        href = href.strip()
        try:
            parts = urlsplit(href)
        except ValueError:
            continue
        if parts.scheme.lower() in ("http", "https") and parts.netloc and href not in found:
            found.append(href.split("#", 1)[0])
    return list(dict.fromkeys(found))


def links_to(html: str, page: str) -> bool:
    """Whether an HTML document has an <a href> pointing at `page`."""
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    return any(same_page(href, page) for href in collector.hrefs)


class SourceOutcome(StrEnum):
    LINKED = "linked"
    NO_LINK = "no_link"
    GONE = "gone"
    UNREACHABLE = "unreachable"  # perhaps a passing fault: worth another try
    REFUSED = "refused"  # an address we may not contact


@dataclass(frozen=True)
class SourceCheck:
    outcome: SourceOutcome
    note: str
    title: str = ""  # the source page's <title>, on one line


def _page_title(html: str) -> str:
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    return " ".join(collector.title.split())[:250]


def _stayed_on(url: str, origin: str) -> bool:
    """Whether `url` is on the site `origin`, or on its https twin (an upgrade, not a move)."""
    found = origin_of(url)
    return found is not None and found in (origin, origin.replace("http://", "https://", 1))


def check_source(source_url: str, page: str, *, stay_on: str | None = None) -> SourceCheck:
    """Fetch a ping's source and say whether it links to `page`; never raises.

    `stay_on`: the origin the source must be read from (a mention vouched for by a verified
    site): a page reached by a redirect to another site proves nothing about that site.
    """
    try:
        result = fetch(source_url)
    except FetchRefused as error:
        return SourceCheck(SourceOutcome.REFUSED, str(error))
    except FetchFailed as error:
        return SourceCheck(SourceOutcome.UNREACHABLE, str(error))
    except Exception as error:  # whatever a source does, its ping must not stay unchecked
        logger.exception("Checking the source %s failed", source_url)
        return SourceCheck(
            SourceOutcome.UNREACHABLE, f"Unexpected error: {error.__class__.__name__}"
        )
    if stay_on is not None and not _stayed_on(result.url, stay_on):
        return SourceCheck(SourceOutcome.NO_LINK, f"redirected off {stay_on}")
    if result.status in (404, 410):
        return SourceCheck(SourceOutcome.GONE, f"HTTP {result.status}")
    if result.status >= 400:
        return SourceCheck(SourceOutcome.UNREACHABLE, f"HTTP {result.status}")
    html = result.text()
    if links_to(html, page):
        return SourceCheck(SourceOutcome.LINKED, f"links to {page}", _page_title(html))
    return SourceCheck(SourceOutcome.NO_LINK, f"no link to {page}")
