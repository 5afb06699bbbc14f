"""URLs that never break: a live story's old addresses answer 301 to where it is now."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import services
from articles.models import Article, StoryRedirect
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_editor("erin")


@pytest.fixture
def story():
    return make_article(
        title="Harbour reopens",
        slug="harbour-reopens",
        published_at=timezone.now() - timedelta(days=3),
    )


def rename(story, slug, by):
    story = Article.objects.get(pk=story.pk)
    story.slug = slug
    return services.article_save(article=story, by=by)


def test_old_url_answers_301_after_a_slug_change_through_the_admin(client, story, editor):
    old_url = story.get_absolute_url()
    assert client.get(old_url).status_code == 200  # stored for anonymous readers now

    log_in_staff(client, editor)
    change = reverse("admin:articles_article_change", args=[story.pk])
    response = client.post(change, form_data(client.get(change), slug="harbour-reopens-at-last"))
    assert response.status_code == 302
    client.logout()

    story.refresh_from_db()
    new_url = story.get_absolute_url()
    assert new_url.endswith("/harbour-reopens-at-last/")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == new_url
    assert client.get(new_url).status_code == 200
    assert StoryRedirect.objects.get().created_by == editor


def test_old_url_answers_301_after_a_date_change(client, story, editor):
    old_url = story.get_absolute_url()
    story.published_at -= timedelta(days=2)
    services.article_save(article=story, by=editor)

    new_url = story.get_absolute_url()
    assert new_url != old_url
    response = client.get(old_url)
    assert (response.status_code, response["Location"]) == (301, new_url)
    assert client.get(new_url).status_code == 200


def test_chains_collapse_to_the_current_address(client, story, editor):
    a = story.get_absolute_url()
    b = rename(story, "harbour-b", editor).get_absolute_url()
    c = rename(story, "harbour-c", editor).get_absolute_url()

    for old in (a, b):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, c)
    # The query string goes along; the new address answers without another hop.
    assert client.get(a + "?comments=2")["Location"] == c + "?comments=2"
    assert client.get(c).status_code == 200


def test_renamed_back_the_address_is_the_story_again(client, story, editor):
    a = story.get_absolute_url()
    b = rename(story, "harbour-b", editor).get_absolute_url()
    rename(story, "harbour-reopens", editor)

    assert client.get(a).status_code == 200
    assert client.get(b)["Location"] == a
    assert not StoryRedirect.objects.filter(old_path=a).exists()


def test_a_redirect_never_leads_to_a_story_that_is_not_public(client, story, editor):
    old_url = story.get_absolute_url()
    rename(story, "harbour-b", editor)
    services.article_unpublish(article=Article.objects.get(pk=story.pk), by=editor)

    assert client.get(old_url).status_code == 404
    services.article_publish(article=Article.objects.get(pk=story.pk), by=editor)
    assert client.get(old_url).status_code == 301


def test_a_draft_renamed_leaves_no_redirect(story, editor):
    draft = make_article(status=Article.Status.DRAFT, slug="draft-one")
    rename(draft, "draft-two", editor)
    assert not StoryRedirect.objects.exists()


def test_editors_add_redirects_by_hand_and_journalists_cannot(client, story, editor):
    add = reverse("admin:articles_storyredirect_add")
    log_in_staff(client, make_journalist("jo"))
    assert client.get(add).status_code == 403

    log_in_staff(client, editor)
    response = client.post(
        add, {"old_path": "https://old.example.com/2019/05/03/misprint?x=1", "article": story.pk}
    )
    assert response.status_code == 302
    assert StoryRedirect.objects.get().old_path == "/2019/05/03/misprint/"
    client.logout()
    response = client.get("/2019/05/03/misprint/")
    assert (response.status_code, response["Location"]) == (301, story.get_absolute_url())


@pytest.mark.parametrize("path", ["/", "/feed/", "/category/x/", "/news/123.html"])
def test_a_redirect_by_hand_is_a_story_address(client, story, editor, path):
    log_in_staff(client, editor)
    response = client.post(
        reverse("admin:articles_storyredirect_add"), {"old_path": path, "article": story.pk}
    )
    assert response.status_code == 200
    assert "Only a story address (/yyyy/mm/dd/slug/)" in response.content.decode()
    assert not StoryRedirect.objects.exists()


def test_a_redirect_to_the_story_itself_is_refused(client, story, editor):
    log_in_staff(client, editor)
    response = client.post(
        reverse("admin:articles_storyredirect_add"),
        {"old_path": story.get_absolute_url(), "article": story.pk},
    )
    assert "would loop" in response.content.decode()
    assert not StoryRedirect.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    old_path=st.text(max_size=120)
    | st.from_regex(r"/20\d\d/\d\d/\d\d/[a-z0-9-]{1,20}/?", fullmatch=True)
)
def test_any_address_typed_by_hand_is_stored_as_a_story_path_or_refused(
    client, story, editor, old_path
):
    log_in_staff(client, editor)
    response = client.post(
        reverse("admin:articles_storyredirect_add"), {"old_path": old_path, "article": story.pk}
    )
    assert response.status_code in (200, 302)
    for redirect in StoryRedirect.objects.all():
        assert re.fullmatch(r"/\d{4}/\d{2}/\d{2}/[-\w]+/", redirect.old_path)
        assert redirect.old_path != story.get_absolute_url()
    StoryRedirect.objects.all().delete()
