"""Turn journalists' Markdown into HTML that is safe to show readers."""

import html
import re

import markdown
import nh3
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .body_images import body_image_url, responsive_attributes

# Words of the body that stand for a story without a standfirst (search engines, shares, feeds).
DESCRIPTION_WORDS = 40
# Search snippets come from this much of the body's text, stored at write time.
SEARCH_EXCERPT_CHARS = 1200

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "a",
    "abbr",
    "sub",
    "sup",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "img": {"src", "alt", "title", "width", "height"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# The page's headline is its one h1: a body's `# Heading` becomes the section heading below it.
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
# A link whose address the sanitiser removed (javascript:, data:, ...): kept as its text only,
# so nothing on the page looks like a link that goes nowhere.
_LINK_WITHOUT_HREF = re.compile(r"<a\b(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)
_IMAGE_WITHOUT_SRC = re.compile(r"<img\b(?![^>]*\ssrc=)[^>]*>")
_OWN_IMAGE_PATH = re.compile(r"[A-Za-z0-9/_.-]+")
_IMAGE = re.compile(r'<img\b([^>]*)\ssrc="([^"]+)"([^>]*)>')


def _body_image_only(element: str, attribute: str, value: str) -> str | None:
    """Images in bodies come from the site's own uploads (no trackers, no other hosts)."""
    if element == "img" and attribute == "src":
        own = "/" + settings.MEDIA_URL.lstrip("/") + "articles/body/"
        # Only names this app writes: no %-escapes, which browsers decode (%2e%2e is "..").
        plain = _OWN_IMAGE_PATH.fullmatch(value) is not None
        return value if plain and value.startswith(own) and ".." not in value else None
    return value


def _responsive(match: re.Match) -> str:
    # The sanitiser wrote this tag (attributes quoted and escaped); only our own uploads match.
    before, src, after = match.groups()
    attributes = responsive_attributes(html.unescape(src))
    if attributes:  # ours: the storage's address (the same path, or the bucket's URL)
        src = html.escape(body_image_url(html.unescape(src)))
    return f'<img{before} src="{src}"{attributes}{after}>'


def render_markdown(text: str) -> SafeString:
    """Render Markdown and sanitise the result: no scripts, handlers or unsafe URLs survive."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        _H1.sub(r"<\1h2", html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_body_image_only,
    )
    clean = _IMAGE_WITHOUT_SRC.sub("", _LINK_WITHOUT_HREF.sub(r"\1", clean))
    clean = _IMAGE.sub(_responsive, clean)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def plain_text(html_text: str) -> str:
    """Text without tags, its entities (&amp;) turned back into characters; the templates and
    the JSON encoder then escape it once, each for its own format."""
    return html.unescape(strip_tags(html_text))


def article_description_text(standfirst: str, body_html: str) -> str:
    """A story's summary: its standfirst, else the opening words of its rendered body."""
    if standfirst:
        return standfirst
    return Truncator(" ".join(plain_text(body_html).split())).words(DESCRIPTION_WORDS)


def search_excerpt_text(body_html: str) -> str:
    """The body's opening as plain text, at most SEARCH_EXCERPT_CHARS: what snippets quote."""
    return " ".join(plain_text(body_html).split())[:SEARCH_EXCERPT_CHARS]
