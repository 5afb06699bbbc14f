"""RSS and Atom feeds: valid for feedparser, absolute links, only published stories."""

from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.seo import modified_at
from tests.conftest import log_in_staff
from tests.factories import make_article, make_category, make_hidden_stories, make_user

pytestmark = pytest.mark.django_db

SITE_FEEDS = ["articles:feed", "articles:feed_atom"]
CATEGORY_FEEDS = ["articles:category_feed", "articles:category_feed_atom"]


def feed_urls(category):
    return [reverse(name) for name in SITE_FEEDS] + [
        reverse(name, kwargs={"slug": category.slug}) for name in CATEGORY_FEEDS
    ]


def parse(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


def test_every_feed_parses_cleanly_with_absolute_links_and_dates(client):
    category = make_category("World", slug="world")
    author = make_user(first_name="Ada", last_name="Writer")
    story = make_article(
        category=category,
        author=author,
        title="Floods & <rain> in the valley",
        published_at=timezone.now() - timedelta(days=2),
        standfirst="Rivers rose overnight.",
        body="**Bold** first paragraph.",
    )
    for url in feed_urls(category):
        response, parsed = parse(client, url)
        assert parsed.version in ("rss20", "atom10")
        [entry] = parsed.entries
        assert entry.title == "Floods & <rain> in the valley"
        assert entry.link == "http://testserver" + story.get_absolute_url()
        assert entry.published_parsed[:6] == story.published_at.utctimetuple()[:6]
        assert entry.updated_parsed[:6] == modified_at(story).utctimetuple()[:6]
        assert entry.summary == "Rivers rose overnight."
        assert "<strong>Bold</strong> first paragraph." in entry.content[0].value
        assert entry.author == "Ada Writer"
        assert [tag.term for tag in entry.tags] == ["World"]
        assert "Last-Modified" in response


def test_feed_links_are_absolute_for_the_channel_too(client):
    category = make_category(slug="sport")
    make_article(category=category)
    _, rss = parse(client, reverse("articles:category_feed", kwargs={"slug": "sport"}))
    assert rss.feed.link == "http://testserver/category/sport/"
    _, atom = parse(client, reverse("articles:feed_atom"))
    self_links = [link.href for link in atom.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/feed/atom/"]


def test_site_url_setting_makes_every_link_absolute_on_the_public_host(client, settings):
    settings.SITE_URL = "https://news.example.com"
    category = make_category(slug="politics")
    story = make_article(category=category)
    for url in feed_urls(category):
        _, parsed = parse(client, url)
        assert parsed.entries[0].link == "https://news.example.com" + story.get_absolute_url()


def test_behind_a_proxy_links_use_the_site_address_not_forwarded_headers(client, settings):
    settings.SITE_URL = "https://news.example.com"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = ["news.example.org"]
    story = make_article()
    headers = {"HTTP_X_FORWARDED_PROTO": "http", "HTTP_X_FORWARDED_HOST": "news.example.org"}
    _, parsed = parse(client, reverse("articles:feed"), **headers)
    assert parsed.entries[0].link == "https://news.example.com" + story.get_absolute_url()


def test_drafts_and_scheduled_stories_never_appear_in_feeds(client):
    category = make_category()
    make_article(category=category, title="Public story")
    make_hidden_stories(category)
    for url in feed_urls(category):
        _, parsed = parse(client, url)
        assert [entry.title for entry in parsed.entries] == ["Public story"], url


def test_feeds_hold_the_latest_thirty_newest_first(client):
    category = make_category()
    now = timezone.now()
    for i in range(33):
        when = now - timedelta(hours=i)
        make_article(category=category, title=f"Story {i:02d}", published_at=when)
    for url in feed_urls(category):
        _, parsed = parse(client, url)
        titles = [entry.title for entry in parsed.entries]
        assert titles == [f"Story {i:02d}" for i in range(30)], url


def test_category_feed_holds_only_its_section_and_unknown_section_is_404(client):
    sport, business = make_category(slug="sport"), make_category(slug="business")
    make_article(category=sport, title="Match report")
    make_article(category=business, title="Market report")
    _, parsed = parse(client, reverse("articles:category_feed", kwargs={"slug": "sport"}))
    assert [entry.title for entry in parsed.entries] == ["Match report"]
    assert client.get("/category/nothing/feed/").status_code == 404
    assert client.get("/category/nothing/feed/atom/").status_code == 404


def test_body_is_sanitised_in_feed_content(client):
    make_article(body='Hello <script>alert(1)</script><img src=x onerror="alert(2)">')
    for name in SITE_FEEDS:
        response = client.get(reverse(name))
        assert b"<script" not in response.content and b"&lt;script" not in response.content
        assert b"onerror" not in response.content


def test_control_characters_in_a_story_do_not_break_the_feed(client):
    make_article(title="Vertical\x0btab", standfirst="Form\x0cfeed", body="Bell\x07 body")
    for name in SITE_FEEDS:
        _, parsed = parse(client, reverse(name))
        assert parsed.entries[0].title == "Verticaltab"


def test_rss_is_well_formed_rss_2_with_content_module(client):
    make_article(standfirst="Lead.")
    root = ElementTree.fromstring(client.get(reverse("articles:feed")).content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    item = root.find("channel/item")
    for child in ("title", "link", "description", "pubDate", "guid", "category"):
        assert item.find(child) is not None, child
    assert item.find("{http://purl.org/rss/1.0/modules/content/}encoded") is not None
    # RSS's <author> must be an e-mail address: journalists' addresses are never published.
    assert item.find("author") is None


def test_atom_has_feed_author_and_entry_content(client):
    make_article()  # no byline: the feed-level author covers it, as Atom requires
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ElementTree.fromstring(client.get(reverse("articles:feed_atom")).content)
    assert root.find("a:author/a:name", ns).text == "Newsroom"
    entry = root.find("a:entry", ns)
    assert entry.find("a:content", ns).get("type") == "html"
    assert entry.find("a:published", ns) is not None and entry.find("a:updated", ns) is not None


def test_lead_image_becomes_an_enclosure_when_there_is_one(client):
    from tests.articles.test_images import image_bytes, post_image, upload
    from tests.factories import make_editor

    story = make_article()
    for _, parsed in [parse(client, reverse(name)) for name in SITE_FEEDS]:
        assert parsed.entries[0].get("enclosures", []) == []
    log_in_staff(client, make_editor())
    post_image(client, story, upload("photo.png", image_bytes("PNG"), "image/png"))
    client.logout()
    story.refresh_from_db()
    card_url = f"http://testserver{story.social_image().url}"
    for name in SITE_FEEDS:
        _, parsed = parse(client, reverse(name))  # parse() asserts there is no bozo
        [enclosure] = parsed.entries[0].enclosures
        assert enclosure.href == card_url
        assert enclosure.type == "image/jpeg"  # the social card is always a JPEG


@pytest.mark.parametrize("stories", [1, 30])
@pytest.mark.parametrize("name", SITE_FEEDS)
def test_site_feed_query_count_is_fixed(client, django_assert_num_queries, stories, name):
    category, author = make_category(), make_user()
    for _ in range(stories):
        make_article(category=category, author=author)
    with django_assert_num_queries(1):  # the 30 stories with category and author joined
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("stories", [1, 30])
@pytest.mark.parametrize("name", CATEGORY_FEEDS)
def test_category_feed_query_count_is_fixed(client, django_assert_num_queries, stories, name):
    category, author = make_category(), make_user()
    for _ in range(stories):
        make_article(category=category, author=author)
    with django_assert_num_queries(2):  # the section + its 30 stories, joined
        response = client.get(reverse(name, kwargs={"slug": category.slug}))
    assert response.status_code == 200


def test_home_and_category_pages_advertise_their_feeds(client):
    category = make_category(slug="tech")
    make_article(category=category)
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="http://testserver/feed/"' in home
    assert 'href="http://testserver/feed/atom/"' in home
    page = client.get(category.get_absolute_url()).content.decode()
    assert 'href="http://testserver/category/tech/feed/"' in page
    assert 'href="http://testserver/category/tech/feed/atom/"' in page


def test_a_story_without_standfirst_is_summarised_by_its_opening(client):
    make_article(standfirst="", body="Opening words of the story.\n\nMore.")
    for name in SITE_FEEDS:
        _, parsed = parse(client, reverse(name))
        assert parsed.entries[0].summary.startswith("Opening words of the story.")


def story_with_picture(**fields):
    """A story saved through the desk's service with a lead image: its renditions made."""
    from django.core.files.storage import default_storage

    from articles import services
    from tests.factories import make_editor, make_image_upload

    story = make_article(**fields)
    story.image = make_image_upload()
    story.image_alt = "A red square"
    services.article_save(article=story, by=make_editor())
    story.refresh_from_db()
    card = story.social_image()
    return story, default_storage.size(card.url.removeprefix("/media/"))


def test_an_enclosure_says_the_size_of_its_file(client):
    _, size = story_with_picture()
    assert size > 0
    for name in SITE_FEEDS:
        _, parsed = parse(client, reverse(name))
        [enclosure] = parsed.entries[0].enclosures
        assert int(enclosure.length) == size, name


def test_make_renditions_records_the_size_of_older_rows(client):
    """Rows from before the size was kept (or an import) get it from `make_renditions`."""
    from django.core.management import call_command

    story, size = story_with_picture()
    Article.objects.filter(pk=story.pk).update(image_social_bytes=None)
    call_command("make_renditions", stdout=StringIO())
    assert Article.objects.get(pk=story.pk).image_social_bytes == size


class _Addresses(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src"):
                self.found.append(value)
            elif name == "srcset":
                self.found += [candidate.split()[0] for candidate in value.split(",")]


def content_addresses(html_text: str) -> list[str]:
    """Every address in the content's tags, as a reader parses them (text is not searched)."""
    parser = _Addresses()
    parser.feed(html_text)
    return parser.found


def test_every_address_in_feed_content_is_absolute(client):
    """The W3C validator's warning: relative URLs in content:encoded (and Atom's content)."""
    body = (
        "See [the earlier story](/2024/01/02/earlier/) and [its notes](#notes), "
        "[a sibling](../sibling/?a=1&b=2), [elsewhere](https://example.org/x) and "
        "[mail](mailto:desk@example.org).\n\n"
        "![A chart](/media/articles/body/chart-800x600.png)\n\n"
        '`<a href="/not-a-link/">` stays as it was written.'
    )
    story = make_article(body=body, slug="absolute")
    author = {"slug": authors_page(story).slug}
    urls = [reverse(name) for name in SITE_FEEDS] + [
        reverse(name, kwargs={"slug": story.category.slug}) for name in CATEGORY_FEEDS
    ]
    urls += [
        reverse(n, kwargs=author) for n in ("articles:author_feed", "articles:author_feed_atom")
    ]
    for url in urls:
        _, parsed = parse(client, url)
        content = parsed.entries[0].content[0].value
        addresses = content_addresses(content)
        assert len(addresses) >= 5, (url, content)
        for address in addresses:
            assert address.startswith(("http://testserver/", "https://", "mailto:")), address
        page = "http://testserver" + story.get_absolute_url()
        assert f"{page}#notes" in addresses
        assert "http://testserver/2024/01/02/earlier/" in addresses
        assert page.rsplit("/", 2)[0] + "/sibling/?a=1&b=2" in addresses
        assert 'href="/not-a-link/"' in content  # a code sample's text is not an address


def authors_page(story):
    from articles import authors

    writer = make_user(first_name="Kim", last_name="Lee")
    Article.objects.filter(pk=story.pk).update(author=writer)
    return authors.author_profile_ensure(user=writer)
