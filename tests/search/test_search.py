"""Full-text search at /search/: the same behaviour on PostgreSQL and SQLite.

Run the suite on both databases (`make test`, then with DATABASE_URL=postgres://...) to cover
both search paths; the few tests that concern one database's index skip on the other.
"""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.demo.load import demo_load
from articles.models import Article
from delivery import versions
from search.query import clean_query, fts5_expression, parse_websearch
from tests.conftest import refused_query
from tests.factories import make_article, make_category, make_hidden_stories

pytestmark = pytest.mark.django_db

SEED_TITLE = "Japan, Indonesia Seek Stronger Cooperation in Automotive Industry"
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL index")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 index")


def search(client, query, **params):
    response = client.get(reverse("search:search"), {"q": query, **params})
    assert response.status_code == 200, query
    return response


def titles(response):
    html = response.content.decode()
    return [unescape(t) for t in re.findall(r'<h2><a href="[^"]+">([^<]*)</a></h2>', html)]


@pytest.fixture
def newsroom():
    demo_load(with_users=False)


@pytest.mark.parametrize("query", ["automotive", "Kartasasmita", '"electric vehicle"'])
def test_search_finds_the_seed_story(client, newsroom, query):
    found = titles(search(client, query))
    assert found[0] == SEED_TITLE, found


def test_phrase_needs_the_words_together(client):
    make_article(title="Paint shop", body="The vehicle was painted an electric blue.")
    make_article(title="Charging points", body="Every electric vehicle needs a charger.")
    assert titles(search(client, '"electric vehicle"')) == ["Charging points"]
    assert sorted(titles(search(client, "electric vehicle"))) == ["Charging points", "Paint shop"]


def test_a_title_match_ranks_above_a_body_match(client):
    category = make_category()
    body_match = make_article(
        category=category,
        title="Council meeting notes",
        body="Members also mentioned the harbour in passing.",
    )
    title_match = make_article(
        category=category, title="Harbour dredging plan approved", body="Work starts in spring."
    )
    # The body match is newer, so only ranking can put the title match first.
    assert body_match.published_at > title_match.published_at
    assert titles(search(client, "harbour")) == [title_match.title, body_match.title]


def test_standfirst_ranks_between_title_and_body(client):
    body = make_article(title="Three", body="A word on tides.")
    standfirst = make_article(title="Two", standfirst="Tides are high.", body="Nothing here.")
    title = make_article(title="Tides one", body="Nothing here.")
    assert titles(search(client, "tides")) == [title.title, standfirst.title, body.title]


def test_minus_excludes_a_word_and_a_phrase(client, newsroom):
    make_article(title="Automotive tariffs rise", body="Tariffs on cars go up.")
    found = titles(search(client, "automotive"))
    assert set(found) == {SEED_TITLE, "Automotive tariffs rise"}
    assert titles(search(client, "automotive -tariffs")) == [SEED_TITLE]
    assert titles(search(client, 'automotive -"electric vehicle"')) == ["Automotive tariffs rise"]


def test_or_finds_either_word(client, newsroom):
    found = titles(search(client, "Kartasasmita OR bakery"))
    assert set(found) == {SEED_TITLE, "Family bakery chain opens its twelfth shop"}


def test_stemming_finds_other_forms_of_a_word(client):
    make_article(title="Rates", body="The bank is cutting rates.")
    assert titles(search(client, "cuts")) == titles(search(client, "cut")) == ["Rates"]


def test_only_published_stories_are_ever_found(client):
    category = make_category()
    make_article(category=category, title="Public lighthouse story", body="lighthouse")
    make_hidden_stories(category, body="The lighthouse keeper speaks.")
    assert titles(search(client, "lighthouse")) == ["Public lighthouse story"]
    assert titles(search(client, "hidden OR lighthouse")) == ["Public lighthouse story"]


def test_the_index_follows_edits_and_deletions(client):
    story = make_article(title="Original headline", body="Plain words.")
    assert titles(search(client, "original")) == ["Original headline"]
    story.title, story.body = "Corrected headline", "Better words."
    story.save()
    assert titles(search(client, "original")) == []
    assert titles(search(client, "corrected")) == ["Corrected headline"]
    # A write that skips save() (a queryset update) is caught by the database trigger too.
    Article.objects.filter(pk=story.pk).update(standfirst="Mentions zeppelins.")
    assert titles(search(client, "zeppelin")) == ["Corrected headline"]
    story.delete()
    assert titles(search(client, "corrected")) == []


