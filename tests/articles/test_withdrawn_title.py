"""Review: a withdrawn story may be rewritten before it returns. Until it does, its 410 page,
/corrections/ and the corrections feeds show the title it was published under, never the
unpublished one an editor is working on."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.corrections import correction_add
from tests.factories import make_article, make_editor

pytestmark = pytest.mark.django_db
PUBLISHED, REWORKED = "Bridge turns forty", "Unpublished new angle on the bridge scandal"


def test_a_withdrawn_story_being_rewritten_shows_only_what_was_published(client):
    editor = make_editor()
    story = make_article(title=PUBLISHED, published_at=timezone.now() - timedelta(days=2))
    correction = correction_add(article=story, by=editor, wrong="1998", right="1989")
    story.refresh_from_db()
    services.article_unpublish(article=story, by=editor)
    story.refresh_from_db()
    story.title = REWORKED  # the desk reworks it, unpublished
    services.article_save(article=story, by=editor)

    for url in (
        story.get_absolute_url(),
        reverse("articles:corrections"),
        reverse("articles:corrections_feed"),
        reverse("articles:corrections_feed_atom"),
    ):
        text = client.get(url).content.decode()
        assert REWORKED not in text, url
        assert PUBLISHED in text, url
    assert (
        f'href="{correction.get_absolute_url()}"'
        in client.get(reverse("articles:corrections")).content.decode()
    )


def test_a_live_story_shows_its_current_title_there(client):
    editor = make_editor()
    story = make_article(title=PUBLISHED)
    correction_add(article=story, by=editor, wrong="1998", right="1989")
    story.refresh_from_db()
    story.title = "Bridge turns forty, and the city celebrates"
    services.article_save(article=story, by=editor)
    for url in (reverse("articles:corrections"), reverse("articles:corrections_feed")):
        assert "and the city celebrates" in client.get(url).content.decode()
