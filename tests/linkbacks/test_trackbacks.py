"""TrackBack 1.2 pings: every status and message, with the XML answer parsed."""

import logging
import re
from datetime import timedelta
from io import StringIO
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from linkbacks.models import TrackbackToken
from linkbacks.tokens import trackback_token_create, trackback_tokens_revoke
from tests.factories import make_article, make_user
from tests.linkbacks.pings import FORM, answer, body, ping

pytestmark = pytest.mark.django_db


def test_good_bearer_token_is_accepted_and_held_for_checking(client, ping_url, token, blogger):
    response = ping(client, ping_url, body(blog_name="Blog", excerpt="Read this"), token)
    assert response.status_code == 200
    assert answer(response) == ("0", None)
    trackback = Comment.objects.get()
    assert trackback.kind == Comment.Kind.TRACKBACK
    assert (trackback.url, trackback.title, trackback.name, trackback.body) == (
        "https://blog.example/post",
        "A post",
        "Blog",
        "Read this",
    )
    assert trackback.user == blogger and trackback.token.name == "My blog"
    assert trackback.status != Comment.Status.APPROVED  # never shown before its source is checked


def test_personal_ping_url_is_accepted(client, article, token, blogger):
    url = reverse("linkbacks:trackback_personal", kwargs={**article.url_kwargs(), "token": token})
    response = ping(client, url, body())
    assert response.status_code == 200 and answer(response) == ("0", None)
    assert Comment.objects.get().user == blogger


def test_anonymous_ping_gets_401_you_need_to_login(client, ping_url):
    response = ping(client, ping_url, body())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert answer(response) == ("1", "You need to login.")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("bad", ["tb_" + "0" * 40, "nonsense", "", "x" * 500])
def test_bad_token_gets_401(client, article, ping_url, bad):
    assert ping(client, ping_url, body(), bad or " ").status_code == 401
    if bad:
        url = reverse("linkbacks:trackback_personal", kwargs={**article.url_kwargs(), "token": bad})
        response = ping(client, url, body())
        assert response.status_code == 401
        assert answer(response) == ("1", "You need to login.")
    assert not Comment.objects.exists()


def test_revoked_token_gets_401_on_both_paths(client, article, ping_url, token):
    trackback_tokens_revoke(tokens=TrackbackToken.objects.all())
    assert ping(client, ping_url, body(), token).status_code == 401
    url = reverse("linkbacks:trackback_personal", kwargs={**article.url_kwargs(), "token": token})
    assert ping(client, url, body()).status_code == 401
    assert not Comment.objects.exists()


def test_token_of_an_inactive_user_gets_401(client, ping_url, token, blogger):
    blogger.is_active = False
    blogger.save()
    assert ping(client, ping_url, body(), token).status_code == 401


