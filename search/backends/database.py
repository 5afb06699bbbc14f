"""Search in the database itself: PostgreSQL's full-text index (RUM or GIN), or SQLite's FTS5.

Two queries a page: the count, then the page's stories with their snippets.
- PostgreSQL with RUM, up to SEARCH_RANK_ALL matches (the planner's estimate), or more while
  ranking them costs less than finding the newest (see `_ranks_all`): the index returns
  matches ordered by relevance (`<=>`, the inverse of `ts_rank`, title A > standfirst B >
  body C), so the page reads its own index entries and ranks every match: no cap hides a title
  match. RUM ranks every match inside the scan, so past that many, search ranks as below.
- Otherwise (very many matches, the GIN path, SQLite): the newest SEARCH_RANK_LIMIT matches and
  the newest SEARCH_RANK_LIMIT title matches are ranked.
Ties of relevance go to the newer story. Snippets are cut from the page's stored excerpts in
Python (`search.query.Highlighter`, by the lexemes PostgreSQL reads in the query), or by FTS5's
`snippet()` in the page's own query.
"""

from datetime import datetime
from functools import lru_cache
from math import isqrt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, FloatField, Func, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from articles.models import BYLINE_JOIN, Article, AuthorProfile, Category
from articles.search_index import FTS_TABLE, PG_TITLE_VECTOR, RUM, SEARCH_CONFIG, search_strategy

from ..query import (
    HIGHLIGHT,
    Highlighter,
    fts5_expression,
    mark_plain_snippet,
    mark_snippet,
    may_exclude,
    parse_websearch,
    positive_query,
    tsquery_lexemes,
)
from . import Count, SearchBackend

# FTS5 bm25() weights per column (title, standfirst, body): the title counts most.
_FTS_WEIGHTS = "5.0, 2.0, 1.0"
_NEWEST = ("-published_at", "-pk")
# What a result shows (title, link, section, date, byline and the writer's page, standfirst):
# not the bodies.
RESULT_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "byline",
    "published_at",
    "created_at",
    "category__name",
    "category__slug",
    "author__username",
    "author__first_name",
    "author__last_name",
    "author__author_profile__slug",
)
# PostgreSQL: a page's row, read as values and made into a story with its section and author.
_ARTICLE_COLUMNS = (
    "id",
    "title",
    "slug",
    "standfirst",
    "byline",
    "published_at",
    "created_at",
    "category_id",
    "author_id",
)
_ROW = (
    *_ARTICLE_COLUMNS,
    "category__name",
    "category__slug",
    "author__username",
    "author__first_name",
    "author__last_name",
    "author__author_profile__id",
    "author__author_profile__slug",
    "search_excerpt",
    "query_lexemes",
)
# Testing a story's row for a match (reading its vector) costs about nine times as much as
# ranking a match inside the RUM index: 3.5 against 0.4 µs at 100,000 stories here.
SCAN_PER_RANK = 9
# Stands for the reader's query while the ORM writes a search's SQL (once per process and shape).
_QUERY_MARK = "\ue002search-query\ue002"
# Stands for what the query asks for, without its exclusions (the words snippets mark).
_ASKED_MARK = "\ue002search-asked\ue002"
_compiled_sql: dict[tuple, tuple[str, tuple]] = {}


def _compiled(connection, key: tuple, build) -> tuple:
    """The SQL of `build(query)`, written by the ORM once per process for this shape (key), and
    its parameters for this query and this moment.

    Writing the two queries of a search page through the ORM cost more Python time than the
    database spent answering them. The ORM still writes every statement, with a marker for the
    query; only the marker and the moment (`published()`'s "now") change from one search to
    the next, and every other value of the shape (limits, offsets, settings) is in the key.
    """
    key = (connection.alias, str(connection.settings_dict.get("NAME")), *key)
    entry = _compiled_sql.get(key)
    if entry is None:
        entry = build(_QUERY_MARK).query.sql_with_params()
        _compiled_sql[key] = entry
    return entry


def _bind(params: tuple, query: str) -> list:
    now = timezone.now()
    marks = {_QUERY_MARK: query}
    if _ASKED_MARK in params:  # the page's statement, not the count's
        marks[_ASKED_MARK] = positive_query(parse_websearch(query))
    return [
        marks.get(value, value)
        if isinstance(value, str)
        else now
        if isinstance(value, datetime)
        else value
        for value in params
    ]


class RumDistance(Func):
    """`search_vector <=> query`: RUM's relevance distance (smaller is better), index-ordered."""

    arg_joiner = " <=> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def websearch(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


