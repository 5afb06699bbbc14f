"""Review of the desk (issue 12): pending text and drafts stay with those who may change them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import drafting
from tests.factories import make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db

LIVE = "The bridge opens on Monday."
PENDING = "The bridge opens on Tuesday, a secret kept aside."


@pytest.fixture
def story():
    return make_article(title="Bridge", body=LIVE, published_at=timezone.now() - timedelta(days=1),
                        author=make_journalist("jamie"))  # fmt: skip


def test_a_colleague_who_may_only_view_the_story_never_sees_its_pending_changes(client, story):
    story.body = PENDING
    drafting.pending_save(article=story, by=make_editor("erin"))
    story.refresh_from_db()
    client.force_login(make_journalist("colleague"))
    change = reverse("admin:articles_article_change", args=[story.pk])
    for url in (change + "?draft=pending",
                reverse("admin:articles_article_preview", args=[story.pk]) + "?draft=pending"):
        response = client.get(url)
        assert PENDING not in response.content.decode(), url


@pytest.mark.parametrize("src", [
    "/media/articles/body/%2e%2e/%2e%2e/%2e%2e/admin/logout/",
    "/media/articles/body/.%2E/.%2e/.%2e/search/",
    "/media/articles/body/%2E%2e%2F%2e%2e%2Fadmin/",
])  # fmt: skip
def test_a_body_image_cannot_leave_the_uploads_folder_with_encoded_dots(src):
    from articles.rendering import render_markdown

    # Browsers read %2e%2e as "..": the image would load another page of the site.
    assert "<img" not in render_markdown(f"![x]({src})")
