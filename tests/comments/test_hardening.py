"""Hostile input and abuse found in review: each case answered cleanly, nothing leaked."""

import socket
import threading
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from comments.models import Comment, TrackbackToken
from comments.services import (
    comment_post,
    trackback_token_create,
    trackback_token_value,
    trackback_verify,
)
from newsroom import safe_http
from tests.comments.test_trackbacks import answer, body, ping
from tests.factories import comment_form_data, make_article, make_editor, make_trackback, make_user
from tests.http_server import LocalServer

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def token():
    return trackback_token_create(user=make_user("blogger", email="b@example.com"))[1]


@pytest.fixture
def ping_url(article):
    return reverse("comments:trackback", kwargs=article.url_kwargs())


@pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "zlib", "bz2", "uu", "quopri"])
def test_codecs_that_are_not_text_charsets_are_refused(client, ping_url, token, charset):
    data = body().encode()
    response = ping(client, ping_url, data, token, content_type=f"{FORM}; charset={charset}")
    assert response.status_code == 200 and answer(response)[0] == "1"
    field = ping(client, ping_url, f"charset={charset}&" + body(), token)
    assert field.status_code == 200 and answer(field)[0] == "1"
    anonymous = ping(client, ping_url, data, content_type=f"{FORM}; charset={charset}")
    assert anonymous.status_code == 401
    assert not Comment.objects.exists()


@pytest.mark.parametrize("url", ["http://[", "http://[::1", "https://[zz]/", "http://a:99999/"])
def test_malformed_urls_are_refused_by_rule(client, ping_url, token, url):
    response = ping(client, ping_url, body(url=url), token)
    assert response.status_code == 200
    assert answer(response) == ("1", "The url is not a valid web address.")


@pytest.mark.parametrize("value", ["²", "1" * 5000, "-1", "1e3", "١٢"])
def test_odd_numbers_in_query_and_forms_are_ignored(client, article, value):
    assert client.get(article.get_absolute_url(), {"reply": value}).status_code == 200
    client.force_login(make_user())
    response = client.post(reverse("comments:tokens"), {"revoke": value})
    assert response.status_code == 302


def test_the_same_page_spelled_differently_is_one_trackback(client, ping_url, token):
    assert answer(ping(client, ping_url, body(url="https://blog.example/post"), token))[0] == "0"
    for spelling in [
        "HTTPS://BLOG.EXAMPLE/post",
        "https://blog.example:443/post#x",
        "https://blog.example/post/",
        "https://blog.example/post?",
    ]:
        response = ping(client, ping_url, body(url=spelling), token)
        assert answer(response) == ("1", "A trackback from this URL is already registered.")
    assert Comment.objects.count() == 1


def test_forged_session_pings_do_not_use_up_the_users_own_limit(article, ping_url, settings):
    settings.TRACKBACKS_RATE_LIMIT = 3
    user = make_user()
    _, token = trackback_token_create(user=user)
    victim = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.1")
    victim.force_login(user)
    for _ in range(3):  # what a hostile page makes the victim's browser send: no CSRF token
        assert ping(victim, ping_url, body()).status_code == 403
    honest = Client(REMOTE_ADDR="198.51.100.2")
    assert ping(honest, ping_url, body(), token).status_code == 200


def test_bare_domains_and_addresses_count_as_links(client, article, post_url, settings):
    settings.COMMENTS_MAX_LINKS = 2
    client.post(
        post_url,
        comment_form_data(article, body="Deals: casino.com pills.net loans.org spam@casino.com"),
    )
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_control_characters_in_the_user_agent_are_dropped(client, article, post_url):
    response = client.post(post_url, comment_form_data(article), HTTP_USER_AGENT="evil\x00ua\x07")
    assert response.status_code == 302
    assert Comment.objects.get().user_agent == "evilua"


def test_forged_forwarded_address_is_not_stored(client, article, post_url, settings):
    settings.NUM_PROXIES = 1
    client.post(post_url, comment_form_data(article), HTTP_X_FORWARDED_FOR="not-an-ip")
    assert Comment.objects.get().ip_address is None