def test_results_are_paginated_and_keep_the_query(client, settings):
    settings.ARTICLES_PER_PAGE = 10
    category = make_category()
    for i in range(25):
        make_article(category=category, title=f"Canal story {i:02d}", body="About the canal.")
    first = search(client, "canal")
    assert len(titles(first)) == 10
    html = first.content.decode()
    assert "25 results for <strong>canal</strong>" in html
    assert 'href="?q=canal&amp;page=2"' in html
    third = search(client, "canal", page=3)
    assert len(titles(third)) == 5
    every = set()
    for page in (1, 2, 3):
        every |= set(titles(search(client, "canal", page=page)))
    assert len(every) == 25
    assert client.get(reverse("search:search"), {"q": "canal", "page": 9}).status_code == 404


def test_snippets_mark_the_words_and_escape_the_story_text(client):
    make_article(
        title="Reservoir levels",
        body="Engineers said <b>the reservoir</b> <script>alert(1)</script> is full & rising.",
    )
    html = search(client, "reservoir").content.decode()
    [snippet] = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert "<mark>reservoir</mark>" in snippet
    # PostgreSQL's headline drops tags, FTS5's snippet keeps them as text: never as markup.
    assert "<script" not in snippet and "<b>" not in snippet
    assert "&amp; rising" in snippet


def test_an_empty_query_shows_the_form_and_no_results(client):
    make_article(title="Anything")
    for params in [{}, {"q": ""}, {"q": "   "}]:
        response = client.get(reverse("search:search"), params)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="q"' in html and "results for" not in html


def test_the_query_is_shown_escaped(client):
    response = search(client, '<script>alert("x")</script>')
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'content="noindex"' in html


HOSTILE = [
    "\x00",
    "auto\x00motive",
    "x" * 10_240,
    "automotive " * 1000,
    '"unbalanced',
    'a"b"c"',
    '""',
    "-",
    "--",
    "-automotive",
    "OR",
    "OR OR automotive OR",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "title:automotive",
    "automotive*",
    "NEAR(a b)",
    "a AND OR NOT b",
    "(((",
    ")",
    "^",
    "\\",
    "!!!",
    "&|!:*<>",
    "\u202e\ufeff\ue000\ue001",
    "日本 インドネシア",
    "_",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_a_normal_page(client, newsroom, query):
    if refused_query(query):  # control characters: the guards' 400 page
        assert client.get(reverse("search:search"), {"q": query}).status_code == 400
    else:
        assert b"<h1>Search</h1>" in search(client, query).content


def test_sql_fragments_are_plain_words(client, newsroom):
    assert titles(search(client, "'; DROP TABLE articles_article; --")) == []
    assert Article.objects.filter(slug="japan-indonesia-automotive-cooperation").exists()


@given(query=st.text(max_size=300))
@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_gives_a_normal_page(client, query):
    response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == (400 if refused_query(query) else 200)


@given(query=st.text(alphabet=st.sampled_from('ab "-OR()*:^\x00'), max_size=40))
@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_operator_soup_gives_a_normal_page(client, query):
    response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == (400 if refused_query(query) else 200)


@pytest.mark.parametrize("matches", [1, 21, 300])
def test_search_query_count_is_fixed(client, django_assert_num_queries, settings, matches):
    settings.ARTICLES_PER_PAGE = 20
    category = make_category()
    Article.objects.bulk_create(
        Article(
            title=f"Glacier report {i}",
            slug=f"glacier-{i}",
            category=category,
            body="The glacier moved.",
            search_excerpt="The glacier moved.",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=i),
        )
        for i in range(matches)
    )
    client.get("/")  # the footer's archive months, cached by the first page seen
    # The count (exact or estimated: one query either way), the page (stories with category
    # and author, and their snippets, in one query), the section nav.
    with django_assert_num_queries(3):
        response = search(client, "glacier")
    assert len(titles(response)) == min(matches, 20)


def test_query_without_results_costs_no_page_queries(client, django_assert_num_queries):
    make_article(title="Something")
    client.get("/")
    with django_assert_num_queries(2):  # the count (none: no page to read) + section nav
        assert titles(search(client, "nonexistentword")) == []


