"""The comment form on a shared page needs no token: the browser says where a post comes from."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from tests.factories import comment_form_data, form_data, make_article, make_user

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def story():
    return make_article(title="Harbour reopens", slug="harbour-reopens")


@pytest.fixture
def post_url(story):
    return reverse("comments:post", kwargs=story.url_kwargs())


def browser():
    return Client(enforce_csrf_checks=True)


def test_a_form_from_a_stored_page_is_accepted_without_any_cookie(
    story, post_url, django_assert_num_queries
):
    reader = browser()
    reader.get(story.get_absolute_url())  # rendered and stored
    with django_assert_num_queries(0):
        page = reader.get(story.get_absolute_url())  # what the next reader is given
    assert not reader.cookies and "Set-Cookie" not in page
    fields = form_data(page, "comment-form", name="Ana", body="Good to know.")
    assert "csrfmiddlewaretoken" not in fields
    # The form was shown a while ago, as a stored page's form always was.
    fields["rendered"] = comment_form_data(story)["rendered"]
    response = reader.post(post_url, fields, **SAME_ORIGIN)
    assert response.status_code == 302, response.content[:300]
    assert Comment.objects.get().body == "Good to know."
    assert b"Good to know." in reader.get(story.get_absolute_url()).content


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://blog.testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},  # a browser older than Fetch Metadata
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame or a data: page
    ],
)
def test_a_cross_site_post_is_refused_and_stores_nothing(story, post_url, headers):
    response = browser().post(post_url, comment_form_data(story), **headers)
    assert response.status_code == 403
    assert b"security check failed" in response.content
    assert not Comment.objects.exists()


def test_a_cross_site_post_is_refused_for_a_logged_in_reader_too(story, post_url):
    reader = browser()
    reader.force_login(make_user("robin"))
    response = reader.post(
        post_url,
        comment_form_data(story),
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403 and not Comment.objects.exists()


def test_trusted_origins_and_the_public_address_are_this_site(story, post_url, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.news.example"]
    settings.SITE_URL = "https://news.example"
    for origin in ["https://www.news.example", "https://news.example"]:
        response = browser().post(
            post_url,
            comment_form_data(story, body=f"From {origin}"),
            HTTP_SEC_FETCH_SITE="same-site",
            HTTP_ORIGIN=origin,
        )
        assert response.status_code == 302, origin
    assert Comment.objects.count() == 2


def test_without_either_header_the_token_pair_is_still_required(story, post_url):
    client = browser()
    assert client.post(post_url, comment_form_data(story)).status_code == 403
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    data = comment_form_data(story, csrfmiddlewaretoken=token)
    assert client.post(post_url, data).status_code == 302


def test_every_other_form_keeps_djangos_token_check(story):
    client = browser()
    client.force_login(make_user("robin"))
    response = client.post(reverse("account_logout"), **SAME_ORIGIN)
    assert response.status_code == 403  # headers alone do not replace the token here


# Header values as they arrive: any printable text (control characters are dropped before).
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, exclude_characters="\x7f"), max_size=60)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    site=st.one_of(st.none(), st.sampled_from(["same-origin", "same-site", "none"]), HEADER_TEXT),
    origin=st.one_of(st.none(), st.just("http://testserver"), HEADER_TEXT),
)
def test_any_fetch_metadata_or_origin_is_answered_without_a_500(
    story, post_url, settings, site, origin
):
    settings.COMMENTS_RATE_LIMIT = 10**6
    headers = {}
    if site is not None:
        headers["HTTP_SEC_FETCH_SITE"] = site
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    response = browser().post(post_url, comment_form_data(story), **headers)
    assert response.status_code in (302, 403)
    accepted = site in ("same-origin", "none") or origin == "http://testserver"
    assert (response.status_code == 302) == accepted, (site, origin)
