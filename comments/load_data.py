"""Generated stories and comments in bulk, for load tests and benchmarks (never for readers).

Rows go in through `bulk_create` in batches, so the database does what it does for every insert:
PostgreSQL's trigger writes each story's search vector, SQLite's triggers fill the FTS table
(articles/search_index.py). Each story gets its first revision, as a story saved in the admin
does. Text is drawn from the seed page's words and made-up ones, Zipf-weighted, so search sees
common and rare words as in a real archive.
"""

import itertools
import random
import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, reset_queries, transaction
from django.db.models.functions import Length
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from articles import demo
from articles.models import Article, Category
from articles.rendering import render_markdown
from articles.search_index import bulk_indexing
from delivery import versions

from .models import Comment
from .rendering import comment_html

BATCH = 2000
VOCABULARY_SEED = 11
SLUG_PREFIX = "load-"
# Generated stories reach back ten years however many there are (an archive's real shape: the
# listings and sitemaps span years), and at least this far apart.
LOAD_SPAN = timedelta(days=3653)
STORY_SPACING = timedelta(minutes=7)
# Words the search benchmark asks for (benchmarks/search_latency.py), among the Zipf vocabulary.
NEWS_WORDS = ["harbour", "council", "budget", "tariff", "electric", "vehicle", "automotive"]
REVISION_REASON = "Generated load data"
# How generated comments end up: most shown, a few removed (placeholders), held or spam.
COMMENT_STATUSES = [
    (Comment.Status.APPROVED, 94),
    (Comment.Status.REMOVED, 2),
    (Comment.Status.PENDING, 3),
    (Comment.Status.SPAM, 1),
]
REPLY_SHARE = 0.2
# Words that are no Markdown or HTML syntax in a sentence of two or more (nor at a paragraph's
# start, as ": " would be): a body made of them renders as its paragraphs in <p>
# (tests/test_load_data_rendering.py checks it).
PLAIN_WORD = re.compile(r"[a-z0-9\u2022][a-z0-9,:'()\u2013\u2022]*")


@dataclass
class LoadDataResult:
    """What one load created; `thread` is the story that holds the long thread, if any."""

    stories: int = 0
    comments: int = 0
    thread: Article | None = None