def test_session_ping_needs_the_csrf_token(blogger, article, ping_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(blogger)
    refused = ping(client, ping_url, body())
    assert refused.status_code == 403
    assert answer(refused)[0] == "1"
    assert not Comment.objects.exists()

    page = client.get(article.get_absolute_url()).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = ping(client, ping_url, body(csrfmiddlewaretoken=csrf))
    assert accepted.status_code == 200 and answer(accepted) == ("0", None)
    assert Comment.objects.get().user == blogger


def test_session_ping_from_the_page_form_gets_a_page(blogger, article, ping_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(blogger)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Send a trackback" in page
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        ping_url,
        {
            "csrfmiddlewaretoken": csrf,
            "response": "html",
            "url": "https://blog.example/x",
            "title": "T",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "your trackback was received" in response.content.decode()
    again = client.post(
        ping_url, {"csrfmiddlewaretoken": csrf, "response": "html", "url": "https://blog.example/x"}
    )
    assert "already registered" in again.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": ""}, "The url field is required."),
        ({"url": "ftp://blog.example/post"}, "The url must start with http:// or https://."),
        ({"url": "javascript:alert(1)"}, "The url must start with http:// or https://."),
        ({"url": "https://" + "a" * 2000 + ".example/"}, "The url is longer than 2000 characters."),
        ({"url": "http://exa mple/"}, "The url is not a valid web address."),
    ],
)
def test_bad_url_is_refused_by_rule(client, ping_url, token, fields, message):
    response = ping(client, ping_url, body(**fields), token)
    assert response.status_code == 200
    assert answer(response) == ("1", message)
    assert not Comment.objects.exists()


def test_missing_title_and_blog_name_default_to_the_url(client, ping_url, token):
    ping(client, ping_url, urlencode({"url": "https://blog.example/p"}), token)
    trackback = Comment.objects.get()
    assert (trackback.title, trackback.name) == ("https://blog.example/p", "blog.example")


def test_long_values_are_cut_with_an_ellipsis(client, ping_url, token):
    ping(client, ping_url, body(title="t" * 300, blog_name="b" * 300, excerpt="e" * 300), token)
    trackback = Comment.objects.get()
    assert len(trackback.title) == 250 and trackback.title.endswith("…")
    assert len(trackback.name) == 250 and trackback.name.endswith("…")
    assert len(trackback.body) == 255 and trackback.body.endswith("…")


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_other_methods_get_405(client, ping_url, method):
    response = getattr(client, method)(ping_url)
    assert response.status_code == 405
    assert answer(response)[0] == "1"


def test_body_over_64_kb_gets_413(client, ping_url, token):
    response = ping(client, ping_url, body(excerpt="x" * 70_000), token)
    assert response.status_code == 413
    assert answer(response) == ("1", "The ping is larger than 64 KB.")
    assert not Comment.objects.exists()


def test_iso_8859_1_body_is_decoded(client, ping_url, token):
    data = "url=https%3A%2F%2Fblog.example%2Fp&title=" + quote("Café déjà vu", encoding="latin-1")
    response = ping(client, ping_url, data, token, content_type=f"{FORM}; charset=ISO-8859-1")
    assert answer(response) == ("0", None)
    assert Comment.objects.get().title == "Café déjà vu"


def test_shift_jis_body_is_decoded(client, ping_url, token):
    data = "url=https%3A%2F%2Fblog.example%2Fjp&blog_name=" + quote(
        "日本のブログ", encoding="shift_jis"
    )
    response = ping(client, ping_url, data, token, content_type=f"{FORM}; charset=Shift_JIS")
    assert answer(response) == ("0", None)
    assert Comment.objects.get().name == "日本のブログ"


def test_charset_form_field_is_honoured(client, ping_url, token):
    data = "charset=iso-8859-1&url=https%3A%2F%2Fb.example%2F&title=" + quote(
        "Señor", encoding="latin-1"
    )
    ping(client, ping_url, data, token)
    assert Comment.objects.get().title == "Señor"


@pytest.mark.parametrize("charset", ["UTF-7", "utf-16", "x-no-such-charset"])
def test_utf7_and_unusable_charsets_are_refused(client, ping_url, token, charset):
    response = ping(
        client,
        ping_url,
        body(title="+ADw-script+AD4-").encode(),
        token,
        content_type=f"{FORM}; charset={charset}",
    )
    assert response.status_code == 200
    assert answer(response)[0] == "1"
    assert not Comment.objects.exists()


def test_undecodable_bytes_are_an_error_not_a_500(client, ping_url, token):
    data = b"url=https%3A%2F%2Fb.example%2F&title=%FF%FE%FD"
    response = ping(client, ping_url, data, token, content_type=f"{FORM}; charset=utf-8")
    assert answer(response) == ("1", "The ping is not valid utf-8 text.")
    assert not Comment.objects.exists()


def test_second_ping_from_the_same_url_is_refused_whoever_sends_it(client, ping_url, token):
    ping(client, ping_url, body(), token)
    other = trackback_token_create(user=make_user())[1]
    response = ping(client, ping_url, body(title="Again"), other)
    assert answer(response) == ("1", "A trackback from this URL is already registered.")
    assert Comment.objects.count() == 1


def test_closed_story_refuses_pings(client, article, ping_url, token):
    article.trackbacks_open = False
    article.save()
    response = ping(client, ping_url, body(), token)
    assert response.status_code == 200
    assert answer(response) == ("1", "Trackbacks are closed for this story.")
    assert not Comment.objects.exists()


def test_trackbacks_close_after_the_configured_days(client, settings, token):
    settings.TRACKBACKS_CLOSE_AFTER_DAYS = 10
    old = make_article(published_at=timezone.now() - timedelta(days=11))
    url = reverse("linkbacks:trackback", kwargs=old.url_kwargs())
    assert answer(ping(client, url, body(), token)) == (
        "1",
        "Trackbacks are closed for this story.",
    )


def test_draft_scheduled_and_unknown_stories_get_the_same_404(client, token):
    draft = make_article(status="draft")
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    answers = []
    for url in [
        reverse("linkbacks:trackback", kwargs=draft.url_kwargs()),
        reverse("linkbacks:trackback", kwargs=scheduled.url_kwargs()),
        "/2024/01/01/never-written/trackback/",
    ]:
        response = ping(client, url, body(), token)
        assert response.status_code == 404
        answers.append(response.content)
    assert len(set(answers)) == 1
    assert answer(response) == ("1", "No such story.")
    assert not Comment.objects.exists()


def test_rate_limit_per_user(client, article, settings, token):
    settings.TRACKBACKS_RATE_LIMIT = 3
    url = reverse("linkbacks:trackback", kwargs=article.url_kwargs())
    for i in range(3):
        response = ping(
            client, url, body(url=f"https://b.example/{i}"), token, REMOTE_ADDR=f"192.0.2.{i + 1}"
        )
        assert response.status_code == 200
    limited = ping(client, url, body(url="https://b.example/4"), token, REMOTE_ADDR="192.0.2.9")
    assert limited.status_code == 429
    assert answer(limited)[0] == "1"
    assert Comment.objects.count() == 3


def test_rate_limit_per_ip_also_stops_token_guessing(client, ping_url, settings):
    settings.TRACKBACKS_RATE_LIMIT = 3
    statuses = [ping(client, ping_url, body(), f"tb_guess{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429]


def test_wordpress_style_ping_to_a_personal_ping_url(client, article, token):
    """As WordPress's trackback() sends it: no charset, this field order, HTML entities."""
    url = reverse("linkbacks:trackback_personal", kwargs={**article.url_kwargs(), "token": token})
    data = (
        "title="
        + quote("Why Indonesia&#8217;s cars matter")
        + "&url="
        + quote("https://wp.example/2024/06/cars/", safe="")
        + "&blog_name="
        + quote("Ana&#8217;s &amp; Co")
        + "&excerpt="
        + quote("It&#8217;s <b>about</b> time &#8230;")
    )
    response = client.post(
        url, data=data, content_type=FORM, HTTP_USER_AGENT="WordPress/6.5; https://wp.example"
    )
    assert response.status_code == 200 and answer(response) == ("0", None)
    trackback = Comment.objects.get()
    assert trackback.title == "Why Indonesia’s cars matter"
    assert trackback.name == "Ana’s & Co"
    assert trackback.body == "It’s about time …"
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Why Indonesia’s cars matter" in page
    assert "Ana’s &amp; Co" in page  # escaped once for HTML, never twice
    assert "&amp;#8217;" not in page and "&amp;amp;" not in page


def test_personal_ping_url_token_never_reaches_the_logs(client, article, token):
    url = reverse("linkbacks:trackback_personal", kwargs={**article.url_kwargs(), "token": token})
    handler = logging.getLogger("django").handlers[0]
    buffer = StringIO()
    old_stream = handler.setStream(buffer)
    try:
        client.get(url)  # 405: logged as a warning with the path
        draft = make_article(status="draft")
        client.post(
            reverse("linkbacks:trackback_personal", kwargs={**draft.url_kwargs(), "token": token}),
            data=body(),
            content_type=FORM,
        )  # 404
    finally:
        handler.setStream(old_stream)
    logged = buffer.getvalue()
    assert "/trackback/[redacted]/" in logged
    assert token not in logged


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


def test_a_nul_in_the_charset_is_an_unknown_charset_not_a_500(client, ping_url, token):
    data = "charset=utf-8%00&" + body()
    anonymous = ping(client, ping_url, data)
    assert anonymous.status_code == 401
    assert answer(anonymous) == ("1", "You need to login.")
    known = ping(client, ping_url, data, token)
    assert known.status_code == 200
    assert answer(known) == ("1", "Unknown charset: utf-8.")
    assert not Comment.objects.exists()


# What a web server hands on in a header: no NUL, CR or LF (those never get past it).
HEADER_TEXT = st.text(
    st.characters(min_codepoint=1, max_codepoint=255, exclude_characters="\r\n"), max_size=60
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    charset=st.text(max_size=60) | st.sampled_from(["utf-8\x00", "\x01x", "utf-7", "rot13"]),
    header_charset=HEADER_TEXT,
    in_field=st.booleans(),
    signed=st.booleans(),
)
def test_any_charset_name_gets_an_xml_answer(
    client, ping_url, token, settings, charset, header_charset, in_field, signed
):
    settings.TRACKBACKS_RATE_LIMIT = 10_000
    if in_field:
        data = f"charset={quote(charset)}&" + body(url="https://charset.example/")
        content_type = FORM
    else:
        data = body(url="https://charset.example/")
        content_type = f"{FORM}; charset={header_charset}"
    response = ping(client, ping_url, data, token if signed else None, content_type=content_type)
    assert response.status_code == (200 if signed else 401)
    answer(response)  # well-formed XML, whatever the name held
    Comment.objects.all().delete()


def test_a_token_ping_costs_a_fixed_number_of_queries(
    client, ping_url, token, django_assert_num_queries
):
    # token, its last use, story, verified email, moderation rules, repeat check, insert (and
    # two savepoints)
    with django_assert_num_queries(11):
        response = ping(client, ping_url, body(), token)
    assert answer(response) == ("0", None)
