"""Autosave when the writer leaves the page (no waiting for the 20-second timer), and none when
they save the form."""

import time

import pytest

from articles.models import Article, DraftRevision
from tests.factories import make_article, make_journalist

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_leaving_the_page_autosaves_and_saving_does_not(open_page, log_in):
    writer = make_journalist("jamie")
    story = make_article(status=Article.Status.DRAFT, author=writer, body="Notes.")
    page = open_page("desktop")
    log_in(page, writer)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.locator("#id_body").fill("Typed, then the tab was left.")
    page.goto("/admin/")  # leaving: the script sends what was typed with sendBeacon
    assert wait_for(lambda: DraftRevision.objects.filter(kind="autosave").exists())
    assert DraftRevision.objects.get().body == "Typed, then the tab was left."
    story.refresh_from_db()
    assert story.body == "Notes."

    page.goto(f"/admin/articles/article/{story.pk}/change/?draft=autosave")
    page.locator("#id_body").fill("Saved for real.")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    story.refresh_from_db()
    assert story.body == "Saved for real."
    time.sleep(0.5)
    assert not DraftRevision.objects.exists()  # used up by the save; no beacon after submit
