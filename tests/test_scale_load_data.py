"""`generate_load_data` makes stories and comments in bulk that behave like written ones."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from articles.models import Article
from comments.load_data import SLUG_PREFIX
from comments.models import Comment
from search.backends import search_backend
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def generated():
    return Article.objects.filter(slug__startswith=SLUG_PREFIX)


def test_stories_and_comments_with_one_long_thread(capsys):
    sections = [make_category(), make_category()]
    call_command("generate_load_data", stories=40, comments=400, thread=120)
    out = capsys.readouterr().out
    assert "Created 40 stories and 400 comments" in out
    stories = generated()
    assert stories.count() == Article.objects.published().count() == 40
    # Spread over the sections, newest first, none in the future.
    assert {s.category for s in stories} == set(sections)
    newest = Article.objects.published().for_listing().first()
    assert newest.slug == f"{SLUG_PREFIX}0" and newest.get_absolute_url() in out
    thread = Comment.objects.filter(article=newest)
    assert thread.count() >= 120
    assert Comment.objects.count() == 400
    assert Comment.objects.comments().in_thread().count() > 350  # most are shown
    # A reply answers an approved comment of its own story.
    replies = Comment.objects.filter(parent__isnull=False)
    assert replies.exists()
    assert not replies.exclude(parent__article=F("article")).exists()
    assert not replies.exclude(parent__status=Comment.Status.APPROVED).exists()
    # Their HTML is stored as save() would store it, though bulk inserts skip save().
    assert not Comment.objects.filter(body_rendered="").exists()


def test_generated_stories_are_searchable_and_have_a_first_revision():
    make_category()
    call_command("generate_load_data", stories=25)
    story = generated().get(slug=f"{SLUG_PREFIX}7")
    title_word = max(story.title.split(), key=len)
    found = search_backend().window(title_word, start=0, stop=100)
    assert story in found  # the index was filled as rows went in
    # Rendered once, as a story written through save() is: pages never render it again.
    assert story.body_rendered.startswith("<p>") and story.description
    assert story.search_excerpt and "<" not in story.search_excerpt
    # An archive's shape: the stories reach back ten years, however few there are.
    oldest = generated().order_by("published_at").first()
    assert 3640 <= (timezone.now() - oldest.published_at).days <= 3660
    revisions = Article.history.filter(slug__startswith=SLUG_PREFIX)
    assert revisions.count() == 25
    assert set(revisions.values_list("history_change_reason", flat=True)) == {"Generated load data"}


def test_a_second_run_adds_stories_beside_the_first():
    call_command("generate_load_data", stories=5, comments=10, thread=3)
    call_command("generate_load_data", stories=5, comments=10, thread=3)
    assert generated().count() == 10  # new slugs, no collision
    per_story = generated().annotate(n=Count("comments")).filter(n__gte=3)
    assert per_story.count() >= 2  # each run's newest story has its thread


def test_a_second_run_after_a_deletion_adds_its_stories():
    call_command("generate_load_data", stories=5)
    Article.objects.get(slug=f"{SLUG_PREFIX}2").delete()
    call_command("generate_load_data", stories=5)
    assert generated().count() == 9
    assert generated().filter(slug=f"{SLUG_PREFIX}9").exists()  # numbered on from the highest


@pytest.mark.parametrize("typed", ["3", "03", "x"])
def test_a_written_story_whose_slug_starts_like_generated_ones_is_no_obstacle(typed):
    make_article(slug=f"{SLUG_PREFIX}{typed}")  # e.g. "load-3" typed by a journalist
    call_command("generate_load_data", stories=5)
    assert generated().count() == 6


@pytest.mark.parametrize(
    "options",
    [{"stories": -1}, {"stories": 0, "comments": 5}, {"stories": 3, "thread": -2}],
)
def test_impossible_sizes_are_refused(options):
    with pytest.raises(CommandError):
        call_command("generate_load_data", **options)
    assert not generated().exists()


def test_index_after_builds_the_search_indexes_again_and_finds_the_stories():
    from django.db import connection

    from articles import search_index

    make_category()
    before = search_index.search_strategy(connection)
    postgres = connection.vendor == "postgresql"
    indexes = search_index.pg_search_indexes(connection) if postgres else set()
    call_command("generate_load_data", stories=15, index_after=True)
    story = generated().get(slug=f"{SLUG_PREFIX}4")
    title_word = max(story.title.split(), key=len)
    assert story in search_backend().window(title_word, start=0, stop=100)
    assert search_index.search_strategy(connection) == before
    if postgres:
        assert search_index.pg_search_indexes(connection) == indexes
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [search_index.TITLE_INDEX])
            assert cursor.fetchone() is not None