class _Text:
    """Sentences and titles from a fixed vocabulary, reproducible from a seed."""

    SYLLABLES = ["ka", "ro", "mi", "ten", "sal", "bor", "vin", "qua", "del", "pho", "lux", "ter"]

    def __init__(self, rng: random.Random, vocabulary_rng: random.Random | None = None):
        self.rng = rng
        vocabulary_rng = vocabulary_rng or rng
        seed_text = demo.SEED_PAGE.read_text(encoding="utf-8")
        words = {w.strip(".,\"'()[]:;").lower() for w in seed_text.split()} - {""}
        words.update(NEWS_WORDS)
        while len(words) < 4000:
            syllables = vocabulary_rng.randint(2, 4)
            words.add("".join(vocabulary_rng.choice(self.SYLLABLES) for _ in range(syllables)))
        self.words = sorted(words)
        vocabulary_rng.shuffle(self.words)
        # Zipf: a few words in most stories, most words in few.
        weights = [1 / rank for rank in range(1, len(self.words) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.plain = all(PLAIN_WORD.fullmatch(word) for word in self.words)

    def words_of(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))

    def sentence(self, low: int, high: int) -> str:
        return self.words_of(self.rng.randint(low, high)).capitalize() + "."

    def body(self) -> tuple[str, str]:
        """A story's Markdown and its HTML, as render_markdown makes it (without its cost)."""
        paragraphs = [
            " ".join(self.sentence(8, 20) for _ in range(self.rng.randint(2, 4)))
            for _ in range(self.rng.randint(3, 6))
        ]
        markdown = "\n\n".join(paragraphs)
        return markdown, paragraphs_html(paragraphs) if self.plain else render_markdown(markdown)


def paragraphs_html(paragraphs: list[str]) -> str:
    """render_markdown's HTML for paragraphs of sentences of PLAIN_WORDs: each in <p>, as is."""
    return "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


@transaction.atomic
def load_data_create(
    *, stories: int, comments: int, thread: int = 2000, seed: int = 11, index_after: bool = False
) -> LoadDataResult:
    """Create published stories, and comments spread over them with one long thread.

    `index_after`: drop the search indexes for the load and build them after it (PostgreSQL;
    much faster for a big load, but the table is locked until the load commits).
    """
    rng = random.Random(seed)  # noqa: S311 (made-up text, reproducible; no secret)
    # Another seed gives other text over the same vocabulary (more stories for the same words).
    vocabulary = None if seed == VOCABULARY_SEED else random.Random(VOCABULARY_SEED)  # noqa: S311
    text = _Text(rng, vocabulary)
    result = LoadDataResult()
    categories = list(Category.objects.all())
    if not categories:
        categories = [Category.objects.create(name="General", slug="general")]
    first = _next_number()
    with bulk_indexing(connection, rebuild=index_after):
        story_ids = _stories_create(stories, first, categories, text)
    result.stories = len(story_ids)
    if story_ids and comments:
        long_thread = min(thread, comments)
        result.thread = Article.objects.get(pk=story_ids[0])  # the newest generated story
        targets = [story_ids[0]] * long_thread + [
            rng.choice(story_ids) for _ in range(comments - long_thread)
        ]
        result.comments = _comments_create(targets, rng, text)
    # bulk_create sends no row signals: forget the stored pages here.
    versions.change(versions.SITE)
    return result


def _next_number() -> int:
    """Number past the highest generated slug: deleted or hand-made ones then clash with none."""
    highest = (
        Article.objects.filter(slug__regex=rf"^{SLUG_PREFIX}(0|[1-9][0-9]*)$")
        .order_by(Length("slug").desc(), "-slug")
        .values_list("slug", flat=True)
        .first()
    )
    return int(highest.removeprefix(SLUG_PREFIX)) + 1 if highest else 0


def _stories_create(count: int, first: int, categories: list[Category], text: _Text) -> list[int]:
    """Create published stories, newest first, evenly spread over the last LOAD_SPAN."""
    now = timezone.now()
    spacing = max(STORY_SPACING, LOAD_SPAN / max(count, 1))
    story_ids = []
    for start in range(0, count, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, count)):
            article = Article(
                title=text.sentence(5, 10).rstrip("."),
                slug=f"{SLUG_PREFIX}{first + n}",
                category=categories[n % len(categories)],
                standfirst=text.sentence(12, 24),
                byline="Load Desk",
                status=Article.Status.PUBLISHED,
                published_at=now - spacing * (n + 1),
            )
            article.body, body_rendered = text.body()
            article.stored_text_refresh(body_rendered)  # bulk_create skips save(), which does it
            batch.append(article)
        created = bulk_create_with_history(
            batch, Article, batch_size=BATCH, default_change_reason=REVISION_REASON
        )
        story_ids.extend(article.pk for article in created)
        reset_queries()  # with DEBUG on, each batch's SQL (megabytes) would be kept to the end
    return story_ids


def _comments_create(story_ids: list[int], rng: random.Random, text: _Text) -> int:
    """Create one comment per entry of story_ids; some answer an earlier one on that story."""
    statuses, weights = zip(*COMMENT_STATUSES, strict=True)
    roots_by_story: dict[int, list[int]] = {}
    created = 0
    for start in range(0, len(story_ids), BATCH):
        roots, replies = [], []
        for story_id in story_ids[start : start + BATCH]:
            comment = Comment(
                article_id=story_id,
                name=f"Reader {rng.randrange(1, 50_000)}",
                body=text.sentence(6, 40),
                status=rng.choices(statuses, weights)[0],
            )
            comment.body_rendered = comment_html(comment.body)  # bulk_create skips save()
            (replies if rng.random() < REPLY_SHARE else roots).append(comment)
        for comment in Comment.objects.bulk_create(roots):
            if comment.status == Comment.Status.APPROVED:
                roots_by_story.setdefault(comment.article_id, []).append(comment.pk)
        for comment in replies:  # a story with nothing to answer yet gets a new thread
            earlier = roots_by_story.get(comment.article_id)
            comment.parent_id = rng.choice(earlier) if earlier else None
        Comment.objects.bulk_create(replies)
        created += len(roots) + len(replies)
    return created
