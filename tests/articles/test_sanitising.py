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


def test_a_hash_heading_renders_as_a_heading_under_the_headline():
    html = render_markdown("# Results\n\nText.\n\n<h1>Raw</h1>")
    assert "<h2>Results</h2>" in html and "<h2>Raw</h2>" in html
    assert "<h1" not in html


@pytest.mark.parametrize(
    "body",
    [
        "[Click me](javascript:alert(1))",
        "[Click me](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="JaVaScRiPt:alert(2)" title="t">Click me</a>',
        "[Click me](vbscript:x)",
    ],
)
def test_a_link_to_an_unsafe_address_renders_as_plain_text(body):
    html = render_markdown(f"Before {body} after.")
    assert html == "<p>Before Click me after.</p>"


@pytest.mark.django_db
def test_heading_and_unsafe_link_on_the_story_page(client):
    article = make_article(body="# Timeline\n\nSee [the video](javascript:play()).")
    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('<div class="story-body">', 1)[1].split("</div>", 1)[0]
    assert "<h2>Timeline</h2>" in body
    assert "See the video." in body and "<a" not in body


def test_images_in_bodies_only_from_the_sites_own_uploads():
    html = render_markdown(
        "![a](/media/articles/body/2026/01/x.jpg) ![b](https://tracker.example/p.gif)"
        " ![c](/media/articles/images/2026/01/y.jpg)"
    )
    assert html.count("<img") == 1 and 'src="/media/articles/body/2026/01/x.jpg"' in html
