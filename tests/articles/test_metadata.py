"""Story, home and section pages describe themselves to search engines and social sites."""

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from articles.demo.load import demo_load
from delivery.times import machine_time
from tests.conftest import log_in_staff
from tests.factories import make_article, make_category, make_user

pytestmark = pytest.mark.django_db

XSS_TITLE = "</script><script>alert(1)</script>"
# The comment form's script (a fresh time stamp when the reader starts writing); no inline code.
STAMP_SCRIPT = '<script src="/static/comments/stamp.js" defer></script>'


class Head(HTMLParser):
    """Collect what a crawler reads: title, meta tags, links and script blocks."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.scripts, self.title = {}, [], [], ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag in ("script", "title"):
            self._in = (tag, attrs)
            if tag == "script":
                self.scripts.append({"attrs": attrs, "text": ""})

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in and self._in[0] == "title":
            self.title += data
        elif self._in and self._in[0] == "script":
            self.scripts[-1]["text"] += data


def head_of(response):
    parser = Head()
    parser.feed(response.content.decode())
    return parser


def canonical(head):
    return [link["href"] for link in head.links if link.get("rel") == "canonical"]


def json_ld(head):
    blocks = [s for s in head.scripts if s["attrs"].get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return blocks[0], json.loads(blocks[0]["text"])


@pytest.fixture
def story():
    author = make_user(first_name="Ada", last_name="Writer")
    return make_article(
        category=make_category("World", slug="world"),
        author=author,
        title="Rivers rise after storm",
        standfirst="Flood warnings for three towns.",
        body="Water reached the bridge by noon.",
    )


def test_story_page_has_title_description_canonical_open_graph_and_twitter(client, story):
    head = head_of(client.get(story.get_absolute_url()))
    url = "http://testserver" + story.get_absolute_url()
    assert head.title == "Rivers rise after storm · Newsroom"
    assert head.meta["description"] == "Flood warnings for three towns."
    assert canonical(head) == [url]
    assert head.meta["og:type"] == "article"
    assert head.meta["og:title"] == "Rivers rise after storm"
    assert head.meta["og:url"] == url
    assert head.meta["og:description"] == "Flood warnings for three towns."
    assert head.meta["og:site_name"] == "Newsroom"
    assert head.meta["article:published_time"] == machine_time(story.published_at)
    assert head.meta["article:modified_time"] == machine_time(story.updated_at)
    assert head.meta["article:section"] == "World"
    # No lead image: shares show the site's default picture (DEFAULT_SOCIAL_IMAGE).
    assert head.meta["og:image"] == "http://testserver/static/img/social-default.png"
    assert head.meta["twitter:image"] == head.meta["og:image"]
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:title"] == "Rivers rise after storm"


def test_json_ld_is_a_complete_news_article(client, story):
    head = head_of(client.get(story.get_absolute_url()))
    _, data = json_ld(head)
    url = "http://testserver" + story.get_absolute_url()
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Rivers rise after storm"
    assert data["description"] == "Flood warnings for three towns."
    assert data["datePublished"] == machine_time(story.published_at)
    assert data["dateModified"] == machine_time(story.updated_at)
    assert data["author"] == {"@type": "Person", "name": "Ada Writer"}
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "logo": {"@type": "ImageObject", "url": "http://testserver/static/img/publisher-logo.png"},
    }
    assert data["articleSection"] == "World"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    # No lead image yet: the site's default picture, so the story still has rich results.
    assert data["image"] == ["http://testserver/static/img/social-default.png"]


def test_the_default_social_image_is_a_setting_and_a_real_file(client, story, settings):
    from django.contrib.staticfiles import finders
    from PIL import Image

    with Image.open(finders.find(settings.DEFAULT_SOCIAL_IMAGE)) as image:
        assert image.size[0] >= 1200
    settings.DEFAULT_SOCIAL_IMAGE = "https://cdn.example.com/card.png"
    head = head_of(client.get(story.get_absolute_url()))
    assert head.meta["og:image"] == "https://cdn.example.com/card.png"
    assert json_ld(head)[1]["image"] == ["https://cdn.example.com/card.png"]


def test_publisher_logo_is_a_real_static_file(client, settings):
    from django.contrib.staticfiles import finders

    assert finders.find(settings.PUBLISHER_LOGO)


def test_lead_image_feeds_open_graph_twitter_and_json_ld(client, story):
    from tests.articles.test_images import image_bytes, post_image, upload
    from tests.factories import make_editor

    log_in_staff(client, make_editor())
    post_image(client, story, upload("photo.jpg", image_bytes()))
    client.logout()
    story.refresh_from_db()
    card = story.social_image()
    assert (card.width, card.height, card.alt) == (1200, 630, "A red square")
    card_url = f"http://testserver{card.url}"
    assert "/renditions/" in card_url and card_url.endswith(".jpg")
    head = head_of(client.get(story.get_absolute_url()))
    assert head.meta["og:image"] == card_url
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:image"] == card_url
    # Rich results: the three shapes Google asks for, each 1200 px wide.
    stem = Path(story.image.name).stem
    assert json_ld(head)[1]["image"] == [
        f"http://testserver/media/articles/renditions/{stem}/{shape}-f50-50.jpg"
        for shape in ("16x9", "4x3", "1x1")
    ]
    # The card the tags point at exists: made once when the editor saved the image.
    from django.core.files.storage import default_storage

    assert default_storage.exists(card.url.removeprefix(default_storage.base_url))


def test_a_story_without_standfirst_is_described_by_its_opening(client):
    demo_load(with_users=False)
    response = client.get("/2024/06/23/japan-indonesia-automotive-cooperation/")
    head = head_of(response)
    assert head.meta["description"].startswith("Indonesia's Industry Minister Agus Gumiwang")
    assert json_ld(head)[1]["description"] == head.meta["description"]


def test_script_in_a_title_stays_inert_in_title_meta_and_json_ld(client):
    story = make_article(title=XSS_TITLE, standfirst=XSS_TITLE, byline=XSS_TITLE)
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    # The only script elements are the JSON-LD block and the comment form's own script:
    # nothing the title opened or closed.
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert html.count(STAMP_SCRIPT) == 1
    assert "alert(1)</script>" not in html
    head = head_of(response)
    assert head.title == f"{XSS_TITLE} · Newsroom"  # shown as text, not parsed as markup
    assert head.meta["og:title"] == XSS_TITLE and head.meta["description"] == XSS_TITLE
    block, data = json_ld(head)
    assert data["headline"] == XSS_TITLE and data["author"]["name"] == XSS_TITLE
    assert "\\u003C/script\\u003E" in block["text"]


def test_json_ld_needs_no_nonce_so_every_reader_gets_the_same_bytes(client, settings, story):
    settings.PAGE_CACHE_SECONDS = 0  # two renderings, not one stored copy
    with time_machine.travel(timezone.now(), tick=False):  # the comment form's time stamp
        first, second = (client.get(story.get_absolute_url()) for _ in range(2))
    block, _ = json_ld(head_of(first))
    assert "nonce" not in block["attrs"]
    # Scripts only from this site, and no inline script at all (JSON-LD is data, not run).
    assert "script-src 'self';" in first["Content-Security-Policy"] + ";"
    assert "nonce" not in first["Content-Security-Policy"]
    assert first.content.count(b"<script") == 2  # JSON-LD, and one file from this site
    assert first.content.count(STAMP_SCRIPT.encode()) == 1
    assert first.content == second.content


def test_site_url_makes_canonical_and_json_ld_absolute_on_the_public_host(client, settings, story):
    settings.SITE_URL = "https://news.example.com"
    head = head_of(client.get(story.get_absolute_url()))
    url = "https://news.example.com" + story.get_absolute_url()
    assert canonical(head) == [url] and head.meta["og:url"] == url
    data = json_ld(head)[1]
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["publisher"]["logo"]["url"].startswith("https://news.example.com/static/")


def test_home_and_section_pages_carry_canonical_and_open_graph(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    category = make_category("Sport", slug="sport", description="Results and transfers.")
    for _ in range(3):
        make_article(category=category)
    home = head_of(client.get("/"))
    assert canonical(home) == ["http://testserver/"]
    assert home.meta["og:type"] == "website" and home.meta["og:url"] == "http://testserver/"
    assert home.meta["og:site_name"] == "Newsroom" and home.meta["og:title"] == "Newsroom"
    second = head_of(client.get("/?page=2"))
    assert canonical(second) == ["http://testserver/?page=2"]
    section = head_of(client.get(category.get_absolute_url()))
    assert canonical(section) == ["http://testserver/category/sport/"]
    assert section.meta["og:title"] == "Sport"
    assert section.meta["og:description"] == "Results and transfers."
    assert section.meta["og:url"] == "http://testserver/category/sport/"


def test_canonical_ignores_tracking_parameters(client):
    make_article()
    head = head_of(client.get("/?utm_source=newsletter"))
    assert canonical(head) == ["http://testserver/"]


def test_unpublished_story_pages_have_no_metadata_to_leak(client):
    draft = make_article(status="draft", title="Secret plan")
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Secret plan" not in unescape(response.content.decode())
    assert not re.search(r"ld\+json", response.content.decode())


def test_a_description_from_the_body_is_escaped_exactly_once(client):
    import xml.etree.ElementTree as ET

    from django.urls import reverse

    story = make_article(standfirst="", body="Tom & Jerry <it's> here.")
    response = client.get(story.get_absolute_url())
    page = response.content.decode()
    assert '<meta name="description" content="Tom &amp; Jerry &lt;it&#x27;s&gt; here.">' in page
    assert json_ld(head_of(response))[1]["description"] == "Tom & Jerry <it's> here."
    feed = ET.fromstring(client.get(reverse("articles:feed")).content)
    # RSS descriptions are HTML: one escape, which a reader turns back into the text.
    assert feed.find("channel/item/description").text == "Tom &amp; Jerry &lt;it&#x27;s&gt; here."
