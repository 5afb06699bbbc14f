"""Hostile requests never cost a 500: unreadable bodies get a 400 page, control characters are
dropped before anything is stored (PostgreSQL refuses NUL), and error pages need nothing."""

from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from linkbacks.models import TrackbackToken
from linkbacks.tokens import trackback_token_create
from tests.conftest import refused_query
from tests.factories import comment_form_data, make_article, make_user

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = ["latin-1", "ISO-8859-1", "shift_jis", "utf-16", "utf-8%00", "garbage"]


@pytest.fixture
def article():
    return make_article(title="Harbour reopens", slug="harbour-reopens")


@pytest.fixture
def reader():
    return make_user("reader", password="reader-password")


def csrf_client(page="/accounts/login/", user=None) -> tuple[Client, str]:
    """A browser-like client that checks CSRF, holding a valid cookie and its token."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(page)
    if "csrftoken" not in client.cookies:
        # Anonymous story pages are shared and set no cookie (delivery/csrf.py); the login
        # page's form still hands one out, and the comment form accepts the pair without
        # Fetch Metadata headers, as these requests are sent.
        client.get("/accounts/login/")
    return client, client.cookies["csrftoken"].value


def post_in(client, url, fields: dict, charset: str):
    """POST the fields urlencoded in `charset` (as UTF-8 where it cannot encode them)."""
    try:
        body = urlencode(fields, encoding=charset)
    except (LookupError, UnicodeEncodeError):
        body = urlencode(fields)
    return client.generic("POST", url, body, content_type=f"{FORM}; charset={charset}")


# Charsets that Django refuses to decode: today a 500 through every CSRF-protected form --------


@pytest.mark.parametrize("charset", NOT_UTF8)
def test_comment_in_another_charset_is_a_400_page(article, charset):
    client, token = csrf_client(article.get_absolute_url())
    fields = {**comment_form_data(article, body="Café"), "csrfmiddlewaretoken": token}
    response = post_in(
        client, reverse("comments:post", kwargs=article.url_kwargs()), fields, charset
    )
    assert response.status_code == 400
    assert b"Forms must be sent as UTF-8" in response.content
    assert b'<link rel="stylesheet"' in response.content  # the site's page, not a bare one
    assert not Comment.objects.exists()


@pytest.mark.parametrize("page", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("charset", NOT_UTF8)
def test_login_in_another_charset_is_a_400_page(reader, page, charset):
    client, token = csrf_client(page)
    fields = {"login": "reader", "password": "reader-password", "csrfmiddlewaretoken": token}
    response = post_in(client, page, fields, charset)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("charset", NOT_UTF8)
def test_token_form_in_another_charset_is_a_400_page(reader, charset):
    page = reverse("accounts:tokens")
    client, token = csrf_client(reverse("accounts:home"), user=reader)
    response = post_in(client, page, {"name": "Blog", "csrfmiddlewaretoken": token}, charset)
    assert response.status_code == 400
    assert not TrackbackToken.objects.exists()


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_unparseable_multipart_is_a_400_page(client, reader, content_type):
    client.force_login(reader)
    response = client.generic("POST", reverse("accounts:tokens"), b"\xff\x00garbage", content_type)
    assert response.status_code == 400
    assert not TrackbackToken.objects.exists()


def test_too_many_fields_is_a_400_page(client, article):
    fields = {f"f{n}": "x" for n in range(1100)}
    response = client.post(reverse("comments:post", kwargs=article.url_kwargs()), fields)
    assert response.status_code == 400
    assert b"could not be read" in response.content


def test_utf8_spelt_any_way_is_accepted(article):
    client, token = csrf_client(article.get_absolute_url())
    fields = {**comment_form_data(article, body="Café"), "csrfmiddlewaretoken": token}
    for charset in ("utf-8", "UTF-8", "utf8"):
        Comment.objects.all().delete()
        response = post_in(
            client, reverse("comments:post", kwargs=article.url_kwargs()), fields, charset
        )
        assert response.status_code == 302, charset
        assert Comment.objects.get().body == "Café"


def test_trackback_from_the_story_form_keeps_its_own_charset(article, reader):
    """The ping view decodes its body itself; the guard must not read it first."""
    client, token = csrf_client(article.get_absolute_url(), user=reader)
    fields = {
        "url": "https://blog.example/caf",
        "title": "Café crème",
        "csrfmiddlewaretoken": token,
    }
    response = post_in(
        client, reverse("linkbacks:trackback", kwargs=article.url_kwargs()), fields, "latin-1"
    )
    assert response.status_code == 200 and b"<error>0</error>" in response.content
    assert Comment.objects.get().title == "Café crème"


# Control characters ----------------------------------------------------------------------------


def test_control_characters_are_dropped_from_a_stored_comment(client, article):
    fields = comment_form_data(
        article, name="Ana\x00 Rea\x07der", body="First line\r\nsecond\x00 line\x1b[31m\tend\x7f"
    )
    response = client.post(reverse("comments:post", kwargs=article.url_kwargs()), fields)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.name == "Ana Reader"
    assert comment.body == "First line\r\nsecond line[31m\tend"  # newlines and tabs stay


def test_nul_in_a_token_name_is_dropped(client, reader):
    client.force_login(reader)
    response = client.post(reverse("accounts:tokens"), {"name": "a\x00b"}, follow=True)
    assert response.status_code == 200
    assert TrackbackToken.objects.get().name == "ab"


def test_nul_in_login_username_and_headers_is_never_stored(client, reader):
    response = client.post(
        "/accounts/login/",
        {"login": "rea\x00der", "password": "wrong"},
        HTTP_USER_AGENT="evil\x00agent\x01",
        HTTP_ACCEPT="text/html\x00",
    )
    assert response.status_code == 200  # the form again, with its error
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.user_agent, attempt.http_accept) == (
        "reader",
        "evilagent",
        "text/html",
    )


def test_passwords_reach_the_check_exactly_as_typed(client):
    make_user("bell", password="ring\x07ring-password")
    response = client.post("/accounts/login/", {"login": "bell", "password": "ringring-password"})
    assert response.status_code == 200  # not the same password without the bell
    response = client.post(
        "/accounts/login/", {"login": "bell", "password": "ring\x07ring-password"}
    )
    assert response.status_code == 302


def test_nul_in_search_is_a_400_page(client, article):
    response = client.get(reverse("search:search"), {"q": "harb\x00our"})
    assert response.status_code == 400 and b"control characters" in response.content


# Control characters in a query string: a 400 page for every view, before any filter reads it --

ADMIN_FILTERS = [
    "/admin/articles/article/?status__exact=%00",
    "/admin/comments/comment/?status__exact=%00",
    "/admin/autocomplete/?term=%00&app_label=articles&model_name=article&field_name=category",
]


@pytest.mark.parametrize("url", [*ADMIN_FILTERS, "/api/v1/stories/?section=%00"])
def test_nul_in_a_query_string_is_a_400_page(admin_client, article, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert b"control characters" in response.content
    assert article.title.encode() not in response.content


QUERY_PAGES = [
    "/",
    "/search/",
    "/api/v1/stories/",
    "/api/v1/sections/",
    "/admin/articles/article/",
    "/admin/comments/comment/",
    "/admin/autocomplete/",
    "/accounts/login/",
    "/feed/",
]
query_text = st.text(max_size=20) | st.sampled_from(["\x00", "a\x00b", "\x1b[2J", "\x85", "1"])


@hypothesis_settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    page=st.sampled_from(QUERY_PAGES),
    params=st.lists(
        st.tuples(
            st.sampled_from(["status__exact", "section", "term", "q", "page", "cursor"])
            | query_text,
            query_text,
        ),
        max_size=4,
    ),
)
def test_no_query_string_answers_5xx(admin_client, article, page, params):
    response = admin_client.get(f"{page}?{urlencode(params)}")
    controls = refused_query(*(part for pair in params for part in pair))
    assert response.status_code < 500
    refused = response.status_code == 400 and b"contains control characters" in response.content
    assert refused == controls


# Error pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 403, 404, 500, 503])
def test_error_pages_render_without_any_context_or_query(django_assert_num_queries, status):
    with django_assert_num_queries(0):
        page = render_to_string(f"{status}.html")
    assert "Newsroom" in page and "css/site.css" in page and 'class="masthead"' in page


def test_page_not_found_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/no/such/page/")
    assert response.status_code == 404 and b"Page not found" in response.content


def test_failed_csrf_check_is_the_sites_403_page(article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("comments:post", kwargs=article.url_kwargs()), {"name": "x"})
    assert response.status_code == 403
    assert b"security check failed" in response.content and b"css/site.css" in response.content


# Hypothesis: every public form and endpoint, any charset, any bytes ---------------------------

CHARSETS = [None, "utf-8", "latin-1", "shift_jis", "utf-16", "utf-7", "utf-8%00", "garbage", ""]
hostile_text = st.text(max_size=60) | st.sampled_from(["\x00", "a\x00b", "\x1b[2J", "é" * 20])
ENDPOINTS = [
    "comment",
    "trackback",
    "trackback_token",
    "tokens",
    "login",
    "admin_login",
    "signup",
    "password_reset",
    "profile",
]


@pytest.fixture
def generous_limits(settings):
    """Once per test, not per example: each settings change stacks an override."""
    settings.COMMENTS_RATE_LIMIT = settings.TRACKBACKS_RATE_LIMIT = 10_000


def encoded_body(fields: dict, charset: str | None) -> str:
    try:
        return urlencode(fields, encoding=charset or "utf-8")
    except (LookupError, UnicodeEncodeError):
        return urlencode(fields)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    charset=st.sampled_from(CHARSETS),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "email",
                "body",
                "url",
                "title",
                "excerpt",
                "blog_name",
                "username",
                "password",
                "next",
                "revoke",
                "response",
                "charset",
                "x\x00",
                "login",
                "password1",
                "password2",
                "display_name",
                "blog_url",
                "website",
                "rendered",
            ]
        )
        | hostile_text,
        hostile_text,
        max_size=6,
    ),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
    multipart=st.booleans(),
)
def test_no_public_form_or_endpoint_answers_5xx(
    article, reader, generous_limits, endpoint, charset, fields, raw, multipart
):
    story = article.url_kwargs()
    url = {
        "comment": reverse("comments:post", kwargs=story),
        "trackback": reverse("linkbacks:trackback", kwargs=story),
        "trackback_token": reverse(
            "linkbacks:trackback_personal", kwargs={**story, "token": "not-a-token"}
        ),
        "tokens": reverse("accounts:tokens"),
        "login": "/accounts/login/",
        "admin_login": "/admin/login/",
        "signup": "/accounts/signup/",
        "password_reset": "/accounts/password/reset/",
        "profile": reverse("accounts:profile"),
    }[endpoint]
    logged_in = endpoint in ("tokens", "trackback", "profile")
    client, token = csrf_client(article.get_absolute_url(), user=reader if logged_in else None)
    if endpoint == "comment":
        fields = {**comment_form_data(article), **fields}
    fields["csrfmiddlewaretoken"] = token
    if raw is not None:
        body = raw
    elif multipart:
        body = b"--b\r\n" + encoded_body(fields, charset).encode() + b"\r\n--b--"
    else:
        body = encoded_body(fields, charset)
    content_type = "multipart/form-data; boundary=b" if multipart else FORM
    if charset is not None:
        content_type += f"; charset={charset}"
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code < 500
    query = fields.get("body", "a\x00b")
    search = client.get(reverse("search:search"), {"q": query})
    assert search.status_code == (400 if refused_query(query) else 200)


def test_trackback_charset_field_with_nul_is_not_a_500(client, reader):
    """A NUL in a ping's `charset` field is refused in XML, before authentication too."""
    article = make_article()
    _, token = trackback_token_create(user=reader)
    response = client.generic(
        "POST",
        reverse("linkbacks:trackback", kwargs=article.url_kwargs()),
        "charset=utf-8%00&url=" + quote("https://blog.example/post", safe=""),
        content_type=FORM,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200 and b"<error>1</error>" in response.content


def test_comment_next_that_is_not_a_path(client, article):
    """A `next` that is not a path on this site falls back to the story."""
    fields = comment_form_data(article, next="0")
    response = client.post(reverse("comments:post", kwargs=article.url_kwargs()), fields)
    assert response.status_code == 302
    assert response["Location"].startswith(article.get_absolute_url())
