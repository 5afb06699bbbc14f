"""Corrections: appended to a live story, shown everywhere it is, never removed by any door."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.corrections import correction_add
from articles.models import AppendOnly, Article, Correction
from tests.conftest import log_in_staff
from tests.factories import form_data, make_article, make_editor, make_journalist

pytestmark = pytest.mark.django_db
WRONG = "The bridge opened in 1998."
RIGHT = "The bridge opened in 1989."


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def story(editor):
    return make_article(
        title="Bridge turns forty",
        author=editor,
        published_at=timezone.now() - timedelta(days=2),
    )


@pytest.fixture
def corrected(story, editor):
    correction = correction_add(article=story, by=editor, wrong=WRONG, right=RIGHT)
    story.refresh_from_db()
    return story, correction


def json_ld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_a_correction_appears_on_the_page_in_a_marked_box(client, corrected):
    story, correction = corrected
    page = client.get(story.get_absolute_url()).content.decode()
    box = page[page.index('<aside class="corrections"') : page.index("</aside>")]
    assert WRONG in box and RIGHT in box
    assert f'id="correction-{correction.pk}"' in box


def test_the_page_already_stored_shows_the_correction_at_once(client, story, editor):
    assert RIGHT not in client.get(story.get_absolute_url()).content.decode()  # now stored
    correction_add(article=story, by=editor, wrong=WRONG, right=RIGHT)
    assert RIGHT in client.get(story.get_absolute_url()).content.decode()


def test_json_ld_carries_the_correction_and_date_modified_moves(client, story, editor):
    before = json_ld(client.get(story.get_absolute_url()))
    assert "correction" not in before
    # Times for machines are whole seconds (delivery.times): correct the story a little later.
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        correction_add(article=story, by=editor, wrong=WRONG, right=RIGHT)
    after = json_ld(client.get(story.get_absolute_url()))
    [entry] = after["correction"]
    assert entry["@type"] == "CorrectionComment"
    assert RIGHT in entry["text"] and WRONG in entry["text"]
    assert after["dateModified"] > before["dateModified"]


def test_corrections_page_lists_every_correction_newest_first(client, corrected, editor):
    _story, first = corrected
    other = make_article(title="Council budget")
    second = correction_add(article=other, by=editor, wrong="4 million", right="40 million")
    page = client.get(reverse("articles:corrections")).content.decode()
    assert page.index(f'id="correction-{second.pk}"') < page.index(f'id="correction-{first.pk}"')
    assert f'href="{first.get_absolute_url()}"' in page


@pytest.mark.parametrize("name", ["articles:corrections_feed", "articles:corrections_feed_atom"])
def test_corrections_feeds_carry_the_correction(client, corrected, name):
    story, correction = corrected
    feed = feedparser.parse(client.get(reverse(name)).content)
    assert not feed.bozo
    [entry] = feed.entries
    assert entry.title == f"Correction: {story.title}"
    assert entry.link.endswith(f"{story.get_absolute_url()}#correction-{correction.pk}")
    assert RIGHT in entry.summary


def test_story_feeds_updated_moves_with_a_correction(client, story, editor):
    def updated():
        feed = feedparser.parse(client.get(reverse("articles:feed_atom")).content)
        return next(e.updated for e in feed.entries if e.title == story.title)

    before = updated()
    correction_add(article=story, by=editor, wrong=WRONG, right=RIGHT)
    assert updated() > before


def test_the_correction_is_kept_in_the_story_history(corrected):
    story, correction = corrected
    latest = story.history.order_by("-history_id").first()
    assert latest.history_change_reason.startswith(f"Correction {correction.pk}: ")


def test_editing_or_restoring_the_story_cannot_remove_a_correction(client, corrected, editor):
    story, correction = corrected
    first_revision = story.history.order_by("history_id").first()
    story.body = "A rewritten body without the old claim."
    services.article_save(article=story, by=editor)
    services.article_revision_restore(
        article=story, revision_id=first_revision.history_id, by=editor
    )
    assert list(story.corrections.all()) == [correction]
    assert RIGHT in client.get(story.get_absolute_url()).content.decode()


def test_no_door_edits_or_deletes_a_correction(corrected, editor):
    story, correction = corrected
    correction.right = "Something else"
    with pytest.raises(AppendOnly):
        correction.save()
    with pytest.raises(AppendOnly):
        correction.delete()
    with pytest.raises(AppendOnly):
        Correction.objects.filter(pk=correction.pk).update(right="Changed")
    with pytest.raises(AppendOnly):
        Correction.objects.filter(pk=correction.pk).delete()
    with pytest.raises(PermissionDenied):
        services.article_delete(article=story, by=editor)
    assert Correction.objects.get(pk=correction.pk).right == RIGHT


def test_deleting_the_editor_keeps_the_correction(corrected, editor):
    _story, correction = corrected
    editor.delete()
    correction.refresh_from_db()
    assert correction.created_by is None and correction.right == RIGHT


def test_only_editors_correct_and_only_live_stories(story):
    with pytest.raises(PermissionDenied):
        correction_add(article=story, by=make_journalist(), wrong=WRONG, right=RIGHT)
    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError):
        correction_add(article=draft, by=make_editor(), wrong=WRONG, right=RIGHT)
    with pytest.raises(ValidationError):
        correction_add(article=story, by=make_editor(), wrong="  ", right=RIGHT)
    assert not Correction.objects.exists()


def test_a_withdrawn_corrected_story_answers_410_with_its_corrections(client, corrected, editor):
    story, correction = corrected
    services.article_unpublish(article=story, by=editor)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    page = response.content.decode()
    assert "withdrawn" in page and RIGHT in page
    listing = client.get(reverse("articles:corrections")).content.decode()
    assert f'href="{correction.get_absolute_url()}"' in listing


def test_a_withdrawn_story_without_corrections_is_still_a_plain_404(client, story, editor):
    services.article_unpublish(article=story, by=editor)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_the_admin_appends_a_correction_through_the_service(client, story, editor):
    log_in_staff(client, editor)
    change = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    url = reverse("admin:articles_article_correct", args=[story.pk])
    assert url in change.content.decode()
    page = client.get(url)
    data = form_data(page, form_id="correction_form", wrong=WRONG, right=RIGHT)
    response = client.post(url, data)
    assert response.status_code == 302
    correction = story.corrections.get()
    assert (correction.wrong, correction.right, correction.created_by) == (WRONG, RIGHT, editor)
    # Shown on the change form, read-only: nothing there can change or delete it.
    change = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert RIGHT in change and 'name="corrections-0-right"' not in change


def test_a_journalist_cannot_open_the_correction_page(client, story):
    journalist = make_journalist()
    log_in_staff(client, journalist)
    url = reverse("admin:articles_article_correct", args=[story.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"wrong": WRONG, "right": RIGHT}).status_code == 403
    assert not Correction.objects.exists()


def test_saving_a_copy_loaded_before_the_correction_does_not_hide_it(client, story, editor):
    stale = Article.objects.get(pk=story.pk)  # an edit form opened before the correction
    correction_add(article=story, by=editor, wrong=WRONG, right=RIGHT)
    stale.title = "Bridge turns forty (updated)"
    services.article_save(article=stale, by=editor)
    stale.save()  # and a save from the shell, around the services
    assert Article.objects.get(pk=story.pk).corrections_count == 1
    assert RIGHT in client.get(story.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [1, 25])
def test_corrections_page_and_feed_cost_fixed_queries(
    client, settings, editor, count, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(count):
        correction_add(article=make_article(), by=editor, wrong=f"w{n}", right=f"r{n}")
    client.get(reverse("articles:corrections"))  # the footer's archive months, then cached
    # The count, the section navigation, then one page with its stories and their sections.
    with django_assert_num_queries(3):
        page = client.get(reverse("articles:corrections"))
    assert page.content.decode().count('class="corrections" id="correction-') == min(count, 20)
    with django_assert_num_queries(1):
        client.get(reverse("articles:corrections_feed"))
