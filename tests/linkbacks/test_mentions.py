"""Webmention and Pingback received over real HTTP (the live server), authenticated the newsroom
way: only from a site its owner registered and proved is theirs, then stored, checked and shown
as that user's trackback; from anywhere else refused in the protocol's own words, nothing kept."""

import urllib.error
import urllib.request
import xmlrpc.client
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from comments.models import Comment
from linkbacks.models import VerifiedSite
from tests.conftest import reauthenticated
from tests.factories import make_article, make_user
from tests.http_server import LocalServer

pytestmark = pytest.mark.django_db(transaction=True)


def page(title, links=(), head=""):
    anchors = "".join(f'<p><a href="{href}">a link</a></p>' for href in links)
    body = f"<html><head><title>{title}</title>{head}</head><body>{anchors}</body></html>"
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def webmention(live_server, article, source, target=None):
    url = live_server.url + reverse("linkbacks:webmention", kwargs=article.url_kwargs())
    data = urlencode({"source": source, "target": target or permalink(live_server, article)})
    request = urllib.request.Request(url, data=data.encode(), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def pingback(live_server, article, source, target=None):
    url = live_server.url + reverse("linkbacks:pingback", kwargs=article.url_kwargs())
    proxy = xmlrpc.client.ServerProxy(url)
    return proxy.pingback.ping(source, target or permalink(live_server, article))


def permalink(live_server, article):
    return live_server.url + article.get_absolute_url()


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
        return response.headers, response.read().decode()


@pytest.fixture
def newsroom(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    return live_server


@pytest.fixture
def blog():
    """The blogger's own site, on this machine."""
    with LocalServer() as running:
        running.origin = running.url("").rstrip("/")
        yield running


def register_and_prove(client, user, origin, site_server, *, how="meta"):
    reauthenticated(client, user)
    client.post(reverse("linkbacks:sites"), {"site": origin + "/any/page"})
    site = VerifiedSite.objects.get(user=user, origin=origin)
    if how == "meta":
        meta = f'<meta name="newsroom-site-verification" content="{site.code}">'
        site_server.routes["/"] = page("My blog", head=meta)
    elif how == "file":
        site_server.routes["/.well-known/newsroom-site-verification.txt"] = (
            200,
            {"Content-Type": "text/plain"},
            f"{site.code}\n".encode(),
        )
    client.post(reverse("linkbacks:sites"), {"check": site.pk})  # the worker checks (on the spot)
    site.refresh_from_db()
    return site


def test_mentions_from_a_verified_site_are_stored_checked_and_shown(newsroom, blog, client):
    story = make_article(title="Harbour reopens", slug="harbour-reopens")
    blogger = make_user("blogger", email="blogger@example.com")
    site = register_and_prove(client, blogger, blog.origin, blog)
    assert site.is_verified and "meta" in site.check_note

    link = permalink(newsroom, story)
    blog.routes["/2024/05/by-webmention/"] = page("Boats are back &amp; so are we", [link])
    blog.routes["/2024/05/by-pingback/"] = page("The gates opened", [link + "#comments"])
    status, text = webmention(newsroom, story, blog.url("/2024/05/by-webmention/"))
    assert status == 202, text
    answer = pingback(newsroom, story, blog.url("/2024/05/by-pingback/"))
    assert answer.startswith(f"Pingback from {blog.url('/2024/05/by-pingback/')} registered.")

    mentions = Comment.objects.filter(article=story, kind="trackback").order_by("pk")
    assert [(m.user, m.verification, m.status) for m in mentions] == [
        (blogger, "linked", "approved"),
        (blogger, "linked", "approved"),
    ]
    assert [m.title for m in mentions] == ["Boats are back & so are we", "The gates opened"]
    headers, html = get(link)
    # What a sender discovers there: this very endpoint.
    assert (
        f"{newsroom.url}{reverse('linkbacks:webmention', kwargs=story.url_kwargs())}"
        in (headers["Link"])
    )
    assert "2 Trackback(s)" in html
    assert "Boats are back &amp; so are we" in html and "The gates opened" in html

    # The same source again: refused, as for trackbacks.
    assert webmention(newsroom, story, blog.url("/2024/05/by-webmention/"))[0] == 400
    with pytest.raises(xmlrpc.client.Fault) as repeat:
        pingback(newsroom, story, blog.url("/2024/05/by-pingback/"))
    assert repeat.value.faultCode == 0x0030
    assert mentions.count() == 2


def test_mentions_from_an_unverified_or_unknown_site_are_refused_and_nothing_kept(
    newsroom, blog, client
):
    story = make_article()
    blogger = make_user("blogger")
    # Registered, but the home page carries someone else's code: not proved.
    blog.routes["/"] = page("My blog", head='<meta name="newsroom-site-verification" content="x">')
    site = register_and_prove(client, blogger, blog.origin, blog, how="none")
    assert not site.is_verified and "no matching code" in site.check_note
    link = permalink(newsroom, story)
    blog.routes["/post/"] = page("A post", [link])
    with LocalServer() as stranger:
        stranger.routes["/post/"] = page("A post", [link])
        for source in (blog.url("/post/"), stranger.url("/post/")):
            status, text = webmention(newsroom, story, source)
            assert status == 400
            assert "site is not registered here" in text and "/accounts/#sites" in text
            with pytest.raises(xmlrpc.client.Fault) as refused:
                pingback(newsroom, story, source)
            assert refused.value.faultCode == 0x0031
            assert "site is not registered here" in refused.value.faultString
    assert not Comment.objects.exists()
    # Nothing was fetched from the senders' pages either.
    assert not [r for r in blog.requests if r[1] == "/post/"]


def test_a_site_proved_by_its_well_known_file(newsroom, blog, client):
    site = register_and_prove(client, make_user("owner"), blog.origin, blog, how="file")
    assert site.is_verified and ".well-known" in site.check_note
    page_html = client.get(reverse("accounts:home")).content.decode()
    assert blog.origin in page_html and "verified" in page_html


def test_a_mention_whose_source_redirects_off_the_verified_site_proves_nothing(
    newsroom, blog, client
):
    """Review: the verified site vouches for its own pages only. A redirect on it (an open
    redirect, a shortener) to another site that links to the story must not make that other
    page an approved trackback in the owner's name."""
    story = make_article()
    blogger = make_user("blogger")
    assert register_and_prove(client, blogger, blog.origin, blog).is_verified
    link = permalink(newsroom, story)
    with LocalServer() as stranger:  # another port: another site
        stranger.routes["/spam/"] = page("Buy cheap pills", [link])
        blog.routes["/go"] = (302, {"Location": stranger.url("/spam/")}, b"")
        blog.routes["/ours/"] = (302, {"Location": "/2024/ours/"}, b"")  # on the site: fine
        blog.routes["/2024/ours/"] = page("Our own post", [link])
        assert webmention(newsroom, story, blog.url("/go"))[0] == 202
        assert webmention(newsroom, story, blog.url("/ours/"))[0] == 202
    offsite = Comment.objects.get(article=story, url=blog.url("/go"))
    assert offsite.status != "approved" and offsite.verification == "no_link"
    assert offsite.title != "Buy cheap pills"
    assert Comment.objects.get(article=story, url=blog.url("/ours/")).status == "approved"
    assert "Buy cheap pills" not in get(link)[1]
