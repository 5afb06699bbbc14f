"""Checking a trackback's source over real HTTP: only a page linking to the story is shown."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from comments.models import Comment
from linkbacks.verify import trackback_verify
from tests.conftest import log_in_staff
from tests.factories import make_trackback, make_user
from tests.http_server import LocalServer
from tests.linkbacks.pings import html

pytestmark = pytest.mark.django_db
PERMALINK_HOST = "http://testserver"


def send_ping(client, article, token, source_url, django_capture_on_commit_callbacks):
    url = reverse("linkbacks:trackback", kwargs=article.url_kwargs())
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


def test_refused_source_is_spam(article, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    trackback = make_trackback(article, "http://169.254.169.254/latest/meta-data/")
    trackback = trackback_verify(trackback=trackback)
    assert (trackback.status, trackback.verification) == ("spam", "refused")


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
    log_in_staff(client, editor)
    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "verify_again", "_selected_action": [trackback.pk]},
    )
    assert response.status_code == 302
    trackback.refresh_from_db()
    assert (trackback.status, trackback.verification) == ("approved", "linked")


def test_non_ascii_source_urls_are_fetched_and_verified(article, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    permalink = "http://testserver" + article.get_absolute_url()
    with LocalServer() as server:
        page = f'<a href="http://[broken">x</a><a href="{permalink}">story</a>'.encode()
        server.routes[quote("/ブログ/記事")] = (200, {"Content-Type": "text/html"}, page)
        trackback = make_trackback(article, server.url("/ブログ/記事"))
        trackback = trackback_verify(trackback=trackback)
    assert (trackback.status, trackback.verification) == ("approved", "linked")


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


def test_a_malformed_source_url_is_checked_and_recorded_never_left_unchecked(article):
    stale = make_trackback(article, "http://[oops")
    stale = trackback_verify(trackback=stale)
    assert stale.verification in ("refused", "unreachable")
    assert stale.verified_at is not None and stale.verified_at >= stale.created_at
