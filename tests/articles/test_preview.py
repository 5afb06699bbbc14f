"""Staff preview of stories that are not public: real template, never cached, never indexed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.conftest import log_in_staff
from tests.factories import make_article, make_editor, make_journalist, make_user

pytestmark = pytest.mark.django_db


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


@pytest.fixture
def author():
    return make_journalist("author")


@pytest.fixture(params=["draft", "review", "scheduled"])
def hidden_story(request, author):
    if request.param == "scheduled":
        return make_article(
            author=author,
            title="Hidden <em>story</em>",
            published_at=timezone.now() + timedelta(days=1),
        )
    status = {"draft": Article.Status.DRAFT, "review": Article.Status.IN_REVIEW}[request.param]
    return make_article(
        author=author, title="Hidden <em>story</em>", status=status, body="A paragraph **in bold**."
    )


def assert_private_preview(response, article):
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    # The real story template: same headline, meta and body markup as the public page.
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    assert "<h1>Hidden &lt;em&gt;story&lt;/em&gt;</h1>" in page
    assert '<div class="story-body">' in page
    assert "Preview" in page and "not public" in page


def test_author_and_editor_preview_the_story(client, author, hidden_story):
    user = author if hidden_story.status != Article.Status.PUBLISHED else make_editor()
    log_in_staff(client, user)
    assert_private_preview(client.get(preview_url(hidden_story)), hidden_story)
    log_in_staff(client, make_editor())
    assert_private_preview(client.get(preview_url(hidden_story)), hidden_story)


def test_others_are_refused_and_the_public_url_is_404(client, hidden_story):
    url = preview_url(hidden_story)
    # Anonymous visitors and logged-in readers are sent to log in.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(make_user("reader"))
    assert client.get(url).status_code == 302
    # Staff who may not change this story (another journalist, role-less staff) get 403.
    log_in_staff(client, make_journalist("colleague"))
    assert client.get(url).status_code == 403
    log_in_staff(client, make_user("intern", is_staff=True))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(hidden_story.get_absolute_url()).status_code == 404


def test_journalist_cannot_preview_own_story_once_an_editor_scheduled_it(client, author):
    # Preview follows the right to change: a scheduled story belongs to the editors.
    story = make_article(author=author, published_at=timezone.now() + timedelta(hours=2))
    log_in_staff(client, author)
    assert client.get(preview_url(story)).status_code == 403


def test_preview_of_unknown_story_is_404(client):
    log_in_staff(client, make_editor())
    assert client.get(reverse("admin:articles_article_preview", args=[999999])).status_code == 404
    assert client.get("/admin/articles/article/not-a-number/preview/").status_code == 404


def test_preview_renders_the_body_sanitised(client):
    story = make_article(status=Article.Status.DRAFT, body="Hi <script>alert(1)</script>")
    log_in_staff(client, make_editor())
    page = client.get(preview_url(story)).content.decode()
    assert "<script>alert(1)</script>" not in page
