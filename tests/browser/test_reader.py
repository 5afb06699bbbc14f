"""A reader in a real browser: the story page at phone and desktop width, and a comment sent
through the page's own form (its script fetches the time-trap stamp when the form is focused)."""

import pytest

from comments.models import Comment
from tests.browser.forms import comment_form_ready
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story():
    return make_article(title="Harbour council approves the new ferry", body="The vote was close.")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_story_page_fits_the_screen_and_shows_its_sections(open_page, story, width):
    page = open_page(width)
    page.goto(story.get_absolute_url())

    assert page.locator("h1").inner_text() == "Harbour council approves the new ferry"
    assert page.get_by_text("Write comment").count() >= 1
    assert page.get_by_text("You need to login.").count() >= 1
    # Nothing pushes the page sideways on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_a_reader_posts_a_comment_through_the_form(open_page, story, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    page = open_page("phone")
    page.goto(story.get_absolute_url())

    comment_form_ready(page)  # starting to write fetches a fresh time stamp
    page.fill("#comment-form [name=name]", "Ada Reader")
    page.fill("#comment-form [name=email]", "ada@example.com")
    page.fill("#comment-form [name=body]", "A ferry at last; the old one was always late.")
    page.locator("#comment-form [type=submit]").click()
    page.wait_for_load_state()

    comment = Comment.objects.get()
    assert comment.body == "A ferry at last; the old one was always late."
    assert page.get_by_text("A ferry at last; the old one was always late.").count() == 1


def test_a_logged_in_reader_sees_the_trackback_form(open_page, log_in, story):
    reader = make_user("blogger")
    page = open_page("desktop")
    log_in(page, reader)
    page.goto(story.get_absolute_url())

    assert page.get_by_text("You need to login.").count() == 0
    assert not page.locator("#tb-url").is_visible()  # folded until asked for
    page.get_by_text("Send a trackback").click()
    assert page.locator("#tb-url").is_visible()
