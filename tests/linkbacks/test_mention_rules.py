"""Webmention and Pingback endpoints: advertised only when enabled, the same defences as
trackbacks (rate limits per origin and per user, size limits, bad input a clear 4xx), and the
rules of registering a site."""

import xmlrpc.client
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from linkbacks.models import VerifiedSite
from linkbacks.site_proof import origin_of
from tests.conftest import reauthenticated
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def story():
    return make_article(title="Harbour reopens", slug="harbour-reopens")


@pytest.fixture
def site():
    """A site proved already (its check is tested over HTTP in test_mentions.py)."""
    return VerifiedSite.objects.create(
        user=make_user("blogger"),
        origin="https://blog.example",
        code="c",
        verified_at=timezone.now(),
    )


def endpoint(name, article):
    return reverse(f"linkbacks:{name}", kwargs=article.url_kwargs())


def send_webmention(client, article, source, target=None, **extra):
    data = urlencode({"source": source, "target": target or article.permalink})
    return client.generic("POST", endpoint("webmention", article), data, FORM, **extra)


def send_pingback(client, article, source, target=None):
    call = xmlrpc.client.dumps((source, target or article.permalink), "pingback.ping")
    return client.generic("POST", endpoint("pingback", article), call, "text/xml")


def fault(response):
    with pytest.raises(xmlrpc.client.Fault) as raised:
        xmlrpc.client.loads(response.content)
    return raised.value.faultCode, raised.value.faultString


def test_story_pages_advertise_both_endpoints_in_headers_and_links(client, story, settings):
    webmention = f"{settings.SITE_URL}{endpoint('webmention', story)}"
    pingback = f"{settings.SITE_URL}{endpoint('pingback', story)}"
    for _ in range(2):  # the page as rendered, then as the page cache serves it
        response = client.get(story.get_absolute_url())
        assert response["Link"] == f'<{webmention}>; rel="webmention", <{pingback}>; rel="pingback"'
        assert response["X-Pingback"] == pingback
        html = response.content.decode()
        assert f'<link rel="webmention" href="{webmention}">' in html
        assert f'<link rel="pingback" href="{pingback}">' in html


def test_when_disabled_nothing_is_advertised_and_the_endpoints_are_gone(client, story, settings):
    settings.MENTIONS_ENABLED = False
    response = client.get(story.get_absolute_url())
    assert "Link" not in response and "X-Pingback" not in response
    assert b'rel="webmention"' not in response.content
    assert send_webmention(client, story, "https://blog.example/p").status_code == 404
    assert send_pingback(client, story, "https://blog.example/p").status_code == 404


def test_wrong_method_target_or_fields_are_clear_4xx(client, story, site):
    assert client.get(endpoint("webmention", story)).status_code == 405
    assert client.get(endpoint("pingback", story)).status_code == 405
    other = make_article()
    response = send_webmention(client, story, "https://blog.example/p", target=other.permalink)
    assert response.status_code == 400 and b"not this story" in response.content
    assert send_webmention(client, story, "javascript:alert(1)").status_code == 400
    assert send_webmention(client, story, story.permalink).status_code == 400  # itself
    code, _ = fault(send_pingback(client, story, "https://blog.example/p", other.permalink))
    assert code == 0x0021
    assert fault(send_pingback(client, story, "not a url"))[0] == 0x0010
    call = xmlrpc.client.dumps(("a",), "pingback.ping")
    bad = client.generic("POST", endpoint("pingback", story), call, "text/xml")
    assert fault(bad)[0] == -32602
    wrong = xmlrpc.client.dumps((), "system.listMethods")
    assert fault(client.generic("POST", endpoint("pingback", story), wrong, "text/xml"))[0] == (
        -32601
    )
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall>&a;</methodCall>'
    assert fault(client.generic("POST", endpoint("pingback", story), bomb, "text/xml"))[0] == (
        -32700
    )
    big = "x" * (65 * 1024)
    assert send_webmention(client, story, f"https://blog.example/{big}").status_code == 413
    assert not Comment.objects.exists()


