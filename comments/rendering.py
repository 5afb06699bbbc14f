"""How a reader's text becomes HTML: once, when the comment is saved."""

from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize


def comment_html(text: str) -> str:
    """Escape a reader's text, keep its line breaks, and link its URLs as user content."""
    linked = urlize(text, nofollow=True, autoescape=True)
    # urlize escaped everything it did not turn into a link, so this attribute is ours.
    linked = linked.replace(' rel="nofollow"', ' rel="nofollow ugc"')
    return str(linebreaksbr(linked, autoescape=False))
