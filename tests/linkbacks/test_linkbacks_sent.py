"""A story tells every page it names or links to, by the protocol each page offers: round trips
to local receivers of each kind (WordPress-like Pingback, Webmention, Movable Type TrackBack)."""

import xmlrpc.client
from urllib.parse import parse_qs

import pytest

from linkbacks.models import SentLinkback
from linkbacks.outgoing import article_send_trackbacks, article_targets
from tests.factories import make_article
from tests.http_server import LocalServer
from tests.linkbacks.pages import route

pytestmark = pytest.mark.django_db

WP_PATH = "/2024/05/01/harbour-reopens/"
XML_OK = (200, {"Content-Type": "text/xml"}, b"<response><error>0</error></response>")


def xmlrpc_answer(value=None, fault=None):
    if fault:
        body = xmlrpc.client.dumps(xmlrpc.client.Fault(*fault))
    else:
        body = xmlrpc.client.dumps((value,), methodresponse=True)
    return 200, {"Content-Type": "text/xml; charset=UTF-8"}, body.encode()


@pytest.fixture(autouse=True)
def _local_targets(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True


@pytest.fixture
def site():
    with LocalServer() as running:
        running.origin = running.url("")
        yield running


def posts(server, path=None):
    return [r for r in server.requests if r[0] == "POST" and (path is None or r[1] == path)]


def test_a_wordpress_post_gets_a_pingback_at_its_xmlrpc(site):
    site.routes[WP_PATH] = route("wordpress6_post", site.origin)
    site.routes["/xmlrpc.php"] = xmlrpc_answer("Pingback from our story registered.")
    target = site.url(WP_PATH)
    article = make_article(title="Our story", trackback_targets=target)
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.protocol) == ("sent", "pingback")
    assert ping.ping_url == site.url("/xmlrpc.php")
    assert ping.message == "Pingback from our story registered."
    [(_, _, headers, payload)] = posts(site)
    assert headers["Content-Type"] == "text/xml"
    assert xmlrpc.client.loads(payload) == ((article.permalink, target), "pingback.ping")
    assert posts(site, WP_PATH) == []  # never the post page itself


@pytest.mark.parametrize(
    ("fault", "status"),
    [
        ((0x0010, "The source URL does not exist."), "refused"),
        ((0x0030, "The pingback has already been registered."), "sent"),
        ((0x0021, "The specified target URL cannot be used as a target."), "refused"),
        # WordPress 6.1.9's answer to a second ping within 15 s (recorded from a real one).
        ((429, "You are posting comments too quickly. Slow down."), "unreachable"),
    ],
)
def test_pingback_faults_are_read_by_their_code(site, fault, status):
    site.routes[WP_PATH] = route("wordpress6_post", site.origin)
    site.routes["/xmlrpc.php"] = xmlrpc_answer(fault=fault)
    article = make_article(body=f"[A post]({site.url(WP_PATH)})")  # linked, not named
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.message) == (status, f"fault {fault[0]}: {fault[1]}")
    assert len(posts(site)) == 1


def test_a_wordpress_post_named_but_not_linked_gets_a_trackback_after_its_pingback_fault(site):
    """WordPress takes a pingback only from a page linking to its post, and says no with fault 0
    and no message (WordPress 6.1.9's exact answer: it hides every fault but 48); its TrackBack
    does not check. A named post is told by TrackBack then; a merely linked one is left."""
    site.routes[WP_PATH] = route("wordpress6_post", site.origin)
    site.routes["/xmlrpc.php"] = xmlrpc_answer(fault=(0, ""))
    site.routes[f"{WP_PATH}trackback/"] = XML_OK
    named = make_article(trackback_targets=site.url(WP_PATH))
    [ping] = article_send_trackbacks(article=named)
    assert (ping.status, ping.protocol) == ("sent", "trackback")
    assert ping.ping_url == site.url(f"{WP_PATH}trackback/")
    assert ping.message == "Pingback refused (fault 0: ); by TrackBack: ok"
    assert [path for _, path, _, _ in posts(site)] == ["/xmlrpc.php", f"{WP_PATH}trackback/"]
    site.requests.clear()
    linked = make_article(body=f"[A post]({site.url(WP_PATH)})")
    [ping] = article_send_trackbacks(article=linked)
    assert (ping.status, ping.protocol, ping.message) == ("refused", "pingback", "fault 0: ")
    assert [path for _, path, _, _ in posts(site)] == ["/xmlrpc.php"]


def test_another_port_of_our_own_host_is_another_site(site, settings):
    site.routes["/notes/1"] = route("webmention_a", site.origin)
    site.routes["/notes/endpoint/a"] = (202, {}, b"")
    settings.SITE_URL = site.url("").rstrip("/").rsplit(":", 1)[0] + ":1"
    own = f"{settings.SITE_URL}/2020/01/01/older-story/"
    article = make_article(body=f"[There]({site.url('/notes/1')}) and [here]({own}).")
    assert [t.url for t in article_targets(article)] == [site.url("/notes/1")]


