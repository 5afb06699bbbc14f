"""The desk's pages fit their screens: the story list at 1280 px shows every column, the
revisions page on a phone never scrolls sideways."""

import pytest

from articles import services
from articles.models import Article
from tests.factories import make_article, make_editor

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Harbour council approves the new ferry after a long night of votes"


def test_the_story_list_shows_every_column_at_desktop_width(open_page, log_in):
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    for n in range(3):
        make_article(title=f"{TITLE} {n}", author=editor)
    make_article(title="Draft waiting", status=Article.Status.DRAFT)
    page = open_page("desktop")
    log_in(page, editor)
    page.goto("/admin/articles/article/")
    hidden = page.evaluate(
        "(() => { const r = document.querySelector('.results');"
        " return r.scrollWidth - r.clientWidth; })()"
    )
    assert hidden <= 0
    assert page.get_by_role("link", name="View on site").first.is_visible()
    # A title reads as a title: a few lines at most, not a word a line.
    height = page.locator("td.field-title, th.field-title").first.bounding_box()["height"]
    assert height < 80


def test_the_revisions_page_fits_a_phone(open_page, log_in):
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    story = make_article(title=TITLE, author=editor)
    for n in range(3):
        story.body = f"Version {n} of a body long enough to matter."
        services.article_save(article=story, by=editor)
    page = open_page("phone")
    log_in(page, editor)
    page.goto(f"/admin/articles/article/{story.pk}/revisions/")
    assert page.locator("#revision-list").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_story_form_with_its_editor_fits_a_phone(open_page, log_in):
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    story = make_article(title=TITLE, status=Article.Status.IN_REVIEW, body="# Heading\n\nText.")
    page = open_page("phone")
    log_in(page, editor)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.get_by_text("Send back to the journalist with a note").click()
    page.get_by_role("button", name="Image…").click()
    page.locator(".md-preview-body h2").wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
