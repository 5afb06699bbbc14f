"""Control characters (C0, DEL and C1) never reach a stored text column, whatever the door;
machine-readable times carry whole seconds only, in one form everywhere."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import services
from articles.models import Category
from comments.models import Comment
from delivery.times import machine_time
from guards.text import CONTROL_CHARACTERS, stored_text_clean
from tests.factories import make_article, make_comment, make_editor

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]


def test_a_title_with_a_c1_control_is_stored_without_it():
    editor = make_editor()
    story = make_article(
        title="Harbour\x85 council\x9f votes\x07", standfirst="Line\x85one\nLine two"
    )
    story.refresh_from_db()
    assert story.title == "Harbour council votes"
    assert story.standfirst == "Lineone\nLine two"  # long text keeps its line breaks
    story.title = "Again\x80"
    services.article_save(article=story, by=editor)
    story.refresh_from_db()
    assert story.title == "Again"
    assert story.history.latest().title == "Again"  # the revision too


def test_sections_and_comments_are_cleaned_too():
    section = Category.objects.create(name="Sec\x90tion", slug="section", description="A\x85b")
    comment = make_comment(make_article(), name="Ada\x9b", body="Hi\x85 there\r\nBye")
    section.refresh_from_db()
    comment.refresh_from_db()
    assert (section.name, section.description) == ("Section", "Ab")
    assert (comment.name, comment.body) == ("Ada", "Hi there\r\nBye")


def test_comment_form_posts_lose_c1_controls_too(client, settings):
    from tests.factories import comment_form_data

    settings.COMMENTS_MIN_SECONDS = 0
    story = make_article()
    data = comment_form_data(story, name="Bo\x85", body="Fine\x9c words")
    client.post(f"{story.get_absolute_url()}comments/", data)
    comment = Comment.objects.get()
    assert (comment.name, comment.body) == ("Bo", "Fine words")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_the_rule_leaves_no_control_and_keeps_everything_else(text):
    row = Category(name=text, slug="s", description=text)
    stored_text_clean(Category, row)
    assert not CONTROL_CHARACTERS.search(row.name)
    assert row.name == "".join(c for c in text if c not in CONTROLS)
    assert row.description == "".join(c for c in text if c not in CONTROLS or c in "\t\n\r")


def test_machine_time_has_whole_seconds_and_the_offset(settings):
    settings.TIME_ZONE = "Europe/Paris"
    moment = datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
    assert machine_time(moment) == "2026-01-02T04:04:05+01:00"
    assert machine_time(None) == ""


def test_no_template_writes_a_time_for_machines_any_other_way():
    for template in (ROOT / "templates").rglob("*"):
        if template.is_file():
            text = template.read_text()
            assert not re.search(r"""\|date:["']c["']|w3c_datetime""", text), template


def test_pages_carry_times_without_fractions(client):
    story = make_article()
    make_comment(story)
    for url in ("/", story.get_absolute_url(), "/search/?q=story"):
        html = client.get(url).content.decode()
        times = re.findall(r'datetime="([^"]+)"', html)
        assert times, url
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", t) for t in times)
