"""A reader who posts a comment sees it confirmed and highlighted where the page opens."""

import pytest

from comments.models import Comment
from tests.browser.forms import comment_form_ready
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_published_comment_is_confirmed_and_highlighted(open_page, log_in, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    story = make_article(title="Harbour council approves the new ferry", body="Close vote.")
    reader = make_user("reader")
    page = open_page("phone")
    log_in(page, reader)
    page.goto(story.get_absolute_url())
    comment_form_ready(page)
    page.fill("#comment-form [name=body]", "A ferry at last.")
    page.locator("#comment-form [type=submit]").click()
    page.wait_for_load_state()

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    posted = page.locator(f"#c{comment.pk}")
    assert posted.locator(".messages-here").inner_text().strip() == (
        "Thank you. Your comment is published."
    )
    # Highlighted (the page opened at it), and Reply and Delete share one row at one size.
    assert posted.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    reply = posted.get_by_role("link", name="Reply")
    delete = posted.get_by_role("button", name="Delete")
    assert reply.bounding_box()["y"] == pytest.approx(delete.bounding_box()["y"], abs=4)
    size = "el => getComputedStyle(el).fontSize"
    assert reply.evaluate(size) == delete.evaluate(size)
