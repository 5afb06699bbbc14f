"""The read-only content API: answers checked against its own OpenAPI 3.1 description."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from api.openapi import openapi
from articles import services
from articles.corrections import correction_add
from articles.models import Article
from comments.models import Comment
from tests.conftest import refused_query
from tests.factories import (
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_hidden_stories,
    make_trackback,
)

pytestmark = pytest.mark.django_db
STORIES = reverse("api:stories")


@pytest.fixture(scope="module")
def spec():
    return OpenAPI.from_dict(openapi())  # checks the document itself against OpenAPI 3.1


@pytest.fixture
def api(client, spec):
    """GET an API address and check the answer against the OpenAPI description."""

    def get(url, data=None, **headers):
        response = client.get(url, data, **headers)
        if response.status_code != 304:
            spec.validate_response(
                DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
            )
        return response

    return get


def ids(response):
    return [story["id"] for story in response.json()["results"]]


def test_openapi_description_is_served_and_is_valid_openapi_3_1(api):
    document = api(reverse("api:openapi")).json()
    assert document["openapi"] == "3.1.0"
    OpenAPI.from_dict(document)
    assert set(document["paths"]) == {
        "/api/v1/stories/",
        "/api/v1/stories/{id}/",
        "/api/v1/sections/",
        "/api/v1/openapi.json",
    }


def test_a_story_has_every_documented_field(api):
    editor = make_editor()
    story = make_article(
        standfirst="The lead.", body="Hello <script>x()</script> **world**", byline="Ana Writer"
    )
    make_comment(story)
    make_comment(story, status=Comment.Status.PENDING)
    make_trackback(story, "https://blog.example/post", status=Comment.Status.APPROVED)
    correction_add(article=story, by=editor, wrong="Tuesday", right="Monday")
    data = api(reverse("api:story", kwargs={"pk": story.pk})).json()
    assert data["title"] == story.title and data["byline"] == "Ana Writer"
    assert data["url"] == f"http://testserver{story.get_absolute_url()}"
    assert "<script" not in data["body_html"] and "<strong>world</strong>" in data["body_html"]
    assert (data["comment_count"], data["trackback_count"]) == (1, 1)
    [correction] = data["corrections"]
    assert (correction["wrong"], correction["right"]) == ("Tuesday", "Monday")
    assert data["section"]["slug"] == story.category.slug
    assert data["image"] is None


def test_lead_image_renditions(api, settings):
    story = make_article(
        image="articles/images/2026/01/abc.jpg",
        image_width=1600,
        image_height=1000,
        image_alt="A bridge",
    )
    image = api(reverse("api:story", kwargs={"pk": story.pk})).json()["image"]
    assert image["alt"] == "A bridge"
    widths = {r["name"]: r["width"] for r in image["renditions"]}
    assert widths == {
        "1200x630": 1200,
        "800w": 800,
        "400w": 400,
        "16x9": 1200,
        "4x3": 1200,
        "1x1": 1200,
    }


def test_drafts_scheduled_embargoed_and_withdrawn_stories_never_appear(api):
    editor = make_editor()
    hidden = make_hidden_stories()
    embargoed = make_article(status=Article.Status.IN_REVIEW, published_at=None)
    services.article_embargo(article=embargoed, by=editor, at=timezone.now() + timedelta(hours=1))
    withdrawn = make_article()
    services.article_unpublish(article=withdrawn, by=editor)
    live = make_article()
    assert ids(api(STORIES)) == [live.pk]
    for story in [*hidden.values(), embargoed, withdrawn]:
        response = api(reverse("api:story", kwargs={"pk": story.pk}))
        assert response.status_code == 404
    assert api(reverse("api:story", kwargs={"pk": 10**30})).status_code == 404


def test_a_repeated_get_with_the_etag_is_a_304_and_a_change_makes_a_new_etag(api):
    story = make_article()
    first = api(STORIES)
    etag = first["ETag"]
    assert etag and first["Cache-Control"].startswith("public, max-age=")
    again = api(STORIES, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    story.title = "A new title"
    story.save()
    changed = api(STORIES, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cache_control_never_outlives_the_next_scheduled_story(api):
    make_article()
    make_article(published_at=timezone.now() + timedelta(seconds=30))
    max_age = int(api(STORIES)["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age <= 30


@pytest.mark.parametrize("count", [1, 50])
def test_query_count_is_fixed_whatever_the_number_of_stories(
    api, client, django_assert_num_queries, count
):
    editor = make_editor()
    section = make_category()
    for n in range(count):
        story = make_article(category=section, author=editor)
        make_comment(story)
        correction_add(article=story, by=editor, wrong=f"w{n}", right=f"r{n}")
    client.get(STORIES)  # the site's version, read once and then kept in the cache
    with django_assert_num_queries(2):  # stories with joins and counts; their corrections
        response = client.get(STORIES, {"limit": 100})
    assert len(response.json()["results"]) == count
    with django_assert_num_queries(2):
        client.get(reverse("api:story", kwargs={"pk": story.pk}))
    with django_assert_num_queries(1):
        client.get(reverse("api:sections"))


def test_cursor_pages_walk_every_story_once_in_a_stable_order(api):
    moment = timezone.now() - timedelta(hours=1)
    section = make_category()
    # Five share one publication time: the id breaks the tie.
    stories = [make_article(category=section, published_at=moment) for _ in range(5)]
    stories += [make_article(category=section) for _ in range(6)]
    expected = [s.pk for s in sorted(stories, key=lambda s: (s.published_at, s.pk), reverse=True)]
    seen, url, params = [], STORIES, {"limit": 3}
    while url:
        page = api(url, params).json()
        seen += [story["id"] for story in page["results"]]
        url, params = page["next"], None
        if url:
            assert "cursor" in parse_qs(urlsplit(url).query)
    assert seen == expected


def test_filters_by_section_dates_and_updated_since(api):
    now = timezone.now()
    science, sport = make_category(slug="science"), make_category(slug="sport")
    old = make_article(category=science, published_at=now - timedelta(days=10))
    new = make_article(category=science, published_at=now - timedelta(days=1))
    other = make_article(category=sport, published_at=now - timedelta(days=1))
    assert ids(api(STORIES, {"section": "science"})) == [new.pk, old.pk]
    assert set(ids(api(STORIES, {"published_after": (now - timedelta(days=2)).isoformat()}))) == {
        new.pk,
        other.pk,
    }
    before = (now - timedelta(days=5)).date().isoformat()
    assert ids(api(STORIES, {"published_before": before})) == [old.pk]
    Article.objects.filter(pk__in=[old.pk, new.pk, other.pk]).update(
        updated_at=now - timedelta(days=20)
    )
    old.title = "Updated"
    old.save()
    since = (now - timedelta(hours=1)).isoformat()
    assert ids(api(STORIES, {"updated_since": since})) == [old.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "made-up"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "x"},
        {"published_after": "yesterday"},
        {"updated_since": "2026-13-45"},
    ],
)
def test_bad_parameters_are_a_clear_400(api, params):
    response = api(STORIES, params)
    assert response.status_code == 400
    assert response.json()["error"]["message"]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["cursor", "limit", "section", "published_after", "updated_since"]),
    value=st.text(max_size=40),
)
def test_any_parameter_value_answers_200_or_400_never_500(api, name, value):
    response = api(STORIES, {name: value})  # a NUL too: it was a 500 on PostgreSQL
    assert response.status_code in (200, 400)
    if refused_query(value):
        assert "control characters" in response.json()["error"]["message"]


def test_sections(api):
    section = make_category(name="Science", slug="science")
    data = api(reverse("api:sections")).json()
    assert data["next"] is None
    assert {
        "id": section.pk,
        "name": "Science",
        "slug": "science",
        "url": "http://testserver/category/science/",
    } in data["results"]


def test_cors_allows_reading_only(client):
    response = client.get(STORIES, HTTP_ORIGIN="https://app.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        STORIES, HTTP_ORIGIN="https://app.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    for method in (client.post, client.put, client.delete, client.patch):
        refused = method(STORIES)
        assert refused.status_code == 405 and "GET" in refused["Allow"]


def test_rate_limit_per_client_address(client, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(STORIES, REMOTE_ADDR="203.0.113.5").status_code == 200
    limited = client.get(STORIES, REMOTE_ADDR="203.0.113.5")
    assert limited.status_code == 429 and limited["Retry-After"]
    assert client.get(STORIES, REMOTE_ADDR="203.0.113.6").status_code == 200


def test_behind_a_proxy_the_limit_follows_the_forwarded_address(client, settings):
    settings.API_RATE_LIMIT = 2
    settings.NUM_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        assert client.get(STORIES, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 200
    assert client.get(STORIES, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    # A client cannot escape by inventing hops: only the one our proxy added counts.
    spoofed = "1.2.3.4, 198.51.100.7"
    assert client.get(STORIES, HTTP_X_FORWARDED_FOR=spoofed, **proxy).status_code == 429
    assert client.get(STORIES, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 200
