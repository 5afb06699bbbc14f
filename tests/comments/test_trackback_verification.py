"""Checking a trackback's source over real HTTP, and refusing addresses we must never reach."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.services import trackback_token_create, trackback_verify
from newsroom import safe_http
from tests.factories import make_trackback, make_user
from tests.http_server import LocalServer

pytestmark = pytest.mark.django_db
PERMALINK_HOST = "http://testserver"


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


@pytest.fixture
def token():
    return trackback_token_create(user=make_user("blogger", email="b@example.com"))[1]


def html(links):
    anchors = "".join(f'<p><a href="{href}">link</a></p>' for href in links)
    return (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><body><h1>My post</h1>{anchors}</body></html>".encode(),
    )


def send_ping(client, article, token, source_url, django_capture_on_commit_callbacks):
    url = reverse("comments:trackback", kwargs=article.url_kwargs())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            data=f"url={source_url}&title=Mine",
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 200, response.content
    return Comment.objects.get(url=source_url)


@pytest.mark.parametrize("href_style", ["exact", "no-slash", "fragment", "https"])
def test_linking_source_is_approved_and_shown(
    client, article, token, server, settings, django_capture_on_commit_callbacks, href_style
):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    permalink = PERMALINK_HOST + article.get_absolute_url()
    href = {
        "exact": permalink,
        "no-slash": permalink.rstrip("/"),
        "fragment": permalink + "#comments",
        "https": permalink.replace("http://", "https://"),
    }[href_style]
    server.routes["/post"] = html(["https://elsewhere.example/", href])
    trackback = send_ping(
        client, article, token, server.url("/post"), django_capture_on_commit_callbacks
    )
    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("approved", "linked")
    assert trackback.verified_at is not None
    page = client.get(article.get_absolute_url()).content.decode()
    assert "1 Trackback(s)" in page
    assert f'<a href="{server.url("/post")}" rel="nofollow ugc">Mine</a>' in page


def test_premoderation_keeps_a_linking_source_pending(
    client, article, token, server, settings, django_capture_on_commit_callbacks
):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    settings.TRACKBACKS_PREMODERATE = True
    server.routes["/post"] = html([PERMALINK_HOST + article.get_absolute_url()])
    trackback = send_ping(
        client, article, token, server.url("/post"), django_capture_on_commit_callbacks
    )
    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("pending", "linked")


@pytest.mark.parametrize(
    ("route", "verification"),
    [
        (html(["http://testserver/2020/01/01/another-story/", "/relative/only/"]), "no_link"),
        ((404, {}, b"gone"), "gone"),
        ((410, {}, b"gone"), "gone"),
    ],
)
def test_source_without_a_link_is_spam_and_never_shown(
    client,
    article,
    token,
    server,
    settings,
    django_capture_on_commit_callbacks,
    route,
    verification,
):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    server.routes["/post"] = route
    trackback = send_ping(
        client, article, token, server.url("/post"), django_capture_on_commit_callbacks
    )
    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("spam", verification)
    assert server.url("/post") not in client.get(article.get_absolute_url()).content.decode()


def test_unreachable_source_stays_pending_for_an_editor(
    client, article, token, settings, django_capture_on_commit_callbacks
):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    with LocalServer() as closed:
        dead_url = closed.url("/post")
    trackback = send_ping(client, article, token, dead_url, django_capture_on_commit_callbacks)
    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("pending", "unreachable")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "10.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "[fd00::1]",
        "[fe80::1]",
        "192.168.1.1",
        "0.0.0.0",
    ],
)
def test_private_addresses_are_refused_without_a_request(article, server, settings, host):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    port = server.httpd.server_address[1]
    with pytest.raises(safe_http.FetchRefused, match="is not allowed"):
        safe_http.fetch(f"http://{host}:{port}/post")
    # Refused before connecting: the loopback forms would reach this very server otherwise
    # (the other ranges have no server here; the refusal itself is the evidence for them).
    assert server.requests == []


def test_refused_source_is_spam(article, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    trackback = make_trackback(article, "http://169.254.169.254/latest/meta-data/")
    trackback = trackback_verify(trackback=trackback)
    assert (trackback.status, trackback.verification) == ("spam", "refused")


@pytest.mark.parametrize(
    "target",
    [
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/",
        "http://127.0.0.2:{port}/",
    ],
)
def test_redirect_to_a_private_address_is_refused(server, settings, target):
    """The first hop is allow-listed (a trusted partner); where it redirects is checked anew."""
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    settings.TRACKBACK_SOURCE_ALLOWLIST = ["127.0.0.1/32"]
    port = server.httpd.server_address[1]
    server.routes["/start"] = (302, {"Location": target.format(port=port)}, b"")
    with pytest.raises(safe_http.FetchRefused):
        safe_http.fetch(server.url("/start"))
    assert [path for _, path, _, _ in server.requests] == ["/start"]


def test_redirects_are_followed_at_most_three_times(server, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    for i in range(5):
        server.routes[f"/r{i}"] = (302, {"Location": f"/r{i + 1}"}, b"")
    server.routes["/r3"] = html(["x"])
    assert safe_http.fetch(server.url("/r0")).status == 200
    server.routes["/r3"] = (302, {"Location": "/r4"}, b"")
    with pytest.raises(safe_http.FetchFailed, match="Too many redirects"):
        safe_http.fetch(server.url("/r0"))


def test_body_is_capped(server, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    settings.TRACKBACK_FETCH_MAX_BYTES = 1000
    server.routes["/big"] = (200, {}, b"x" * 5000)
    result = safe_http.fetch(server.url("/big"))
    assert len(result.body) == 1000 and result.truncated


def test_non_web_schemes_are_refused(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    for url in ["ftp://example.com/", "file:///etc/passwd", "gopher://example.com/"]:
        with pytest.raises(safe_http.FetchRefused):
            safe_http.fetch(url)


def test_editor_can_run_the_check_again(
    client, article, token, server, settings, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    server.routes["/post"] = html([])
    trackback = send_ping(
        client, article, token, server.url("/post"), django_capture_on_commit_callbacks
    )
    trackback.refresh_from_db()
    assert trackback.status == "spam"
    # The blogger fixes their post; an editor asks for a new check.
    server.routes["/post"] = html([PERMALINK_HOST + article.get_absolute_url()])
    editor = make_user(is_staff=True, groups=[Group.objects.get(name="Editors")])
    client.force_login(editor)
    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "verify_again", "_selected_action": [trackback.pk]},
    )
    assert response.status_code == 302
    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("approved", "linked")