# The websearch -> FTS5 translation (used on SQLite) as a pure function.


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("automotive", '("automotive")'),
        ("electric vehicle", '("electric" AND "vehicle")'),
        ('"electric vehicle"', '("electric vehicle")'),
        ("automotive -japan", '(("automotive") NOT ("japan"))'),
        ('cars -"electric vehicle"', '(("cars") NOT ("electric vehicle"))'),
        ("a OR b c", '("a") OR ("b" AND "c")'),
        ("a or b", '("a") OR ("b")'),
        ('say "hi', '("say" AND "hi")'),
        ('a"b', '("a" AND "b")'),
        ("-alone", None),
        ("!!! ---", None),
        ("", None),
        ("NEAR(x y)", '("NEAR(x" AND "y)")'),
        ("x*", '("x*")'),
    ],
)
def test_websearch_becomes_a_quoted_fts5_expression(query, expression):
    assert fts5_expression(parse_websearch(query)) == expression


def test_clean_query_drops_control_characters_and_bounds_length():
    assert clean_query("auto\x00motive\n  cars\t") == "auto motive cars"
    assert len(clean_query("x" * 10_000)) == 200


# Each database's index.


@postgres_only
def test_postgres_keeps_a_weighted_vector_and_searches_it_through_its_index():
    from articles.search_index import GIN, GIN_INDEX, RUM_INDEX, search_strategy

    story = make_article(title="Lighthouse", standfirst="Keeper", body="Storm")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM articles_article WHERE id = %s", [story.pk])
        vector = cursor.fetchone()[0]
        assert vector == "'keeper':2B 'lighthous':1A 'storm':3C"
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM articles_article "
            "WHERE search_vector @@ websearch_to_tsquery('english', 'storm')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert (GIN_INDEX if search_strategy(connection) == GIN else RUM_INDEX) in plan


@sqlite_only
def test_sqlite_triggers_come_back_after_a_table_rebuild(client):
    from articles.search_index import SQLITE_TRIGGERS, index_ensure

    make_article(title="Before the rebuild", body="harbour")
    with connection.cursor() as cursor:
        # What SQLite does to triggers when a migration rebuilds the table.
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    make_article(title="Written while the triggers were gone", body="interlude")
    assert titles(search(client, "interlude")) == []
    index_ensure(connection)  # what every `migrate` runs (post_migrate)
    assert titles(search(client, "interlude")) == ["Written while the triggers were gone"]
    assert titles(search(client, "harbour")) == ["Before the rebuild"]
    make_article(title="After the rebuild", body="fresh")
    assert titles(search(client, "fresh")) == ["After the rebuild"]


def test_snippets_read_as_text_not_markdown(client):
    make_article(title="Quarry", body='## Quarry plans\n\n> "The quarry will close," she said.')
    html = search(client, "quarry").content.decode()
    [snippet] = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert "##" not in snippet and "&gt;" not in snippet
    assert "<mark>quarry</mark>" in snippet.lower()


def test_search_page_has_one_search_form(client):
    html = search(client, "anything").content.decode()
    assert html.count('role="search"') == 1
    assert 'value="anything"' in html


def test_only_the_newest_matches_are_ranked_without_an_ordered_index(client, settings):
    from articles.search_index import RUM, search_strategy

    settings.SEARCH_RANK_LIMIT = 3
    category = make_category()
    now = timezone.now()
    stories = [
        make_article(
            category=category,
            title=f"Crossing news {i}",
            body="ferry " * (i + 1),
            published_at=now - timedelta(days=i),
        )
        for i in range(5)
    ]
    response = search(client, "ferry")
    html = response.content.decode()
    if search_strategy(connection) == RUM:  # every match ranked by the index: most ferries first
        assert titles(response) == [s.title for s in reversed(stories)]
        assert "most recent matches" not in html
        return
    # GIN and FTS5: the three newest, ranked among themselves; the two oldest are left out,
    # and the page says so instead of claiming that these are all the matches.
    assert titles(response) == [s.title for s in reversed(stories[:3])]
    assert "ranked among the 3 most recent matches" in html
    settings.SEARCH_RANK_LIMIT = 1000
    # The page above is stored (until a write, or SEARCH_CACHE_SECONDS): forget it.
    versions.change(versions.SITE)
    assert len(titles(search(client, "ferry"))) == 5
