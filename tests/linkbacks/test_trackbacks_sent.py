"""Outgoing trackbacks: discovery, sending, recording, and a round trip through a live server."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from linkbacks.discovery import discover_ping_url
from linkbacks.models import SentLinkback
from linkbacks.outgoing import article_send_trackbacks, parse_targets
from linkbacks.tokens import trackback_token_create
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_category, make_editor, make_user
from tests.http_server import LocalServer

XML_OK = (
    200,
    {"Content-Type": "text/xml"},
    b'<?xml version="1.0" encoding="utf-8"?><response><error>0</error></response>',
)
XML_REFUSED = (
    200,
    {"Content-Type": "text/xml"},
    b"<response><error>1</error><message>Trackbacks are closed.</message></response>",
)


def rdf_page(about, ping):
    return (
        200,
        {"Content-Type": "text/html"},
        f"""<html><body><p>A post</p><!--
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
<rdf:Description rdf:about="{about}" dc:identifier="{about}" dc:title="A post"
    trackback:ping="{ping}" />
</rdf:RDF>--></body></html>""".encode(),
    )


def test_parse_targets_takes_urls_and_optional_tokens():
    text = (
        "https://a.example/post\n\n  http://b.example/p tb_secret \nnot a url\nftp://x/\n"
        "https://a.example/post"
    )
    assert [(t.url, t.token) for t in parse_targets(text)] == [
        ("https://a.example/post", None),
        ("http://b.example/p", "tb_secret"),
    ]


def test_discovery_picks_the_block_describing_the_page():
    page = rdf_page("https://a.example/one/", "https://a.example/one/ping")[2].decode()
    other = rdf_page("https://a.example/two/", "https://a.example/two/ping")[2].decode()
    assert discover_ping_url(page + other, "https://a.example/two") == "https://a.example/two/ping"
    assert discover_ping_url(page, "https://elsewhere.example/") == "https://a.example/one/ping"
    assert discover_ping_url("<html>no rdf</html>", "https://a.example/") is None


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.mark.django_db
def test_ping_is_sent_to_the_discovered_url_and_recorded(server, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    server.routes["/post/"] = rdf_page(server.url("/post/"), server.url("/post/ping"))
    server.routes["/post/ping"] = XML_OK
    article = make_article(
        title="Our story",
        standfirst="What happened.",
        trackback_targets=f"{server.url('/post/')} tb_abc",
    )
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.ping_url, ping.attempts) == ("sent", server.url("/post/ping"), 1)
    method, path, headers, payload = server.requests[-1]
    assert (method, path) == ("POST", "/post/ping")
    assert headers["Authorization"] == "Bearer tb_abc"
    assert headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert urlencode({"url": article.permalink}).encode() in payload
    assert b"title=Our+story" in payload
    # Accepted once: publishing again does not ping again.
    assert article_send_trackbacks(article=article) == []


@pytest.mark.django_db
def test_refusals_and_failures_are_recorded_with_their_message(server, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    server.routes["/closed/ping"] = XML_REFUSED
    with LocalServer() as dead:
        dead_url = dead.url("/gone/")
    article = make_article(trackback_targets=f"{server.url('/closed/ping')}\n{dead_url}")
    refused, unreachable = article_send_trackbacks(article=article)
    assert (refused.status, refused.message) == ("refused", "Trackbacks are closed.")
    assert unreachable.status == "unreachable" and "Could not fetch" in unreachable.message


@pytest.mark.django_db
def test_unpublished_story_sends_nothing(server, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    draft = make_article(status=Article.Status.DRAFT, trackback_targets=server.url("/p"))
    assert article_send_trackbacks(article=draft) == []
    assert server.requests == []


@pytest.mark.django_db
def test_dead_remote_site_never_fails_the_publish(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    with LocalServer() as dead:
        dead_url = dead.url("/post/")
    category = make_category()
    add_page = admin_client.get(reverse("admin:articles_article_add"))
    data = form_data(
        add_page,
        title="Published anyway",
        slug="published-anyway",
        category=category.pk,
        body="Text.",
        trackback_targets=dead_url,
        _publish="Save and publish now",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="published-anyway")
    assert article.is_public
    assert SentLinkback.objects.get(article=article).status == "unreachable"


@pytest.mark.django_db(transaction=True)
def test_publishing_pings_another_story_through_a_live_server(live_server, client, settings):
    """Story A links to story B; an editor publishes A with "send trackbacks to" = B's page."""
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    settings.SITE_URL = live_server.url
    category = make_category()
    story_b = make_article(category=category, title="Story B", slug="story-b")
    b_permalink = live_server.url + story_b.get_absolute_url()
    blogger = make_user("partner", email="partner@example.com")
    _, token = trackback_token_create(user=blogger, name="Newsroom")
    editor = make_editor("editor")  # the roles, made anew: a flushed database has none
    log_in_staff(client, editor)

    add_page = client.get(reverse("admin:articles_article_add"))
    data = form_data(
        add_page,
        title="Story A",
        slug="story-a",
        category=category.pk,
        standfirst="A follows up on B.",
        body=f"As [we reported]({b_permalink}), things moved on.",
        trackback_targets=f"{b_permalink} {token}",
        _publish="Save and publish now",
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    story_a = Article.objects.get(slug="story-a")
    sent = SentLinkback.objects.get(article=story_a)
    assert (sent.status, sent.message) == ("sent", "")
    assert sent.ping_url == live_server.url + reverse(
        "linkbacks:trackback", kwargs=story_b.url_kwargs()
    )
    trackback = Comment.objects.get(article=story_b, kind="trackback")
    assert trackback.url == live_server.url + story_a.get_absolute_url()
    assert (trackback.user, trackback.verification, trackback.status) == (
        blogger,
        "linked",
        "approved",
    )
    page = client.get(story_b.get_absolute_url()).content.decode()
    assert "1 Trackback(s)" in page and "Story A" in page
    assert timezone.now() >= trackback.verified_at


@pytest.mark.django_db
def test_a_partner_token_never_goes_to_another_host(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    with LocalServer() as partner, LocalServer() as thief:
        # The partner's page names a ping URL on another host; the partner's ping URL
        # redirects to another host too. Neither may receive the token.
        partner.routes["/story/"] = (
            200,
            {},
            f'<rdf:RDF><rdf:Description rdf:about="'
            f'{partner.url("/story/")}" trackback:ping="'
            f'{thief.url("/collect")}" /></rdf:RDF>'.encode(),
        )
        partner.routes["/ping"] = (307, {"Location": thief.url("/steal")}, b"")
        thief.routes["/collect"] = thief.routes["/steal"] = (
            200,
            {},
            b"<response><error>0</error></response>",
        )
        article = make_article(
            trackback_targets=f"{partner.url('/story/')} tb_SECRET\n"
            f"{partner.url('/ping')} tb_SECRET"
        )
        article_send_trackbacks(article=article)
        received = [headers for _, _, headers, _ in thief.requests]
        own = [h for method, path, h, _ in partner.requests if (method, path) == ("POST", "/ping")]
    assert received and all("Authorization" not in headers for headers in received)
    assert own and own[0]["Authorization"] == "Bearer tb_SECRET"  # its own site gets it
    assert SentLinkback.objects.count() == 2
