"""Accessibility and validity by tools nobody on the project wrote, on pages with real content.

axe-core with the WCAG 2.2 AA rules: no serious or critical violation on the public pages (as a
reader and logged in) and on the newsroom's story list, story form and moderation list. The Nu
HTML Checker: no error on the public pages, with a story that has an image, comments, replies
and trackbacks, and a title pasted with a C1 control character in it.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from comments.models import Comment
from linkbacks.models import SentLinkback
from tests.factories import (
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_image_upload,
    make_trackback,
    make_user,
)

from .checkers import axe_report, axe_violations, missing_tools, nu_errors

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _tools():
    if (missing := missing_tools()) is not None:
        pytest.fail(missing)


@pytest.fixture
def newsroom(settings):
    """A small site: a story with an image, discussion and pings, others beside it."""
    settings.COMMENTS_MIN_SECONDS = 0
    editor = make_editor("erin", first_name="Erin", last_name="Editor")
    section = make_category("Harbour", slug="harbour")
    other = make_category("Weather", slug="weather")
    for n in range(3):
        make_article(
            title=f"Older harbour story {n}",
            slug=f"older-{n}",
            category=section,
            author=editor,
            standfirst="The tide turned.",
            published_at=timezone.now() - timedelta(days=n + 1, microseconds=123_457),
        )
    make_article(title="Storm warning", slug="storm", category=other)
    story = services.article_save(
        article=Article(
            title="Harbour council\x85 approves the new ferry",
            slug="ferry",
            category=section,
            standfirst="A vote of seven to four.",
            body="The vote was close.\n\n## What next\n\nA *new* ferry, [details](https://example.com/).",
            author=editor,
            image=make_image_upload("ferry.jpg", size=(1600, 1000)),
            image_alt="The ferry at the quay",
            image_caption="The old ferry",
            image_credit="Photo: Newsroom",
            trackback_targets="",
        ),
        by=editor,
    )
    story = services.article_publish(article=story, by=editor)
    first = make_comment(story, name="Ada Reader", body="A ferry at last.\n\nAbout time.")
    make_comment(story, name="Bo", body="Agreed.", parent=first)
    make_trackback(
        story,
        "https://blog.example.com/ferry",
        name="Harbour blog",
        title="On the ferry vote",
        body="They voted.",
        status=Comment.Status.APPROVED,
        verification=Comment.Verification.LINKED,
    )
    SentLinkback.objects.create(
        article=story, target_url="https://other.example.com/post", status="sent"
    )
    profile = editor.author_profile
    profile.bio = "Covers the harbour.\n\nBefore that, the weather."
    profile.photo = make_image_upload("erin.png", fmt="PNG", size=(320, 320))
    profile.save()
    return {"editor": editor, "story": story, "section": section, "author": profile}


def public_pages(newsroom):
    story = newsroom["story"]
    return {
        "home": "/",
        "story": story.get_absolute_url(),
        "section": newsroom["section"].get_absolute_url(),
        "search": "/search/?q=ferry",
        "login": reverse("account_login"),
        "author": newsroom["author"].get_absolute_url(),
    }


def test_the_title_lost_its_control_character(newsroom):
    assert newsroom["story"].title == "Harbour council approves the new ferry"


@pytest.mark.parametrize("page_name", ["home", "story", "section", "search", "login", "author"])
def test_public_pages_have_no_serious_accessibility_violations(open_page, newsroom, page_name):
    page = open_page("desktop")
    page.goto(public_pages(newsroom)[page_name])
    violations = axe_violations(page)
    assert not violations, axe_report(violations)


def test_a_logged_in_readers_story_page_has_no_serious_violations(open_page, log_in, newsroom):
    page = open_page("phone")
    log_in(page, make_user("blogger"))
    page.goto(newsroom["story"].get_absolute_url())
    page.get_by_text("Send a trackback").click()  # the folded form is checked too
    violations = axe_violations(page)
    assert not violations, axe_report(violations)


@pytest.mark.parametrize(
    "admin_page", ["story list", "story form", "new story", "moderation", "author page"]
)
def test_newsroom_admin_pages_have_no_serious_violations(open_page, log_in, newsroom, admin_page):
    make_comment(newsroom["story"], name="Held", body="Wait.", status=Comment.Status.PENDING)
    url = {
        "story list": reverse("admin:articles_article_changelist"),
        "story form": reverse("admin:articles_article_change", args=[newsroom["story"].pk]),
        "new story": reverse("admin:articles_article_add"),
        "moderation": reverse("admin:comments_comment_changelist"),
        "author page": reverse("admin:articles_authorprofile_change", args=[newsroom["author"].pk]),
    }[admin_page]
    page = open_page("desktop")
    # A superuser sees every part of these pages (the pings' table needs its own permission).
    log_in(page, make_editor("root", is_superuser=True))
    page.goto(url)
    violations = axe_violations(page)
    assert not violations, axe_report(violations)


def test_public_pages_are_valid_html(open_page, log_in, newsroom, tmp_path):
    page = open_page("desktop")
    documents = {}
    for name, url in public_pages(newsroom).items():
        response = page.request.get(url)
        assert response.status == 200, url
        documents[name] = response.text()
    log_in(page, make_user("blogger"))
    documents["story-logged-in"] = page.request.get(newsroom["story"].get_absolute_url()).text()
    # The page really holds what makes it hard: a picture, a thread and a trackback.
    story = documents["story"]
    assert "<img" in story and "Ada Reader" in story and "On the ferry vote" in story
    assert 'class="author-photo"' in documents["author"]

    errors = nu_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)


def test_the_checks_catch_a_regression(open_page, newsroom, tmp_path):
    """The checkers are live: kicker links back at 15 px, and a time with microseconds plus a
    C1 control in a page, are each reported (so a green run means something)."""
    page = open_page("desktop")
    page.goto("/")
    page.evaluate(
        """() => document.querySelectorAll('.kicker a').forEach(a => {
            a.style.display = 'inline'; a.style.minHeight = '0'; a.style.lineHeight = '15px';
        })"""
    )
    assert "target-size" in {v["id"] for v in axe_violations(page)}

    html = page.request.get("/").text()
    broken = html.replace('datetime="', 'datetime="2026-01-02T03:04:05.123456+00:00" data-x="', 1)
    broken = broken.replace("<h1", "<h1 title=\u0085", 1)
    errors = nu_errors({"broken": broken}, tmp_path)
    assert any("fraction of a second" in e or "datetime" in e for e in errors), errors
    assert any("U+0085" in e or "control" in e.lower() for e in errors), errors
