import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.rendering import render_markdown
from tests.factories import make_article

HOSTILE = (
    "Intro.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
    '[x](javascript:alert(1)) and <a href="JaVaScRiPt:alert(2)">y</a>'
)
ACTIVE = re.compile(r"<script|<img|\son\w+\s*=|javascript:", re.IGNORECASE)


def test_hostile_markdown_renders_inert():
    html = render_markdown(HOSTILE)
    assert not ACTIVE.search(html), html
    assert "<p>Intro.</p>" in html


@pytest.mark.django_db
def test_hostile_body_is_inert_on_the_story_page(client):
    article = make_article(body=HOSTILE)
    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('<div class="story-body">', 1)[1].split("</div>", 1)[0]
    assert not ACTIVE.search(body), body
    assert "Intro." in body


def test_editorial_markdown_survives():
    html = render_markdown(
        "## Heading\n\nA paragraph with [a link](https://example.com/).\n\n"
        "> A quote\n\n- one\n- two\n\n1. first\n2. second"
    )
    assert "<h2>Heading</h2>" in html
    assert '<a href="https://example.com/" rel="noopener noreferrer">a link</a>' in html
    assert "<blockquote>" in html and "<ul>" in html and "<ol>" in html


MARKUP_PIECES = [
    *"<>\"'=/ :()[]!&#;xX\n",
    "script",
    "onerror",
    "javascript",
    "img",
    "a href",
    "svg",
    "onload",
    "iframe",
    "style",
    "&#106;",
    "](",
    "<!--",
]


@given(st.lists(st.sampled_from(MARKUP_PIECES), max_size=60).map("".join), st.text(max_size=30))
def test_no_markup_combination_escapes_the_sanitiser(fragments, free_text):
    html = render_markdown(fragments + free_text)
    assert not re.search(r"<(script|svg|iframe|style)", html, re.IGNORECASE)
    # Images only from the site's own uploads for bodies.
    assert not re.search(r"<img(?![^>]*src=\"/media/articles/body/)", html, re.IGNORECASE)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE)
    assert not re.search(r"href=\"\s*javascript:", html, re.IGNORECASE)