class DatabaseBackend(SearchBackend):
    @property
    def _connection(self):
        return connections[Article.objects.db]

    def _ranks_all(self, count: Count) -> bool:
        if count.at_least:  # SQLite counts only so far
            return False
        if search_strategy(self._connection) == RUM:
            rank_all = settings.SEARCH_RANK_ALL
            if count.among:
                # The other way, the newest matches are found by reading stories newest first
                # until enough match: SEARCH_RANK_LIMIT x stories / matches rows. Rank every
                # match as long as that costs less (the sparser the matches, the longer).
                crossover = isqrt(SCAN_PER_RANK * settings.SEARCH_RANK_LIMIT * count.among)
                rank_all = max(rank_all, crossover)
            return count.value <= rank_all
        return count.value <= settings.SEARCH_RANK_LIMIT

    def ranked_among(self, count: Count) -> int | None:
        return None if self._ranks_all(count) else settings.SEARCH_RANK_LIMIT

    def window(
        self, query: str, *, start: int, stop: int, count: Count | None = None
    ) -> list[Article]:
        if self._connection.vendor == "postgresql":
            count = count if count is not None else self.count(query)
            return self._postgres(query, start, stop, count)
        rows = list(self._sqlite(query, start, stop))
        for row in rows:
            row.snippet = mark_snippet(row.snippet_raw or "")
        return rows

    def _postgres(self, query: str, start: int, stop: int, count: Count) -> list[Article]:
        sql, params = self.page_sql(query, start, stop, count)
        with self._connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        highlight = Highlighter(tsquery_lexemes(rows[0][-1]) if rows else frozenset())
        sections: dict[int, Category] = {}  # one instance a section, shared by its rows
        return [_article(row, highlight, sections) for row in rows]

    def page_sql(self, query: str, start: int, stop: int, count: Count) -> tuple[str, list]:
        """PostgreSQL: the SQL that reads rows start..stop of the results, and its parameters."""
        connection = self._connection
        ordered = search_strategy(connection) == RUM and self._ranks_all(count)
        limit = settings.SEARCH_RANK_LIMIT
        # As PostgreSQL reads the query: parse_websearch misses some of its exclusions.
        excludes = may_exclude(query)
        sql, params = _compiled(
            connection,
            ("page", ordered, excludes, start, stop, limit),
            lambda marked: self._postgres_page(marked, start, stop, ordered, excludes),
        )
        return sql, _bind(params, query)

    def _postgres_page(
        self, query: str, start: int, stop: int, ordered: bool, excludes: bool
    ) -> QuerySet:
        q = websearch(query)
        matches = Article.objects.published().filter(search_vector=q)
        if ordered:
            # The first `stop` by relevance, straight from the index; ranked again outside
            # with the recency tie-break, which the index cannot give.
            distance = RumDistance(F("search_vector"), q)
            window = matches.order_by(distance).values("pk")[:stop]
            order = [distance.asc(), *_NEWEST]
        else:
            limit = settings.SEARCH_RANK_LIMIT
            newest = matches.order_by(*_NEWEST).values("pk")
            # Title matches, through the small title index alone: a title that matches is a
            # story that matches, unless the query excludes a word (it may be in the body).
            # Then the whole vector is checked row by row, with the operator's function: as
            # `@@` the planner would AND in a bitmap of every match from the big index.
            where = [f"{PG_TITLE_VECTOR} @@ websearch_to_tsquery(%s::regconfig, %s)"]
            if excludes:
                where.append("ts_match_vq(search_vector, websearch_to_tsquery(%s::regconfig, %s))")
            titled = (
                Article.objects.published()
                .extra(where=where, params=[SEARCH_CONFIG, query] * len(where))  # noqa: S610
                .order_by(*_NEWEST)
                .values("pk")
            )
            window = newest[:limit].union(titled[:limit])
            order = [SearchRank(F("search_vector"), q).desc(), *_NEWEST]
        # Snippets are cut in Python from the stored excerpt (search.query.Highlighter), by
        # the lexemes of what the query asks for, as PostgreSQL reads them.
        lexemes = Cast(websearch(_ASKED_MARK), TextField())
        # The ids carry every filter (published, matching); the page's rows are read by id.
        return (
            Article.objects.filter(pk__in=window)
            .annotate(query_lexemes=lexemes)
            .order_by(*order)
            .values_list(*_ROW)[start:stop]
        )

    def _sqlite(self, query: str, start: int, stop: int) -> QuerySet | list:
        expression = fts5_expression(parse_websearch(query))
        if expression is None:
            return []
        limit = settings.SEARCH_RANK_LIMIT
        published = Article.objects.published()
        newest = _fts5_filter(published, expression).order_by(*_NEWEST).values("pk")
        title_expression = f"({expression}) AND ({{title}} : ({expression}))"
        titled = _fts5_filter(published, title_expression).order_by(*_NEWEST).values("pk")
        # SQLite allows no LIMIT inside a UNION: either set, by id (the database is small).
        window = Article.objects.filter(Q(pk__in=newest[:limit]) | Q(pk__in=titled[:limit]))
        return (
            _fts5_matches(window, expression)
            .select_related("category", BYLINE_JOIN)
            .only(*RESULT_FIELDS)
            .extra(  # noqa: S610 - fixed SQL; only the markers are parameters
                select={
                    "search_rank": f"bm25({FTS_TABLE}, {_FTS_WEIGHTS})",
                    "snippet_raw": f"snippet({FTS_TABLE}, 2, %s, %s, ' … ', 30)",
                },
                select_params=list(HIGHLIGHT),
            )
            .order_by("search_rank", *_NEWEST)[start:stop]
        )

    def count(self, query: str) -> Count:
        """Exact up to SEARCH_EXACT_COUNT matches, else an estimate (PostgreSQL); one query."""
        limit = settings.SEARCH_EXACT_COUNT
        if self._connection.vendor == "postgresql":
            # The planner's estimate first (planning one query); matches are counted only when
            # it says they are few, and then at most limit + 1 of them.
            sql, params = _compiled(
                self._connection,
                ("count", limit),
                lambda marked: (
                    Article.objects.published()
                    .filter(search_vector=websearch(marked))
                    .values("pk")[: limit + 1]
                ),
            )
            with self._connection.cursor() as cursor:
                # With the planner's idea of how many stories there are, for _ranks_all.
                cursor.execute(
                    "SELECT e, CASE WHEN e <= %s THEN (SELECT count(*) FROM ("  # noqa: S608
                    f"{sql}) AS m) END, (SELECT reltuples::bigint FROM pg_class WHERE oid ="
                    " 'articles_article'::regclass) FROM (SELECT articles_search_estimate("
                    "websearch_to_tsquery(%s::regconfig, %s)) AS e) AS n",
                    [2 * limit, *_bind(params, query), SEARCH_CONFIG, query],
                )
                estimate, exact, stories = cursor.fetchone()
            among = stories if stories and stories > 0 else None  # -1: never analysed
            if exact is not None and exact <= limit:
                return Count(exact, among=among)
            return Count(max(limit + 1, _round(estimate)), exact=False, among=among)
        expression = fts5_expression(parse_websearch(query))
        if expression is None:
            return Count(0)
        matching = _fts5_filter(Article.objects.published(), expression)
        found = matching.values("pk")[: limit + 1].count()
        return Count(found) if found <= limit else Count(limit, exact=False, at_least=True)


