"""Search in the database itself: PostgreSQL's full-text index (RUM or GIN), or SQLite's FTS5.

- PostgreSQL with RUM: the index returns matches ordered by relevance (`<=>`, the inverse of
  `ts_rank` with the title weighted A > standfirst B > body C), so a page reads the page's index
  entries however many stories match. Every match is ranked; no cap can hide a title match.
- PostgreSQL with GIN, and SQLite: matches come unordered, so the newest SEARCH_RANK_LIMIT
  matches and the newest SEARCH_RANK_LIMIT title matches are ranked.
Ties of relevance go to the newer story. Snippets are cut from the stored excerpt (PostgreSQL's
`ts_headline`) or by FTS5's `snippet()`, for the page's rows only, in the page's own query.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, FloatField, Func, Q, QuerySet

from articles.models import Article
from articles.search import HIGHLIGHT, fts5_expression, mark_snippet, parse_websearch
from articles.search_index import (
    FTS_TABLE,
    GIN,
    PG_TITLE_VECTOR,
    RUM,
    SEARCH_CONFIG,
    search_strategy,
)

from . import Count, SearchBackend

# FTS5 bm25() weights per column (title, standfirst, body): the title counts most.
_FTS_WEIGHTS = "5.0, 2.0, 1.0"


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

    @property
    def ranked_among(self) -> int | None:
        if search_strategy(self._connection) == RUM:
            return None
        return settings.SEARCH_RANK_LIMIT

    def window(self, query: str, *, start: int, stop: int) -> list[Article]:
        strategy = search_strategy(self._connection)
        if strategy in (RUM, GIN):
            rows = self._postgres(query, start, stop, rum=strategy == RUM)
            return [_marked(row, row.snippet_raw) for row in rows]
        rows = self._sqlite(query, start, stop)
        return [_marked(row, row.snippet_raw) for row in rows]

    def _postgres(self, query: str, start: int, stop: int, *, rum: bool) -> QuerySet:
        q = websearch(query)
        published = Article.objects.published()
        matches = published.filter(search_vector=q)
        if rum:
            # The first `stop` matches by relevance, straight from the index; ranked again
            # outside with the recency tie-break, which the index cannot give.
            distance = RumDistance(F("search_vector"), q)
            window = Q(pk__in=matches.order_by(distance).values("pk")[:stop])
            order = [distance.asc(), "-published_at", "-pk"]
        else:
            newest = matches.order_by("-published_at", "-pk").values("pk")
            titled = newest.extra(  # noqa: S610 - fixed SQL; the query is a bound parameter
                where=[f"{PG_TITLE_VECTOR} @@ websearch_to_tsquery(%s::regconfig, %s)"],
                params=[SEARCH_CONFIG, query],
            )
            limit = settings.SEARCH_RANK_LIMIT
            window = Q(pk__in=newest[:limit]) | Q(pk__in=titled[:limit])
            order = [SearchRank(F("search_vector"), q).desc(), "-published_at", "-pk"]
        headline = SearchHeadline(
            "search_excerpt", q, config=SEARCH_CONFIG, start_sel=HIGHLIGHT[0],
            stop_sel=HIGHLIGHT[1], max_words=35, min_words=15, max_fragments=2,
            fragment_delimiter=" … ",
        )  # fmt: skip
        # The ids carry every filter (published, matching); the page's rows are read by id.
        return (
            Article.objects.filter(window)
            .select_related("category", "author")
            .annotate(snippet_raw=headline)
            .order_by(*order)[start:stop]
        )

    def _sqlite(self, query: str, start: int, stop: int) -> QuerySet | list:
        groups = parse_websearch(query)
        expression = fts5_expression(groups)
        if expression is None:
            return []
        published = Article.objects.published()
        newest = _fts5_matches(published, expression).order_by("-published_at", "-pk")
        title_expression = f"({expression}) AND ({{title}} : ({expression}))"
        titled = _fts5_matches(published, title_expression).order_by("-published_at", "-pk")
        limit = settings.SEARCH_RANK_LIMIT
        window = Q(pk__in=newest.values("pk")[:limit]) | Q(pk__in=titled.values("pk")[:limit])
        return (
            _fts5_matches(Article.objects.filter(window), expression)
            .select_related("category", "author")
            .extra(  # noqa: S610 - fixed SQL; only the markers are parameters
                select={
                    "search_rank": f"bm25({FTS_TABLE}, {_FTS_WEIGHTS})",
                    "snippet_raw": f"snippet({FTS_TABLE}, 2, %s, %s, ' … ', 30)",
                },
                select_params=list(HIGHLIGHT),
            )
            .order_by("search_rank", "-published_at", "-pk")[start:stop]
        )

    def count(self, query: str) -> Count:
        """Exact up to SEARCH_EXACT_COUNT matches, then PostgreSQL's estimate; one query."""
        limit = settings.SEARCH_EXACT_COUNT
        published = Article.objects.published()
        if self._connection.vendor == "postgresql":
            q = websearch(query)
            matches = published.filter(search_vector=q).values("pk")[: limit + 1]
            sql, params = matches.query.sql_with_params()
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT c, CASE WHEN c > %s THEN articles_search_estimate("  # noqa: S608
                    f"websearch_to_tsquery(%s::regconfig, %s)) END "
                    f"FROM (SELECT count(*) AS c FROM ({sql}) AS m) AS n",
                    [limit, SEARCH_CONFIG, query, *params],
                )
                exact, estimate = cursor.fetchone()
            if exact <= limit:
                return Count(exact)
            return Count(max(limit + 1, _round(estimate or 0)), exact=False)
        expression = fts5_expression(parse_websearch(query))
        if expression is None:
            return Count(0)
        found = _fts5_matches(published, expression).values("pk")[: limit + 1].count()
        return Count(found) if found <= limit else Count(limit, exact=False, at_least=True)


def _fts5_matches(queryset: QuerySet, expression: str) -> QuerySet:
    # extra(): the FTS5 table is no model, and bm25() works only beside its MATCH.
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


def _marked(article: Article, raw: str | None) -> Article:
    article.snippet = mark_snippet(raw or "")
    return article