def test_wordpress_without_pingback_gets_a_trackback_at_permalink_trackback(site):
    site.routes[WP_PATH] = route("wordpress6_pingback_off", site.origin)
    site.routes[f"{WP_PATH}trackback/"] = XML_OK
    article = make_article(trackback_targets=site.url(WP_PATH))
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.protocol) == ("sent", "trackback")
    assert ping.ping_url == site.url(f"{WP_PATH}trackback/")
    [(_, _, _, payload)] = posts(site)
    assert parse_qs(payload.decode())["url"] == [article.permalink]


def test_a_movable_type_entry_gets_a_trackback_at_its_rdf_ping_url(site):
    site.routes["/2024/05/harbour-reopens.html"] = route("movabletype_entry", site.origin)
    site.routes["/cgi-bin/mt/mt-tb.cgi/123"] = XML_OK
    article = make_article(trackback_targets=site.url("/2024/05/harbour-reopens.html"))
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.protocol) == ("sent", "trackback")
    assert ping.ping_url == site.url("/cgi-bin/mt/mt-tb.cgi/123")


def test_a_webmention_receiver_linked_from_the_body_gets_a_webmention(site):
    site.routes["/notes/1"] = route("webmention_header", site.origin)
    site.routes["/endpoint/header?version=1"] = (202, {"Content-Type": "text/plain"}, b"Queued")
    target = site.url("/notes/1")
    article = make_article(body=f"As [a blogger noted]({target}), it rained.")
    assert [t.url for t in article_targets(article)] == [target]
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.protocol, ping.message) == ("sent", "webmention", "HTTP 202: Queued")
    [(_, path, headers, payload)] = posts(site)
    assert path == "/endpoint/header?version=1"
    assert parse_qs(payload.decode()) == {"source": [article.permalink], "target": [target]}
    assert "Authorization" not in headers


def test_body_links_are_told_only_when_the_editor_leaves_it_on(site, settings):
    site.routes["/notes/1"] = route("webmention_link", site.origin)
    site.routes["/endpoint/link"] = (201, {"Location": "/status/1"}, b"")
    own = f"{settings.SITE_URL}/2020/01/01/older-story/"
    article = make_article(
        body=f"See [this]({site.url('/notes/1')}) and [our own story]({own}).",
        notify_linked_pages=False,
    )
    assert article_send_trackbacks(article=article) == []
    assert site.requests == []
    article.notify_linked_pages = True
    article.save()
    # Our own site's pages are never told; the other site's page is, once.
    assert [p.target_url for p in article_send_trackbacks(article=article)] == [
        site.url("/notes/1")
    ]
    assert article_send_trackbacks(article=article) == []
    assert len(posts(site)) == 1


def test_a_linked_page_that_offers_nothing_is_recorded_and_left_alone(site):
    site.routes["/plain"] = route("nothing", site.origin)
    article = make_article(body=f"[A page]({site.url('/plain')}).")
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.get_status_display()) == ("none", "The page takes no linkbacks")
    assert posts(site) == []
    assert article_send_trackbacks(article=article) == []


def test_wordpress_too_quickly_is_temporary_not_refused(site):
    """WordPress's answer to a second ping within 15 s: 429 and a TrackBack error message."""
    site.routes[WP_PATH] = route("wordpress6_pingback_off", site.origin)
    site.routes[f"{WP_PATH}trackback/"] = (
        429,
        {"Content-Type": "text/xml; charset=UTF-8", "Retry-After": "15"},
        b'<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>1</error>\n'
        b"<message>You are posting comments too quickly. Slow down.</message>\n</response>\n",
    )
    article = make_article(trackback_targets=site.url(WP_PATH))
    [ping] = article_send_trackbacks(article=article)
    assert ping.status == SentLinkback.Status.UNREACHABLE
    assert ping.message == "HTTP 429: You are posting comments too quickly. Slow down."
    assert 10 <= (ping.next_attempt_at - ping.last_attempt_at).total_seconds() <= 15
    # Not due yet: nothing is sent before the time the site asked for.
    assert article_send_trackbacks(article=article) == []
    assert len(posts(site)) == 1


def test_a_403_is_a_final_refusal(site):
    site.routes["/ping"] = (403, {"Content-Type": "text/html"}, b"<h1>Forbidden</h1>")
    article = make_article(trackback_targets=site.url("/ping"))
    [ping] = article_send_trackbacks(article=article)
    assert (ping.status, ping.message) == ("refused", "HTTP 403")
    assert article_send_trackbacks(article=article) == []


def test_publishing_a_story_with_only_body_links_tells_them(
    site, django_capture_on_commit_callbacks
):
    from articles import services
    from tests.factories import make_editor

    site.routes["/notes/1"] = route("webmention_link", site.origin)
    site.routes["/endpoint/link"] = (202, {}, b"")
    article = make_article(status="draft", body=f"As [noted]({site.url('/notes/1')}).")
    with django_capture_on_commit_callbacks(execute=True):  # the worker's part, on the spot
        services.article_publish(article=article, by=make_editor("desk"))
    ping = SentLinkback.objects.get(article=article)
    assert (ping.status, ping.protocol) == ("sent", "webmention")