def test_a_draft_is_not_there(client, site):
    draft = make_article(status="draft")
    assert send_webmention(client, draft, "https://blog.example/p").status_code == 404
    assert fault(send_pingback(client, draft, "https://blog.example/p"))[0] == 0x0020


def test_rate_limits_per_origin_and_per_user(client, story, site, settings):
    settings.TRACKBACKS_RATE_LIMIT = 2
    for n in range(2):
        assert send_webmention(client, story, f"https://blog.example/{n}").status_code == 202
    # Another address, the same site: still counted against the site and its owner.
    response = send_webmention(client, story, "https://blog.example/3", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert Comment.objects.count() == 2
    # Another site of the same user is counted against the user.
    VerifiedSite.objects.create(
        user=site.user, origin="https://two.example", code="d", verified_at=timezone.now()
    )
    response = send_webmention(client, story, "https://two.example/1", REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 429
    code, message = fault(send_pingback(client, story, "https://two.example/2"))
    assert (code, message) == (0, "Too many mentions; try again in a minute.")


def test_closed_trackbacks_refuse_mentions(client, story, site):
    story.trackbacks_open = False
    story.save()
    response = send_webmention(client, story, "https://blog.example/p")
    assert response.status_code == 400 and b"closed" in response.content
    assert fault(send_pingback(client, story, "https://blog.example/p"))[0] == 0x0021


def test_registering_sites(client):
    user = make_user("owner")
    reauthenticated(client, user)
    url = reverse("linkbacks:sites")
    assert client.get(url).status_code == 405
    for bad in ("", "ftp://x.example", "https://user:pw@x.example/", "not a url"):
        client.post(url, {"site": bad})
    assert not VerifiedSite.objects.exists()
    client.post(url, {"site": "HTTPS://Blog.Example:443/some/post?x=1"})
    client.post(url, {"site": "https://blog.example/"})  # the same origin again
    assert list(VerifiedSite.objects.values_list("origin", flat=True)) == ["https://blog.example"]
    stranger = make_user("stranger")
    theirs = VerifiedSite.objects.create(user=stranger, origin="https://theirs.example", code="e")
    client.post(url, {"remove": theirs.pk})  # not ours: nothing happens
    assert VerifiedSite.objects.filter(pk=theirs.pk).exists()
    client.post(url, {"remove": VerifiedSite.objects.get(user=user).pk})
    assert not VerifiedSite.objects.filter(user=user).exists()
    client.logout()
    assert client.post(url, {"site": "https://x.example"}).status_code == 302  # to the login
    assert list(VerifiedSite.objects.values_list("origin", flat=True)) == ["https://theirs.example"]


def test_origin_spellings():
    assert origin_of("HTTPS://Blog.Example:443/a?b#c") == "https://blog.example"
    assert origin_of("http://blog.example:8080/") == "http://blog.example:8080"
    assert origin_of("http://[::1]:81/") == "http://[::1]:81"
    for bad in ("", "ftp://a.example", "https://", "http://u:p@a.example/", "http://[x"):
        assert origin_of(bad) is None


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    content_type=st.sampled_from([FORM, f"{FORM}; charset=latin-1", "text/xml", "", "x/y"]),
    source=st.text(max_size=80),
    target=st.text(max_size=80),
)
def test_any_input_from_outside_is_a_4xx_never_a_500(
    client, story, site, settings, body, content_type, source, target
):
    settings.TRACKBACKS_RATE_LIMIT = 10_000
    for name in ("webmention", "pingback"):
        response = client.generic("POST", endpoint(name, story), body, content_type)
        assert response.status_code in {200, 400, 413}
    # Fields that parse, with any text in them.
    response = client.generic(
        "POST",
        endpoint("webmention", story),
        urlencode({"source": source, "target": target}),
        FORM,
    )
    assert response.status_code in {400, 202}
    call = xmlrpc.client.dumps((source, target), "pingback.ping")
    response = client.generic("POST", endpoint("pingback", story), call.encode(), "text/xml")
    assert response.status_code == 200
    assert not Comment.objects.exists()
