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