def _article(row: tuple, highlight: Highlighter, sections: dict[int, Category]) -> Article:
    """A story as `only(*RESULT_FIELDS)` would read it, with its section, author (and the
    author's page, or the knowledge that there is none: `byline_page` asks no query) and
    snippet (the query's words marked in its excerpt)."""
    columns = len(_ARTICLE_COLUMNS)
    article = _from_db(Article, dict(zip(_ARTICLE_COLUMNS, row[:columns], strict=True)))
    category_name, category_slug, username, first_name, last_name = row[columns : columns + 5]
    profile_id, profile_slug, excerpt, _ = row[columns + 5 :]
    if article.category_id not in sections:
        sections[article.category_id] = _from_db(
            Category, {"id": article.category_id, "name": category_name, "slug": category_slug}
        )
    article.category = sections[article.category_id]
    if article.author_id is not None:
        article.author = _from_db(
            get_user_model(),
            {
                "id": article.author_id,
                "username": username,
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        profile = None
        if profile_id is not None:
            profile = _from_db(
                AuthorProfile,
                {
                    "id": profile_id,
                    "user_id": article.author_id,
                    "slug": profile_slug,
                },
            )
            profile.user = article.author
        AuthorProfile.user.field.remote_field.set_cached_value(article.author, profile)
    article.snippet = mark_plain_snippet(highlight(excerpt))
    return article


def _from_db(model, values: dict):
    """An instance with these fields loaded (the others deferred), as a query would make it;
    `from_db` takes them in the model's own field order."""
    names = _field_order(model, tuple(values))
    return model.from_db(Article.objects.db, names, [values[name] for name in names])


@lru_cache(maxsize=16)
def _field_order(model, given: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in given)


def _fts5_filter(queryset: QuerySet, expression: str) -> QuerySet:
    """Stories matching the FTS5 expression, by id (usable inside another query)."""
    matching = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    return queryset.filter(pk__in=RawSQL(matching, [expression]))  # noqa: S611 - bound parameter


def _fts5_matches(queryset: QuerySet, expression: str) -> QuerySet:
    """The outermost query joined to the FTS5 table: bm25() and snippet() work only there."""
    return queryset.extra(  # noqa: S610 - fixed SQL; the expression is a bound parameter
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = articles_article.id", f"{FTS_TABLE} MATCH %s"],
        params=[expression],
    )


def _round(estimate: int) -> int:
    """Two significant figures: an estimate should not look exact."""
    if estimate < 100:
        return estimate
    scale = 10 ** (len(str(estimate)) - 2)
    return round(estimate / scale) * scale