def test_close_date_beyond_the_calendar_keeps_comments_open(client, article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3_650_000
    settings.TRACKBACKS_CLOSE_AFTER_DAYS = 3_650_000
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and b'class="form comment-form"' in page.content


@pytest.mark.parametrize(
    "address",
    [
        "::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "::ffff:0:7f00:1",
        "fec0::1",
        "2002:7f00:1::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
)
def test_ipv6_forms_that_embed_private_ipv4_are_refused(settings, address):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    assert not safe_http.address_allowed(address)
    assert safe_http.address_allowed("2606:4700:4700::1111")  # a public address still passes


def test_a_public_address_on_a_non_web_port_is_refused_before_connecting(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    with pytest.raises(safe_http.FetchRefused, match="Port 22 is not allowed"):
        safe_http.fetch("http://93.184.216.34:22/")


class DripServer:
    """Answers one byte of headers every half second: a socket timeout alone never fires."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        conn, _ = self.sock.accept()
        conn.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 200:
            if self.stop.is_set():
                break
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.5)
        conn.close()

    def url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/post"


def test_a_dripping_server_cannot_hold_a_fetch_past_its_deadline(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    settings.TRACKBACK_FETCH_TIMEOUT = 1.0
    server = DripServer()
    started = time.monotonic()
    try:
        with pytest.raises(safe_http.FetchFailed, match="took longer than 1 s"):
            safe_http.fetch(server.url())
    finally:
        server.stop.set()
    assert time.monotonic() - started < 3


def test_non_ascii_source_urls_are_fetched_and_verified(article, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    permalink = "http://testserver" + article.get_absolute_url()
    with LocalServer() as server:
        page = f'<a href="http://[broken">x</a><a href="{permalink}">story</a>'.encode()
        server.routes[quote("/ブログ/記事")] = (200, {"Content-Type": "text/html"}, page)
        trackback = make_trackback(article, server.url("/ブログ/記事"))
        trackback = trackback_verify(trackback=trackback)
    assert (trackback.status, trackback.verification) == ("approved", "linked")


def test_a_partner_token_never_goes_to_another_host(settings):
    from articles.models import TrackbackPing
    from articles.trackbacks import article_send_trackbacks

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
    assert TrackbackPing.objects.count() == 2


def test_verification_does_not_overrule_an_editor(article, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    permalink = "http://testserver" + article.get_absolute_url()
    with LocalServer() as server:
        server.routes["/post"] = (200, {}, f'<a href="{permalink}">story</a>'.encode())
        trackback = make_trackback(article, server.url("/post"), status="spam")
        # An editor marked it spam while its check was queued: the check keeps that.
        trackback = trackback_verify(trackback=trackback)
        assert (trackback.status, trackback.verification) == ("spam", "linked")
        # Asked explicitly to check again, the result decides.
        trackback = trackback_verify(trackback=trackback, recheck=True)
        assert trackback.status == "approved"


def test_after_a_secret_key_change_the_stale_ping_url_is_not_shown(client, article, settings):
    owner = make_user()
    _, value = trackback_token_create(user=owner)
    settings.SECRET_KEY = "rotated-" + settings.SECRET_KEY
    assert trackback_token_value(owner.trackback_tokens.get()) is None
    client.force_login(owner)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "/trackback/tb_" not in page and "Create a personal ping URL" in page
    # The token that was handed out keeps working until it is revoked.
    url = reverse("comments:trackback_personal", kwargs={**article.url_kwargs(), "token": value})
    assert answer(Client().post(url, data=body(), content_type=FORM))[0] == "0"


def test_editors_make_tokens_only_for_themselves_and_cannot_unrevoke(client):
    editor, other = make_editor("erin"), make_user("someone")
    editor.user_permissions.add(*Permission.objects.filter(codename__endswith="trackbacktoken"))
    client.force_login(editor)
    add = reverse("admin:comments_trackbacktoken_add")
    response = client.post(add, {"user": other.pk, "name": "Sneaky"})
    assert response.status_code == 302
    token = TrackbackToken.objects.get()
    assert token.user == editor
    TrackbackToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    change = reverse("admin:comments_trackbacktoken_change", args=[token.pk])
    client.post(change, {"name": "Sneaky", "revoked_at_0": "", "revoked_at_1": ""})
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_a_double_click_stores_one_comment(settings):
    """Two posts of the same comment at once: the second waits for the first, then sees it."""
    article = make_article()
    started, results = threading.Event(), []

    def first():
        with transaction.atomic():
            comment_post(article=article, user=None, body="Twice?", name="A", ip_address="1.2.3.4")
            started.set()
            time.sleep(0.5)  # still uncommitted while the second post arrives
        connection.close()

    def second():
        started.wait(5)
        results.append(
            comment_post(article=article, user=None, body="Twice?", name="A", ip_address="1.2.3.4")
        )
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert Comment.objects.filter(body="Twice?").count() == 1
    assert results and results[0].pk == Comment.objects.get(body="Twice?").pk


def test_pending_trackback_check_left_waiting_reaches_editors(article):
    stale = make_trackback(article, "http://[oops")
    stale = trackback_verify(trackback=stale)
    assert stale.verification in ("refused", "unreachable")
    assert stale.verified_at is not None and stale.verified_at > stale.created_at - timedelta(1)
