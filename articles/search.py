"""Search published stories with web-search syntax, on PostgreSQL or SQLite.

Both databases understand the same query language, the one of PostgreSQL's
`websearch_to_tsquery`: words are ANDed, "quoted phrases" match in order, -word excludes and OR
separates alternatives. PostgreSQL parses it itself; for SQLite it is translated here into an FTS5
expression made only of quoted strings and operators, so user input is never FTS5 syntax.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article
from .search_index import FTS_TABLE, SEARCH_CONFIG

MAX_QUERY_CHARS = 200
MAX_TERMS = 16
# Highlight markers that cannot come from HTML escaping; swapped for <mark> after escaping.
_START, _STOP = "\ue000", "\ue001"
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_SEARCHABLE = re.compile(r"\w")
# Snippets come from the Markdown source: headings and quote or list markers read as noise.
_MARKDOWN_MARKERS = re.compile(r"(^|\s)[#>*]+(?=\s)")
# FTS5 bm25() weights per column (title, standfirst, body): the title counts most.
_FTS_WEIGHTS = "5.0, 2.0, 1.0"


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False


def clean_query(raw: str) -> str:
    """Make a reader's query safe to handle: no control characters (NUL), bounded length."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw[: MAX_QUERY_CHARS * 2])
    text = text.replace(_START, " ").replace(_STOP, " ")
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def parse_websearch(text: str) -> list[list[Term]]:
    """Split a query into OR-alternatives, each a list of terms that must all (not) match."""
    groups: list[list[Term]] = [[]]
    count = 0
    for match in _TOKEN.finditer(text):
        minus_phrase, phrase, minus_word, word = match.groups()
        if word is not None and not minus_word and word.lower() == "or":
            if groups[-1]:
                groups.append([])
            continue
        term_text = phrase if phrase is not None else word
        if not _SEARCHABLE.search(term_text):
            continue  # punctuation alone matches nothing and would upset FTS5
        groups[-1].append(Term(" ".join(term_text.split()), bool(minus_phrase or minus_word)))
        count += 1
        if count == MAX_TERMS:
            break
    return [group for group in groups if group]


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_expression(groups: list[list[Term]]) -> str | None:
    """An FTS5 MATCH expression for the parsed query; None when nothing positive is asked.

    FTS5's NOT needs something to subtract from, so an alternative made only of exclusions
    (which PostgreSQL reads as "everything but") is dropped.
    """
    alternatives = []
    for group in groups:
        wanted = [_fts5_string(t.text) for t in group if not t.negated]
        if not wanted:
            continue
        expression = " AND ".join(wanted)
        unwanted = [_fts5_string(t.text) for t in group if t.negated]
        if unwanted:
            expression = f"({expression}) NOT ({' OR '.join(unwanted)})"
        alternatives.append(f"({expression})")
    return " OR ".join(alternatives) or None


def _websearch(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def search_articles(query: str) -> QuerySet:
    """Published stories matching `query` (already cleaned), best match first."""
    published = Article.objects.published().for_listing()
    if not query:
        return published.none()
    connection = connections[published.db]
    if connection.vendor == "postgresql":
        websearch = _websearch(query)
        # Ranking reads every match's whole vector; for a word in most stories that is the
        # whole archive. Rank only the newest SEARCH_RANK_LIMIT matches (found through the
        # GIN index and the date, without reading the vectors): news readers want recent.
        newest = (
            published.filter(search_vector=websearch)
            .order_by("-published_at", "-pk")
            .values("pk")[: settings.SEARCH_RANK_LIMIT]
        )
        return (
            published.filter(pk__in=newest)
            .annotate(search_rank=SearchRank(F("search_vector"), websearch))
            .order_by("-search_rank", "-published_at", "-pk")
        )
    # SQLite (the only other database the project runs on): FTS5.
    expression = fts5_expression(parse_websearch(query))
    if expression is None:
        return published.none()
    # extra(): the FTS5 table is no model, and bm25() works only beside its MATCH.
    matching = published.extra(  # noqa: S610 - fixed SQL; the expression is a bound parameter
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE}.rowid = articles_article.id", f"{FTS_TABLE} MATCH %s"],
        params=[expression],
    )
    # The same cap as on PostgreSQL, so both databases give the same results.
    newest = matching.order_by("-published_at", "-pk").values("pk")[: settings.SEARCH_RANK_LIMIT]
    return (
        matching.filter(pk__in=newest)
        .extra(select={"search_rank": f"bm25({FTS_TABLE}, {_FTS_WEIGHTS})"})  # noqa: S610
        .order_by("search_rank", "-published_at", "-pk")
    )


def attach_snippets(articles: list[Article], query: str) -> None:
    """Give each story of the page shown a `snippet`: body text around the matches, marked.

    One query for the whole page, and only for it: highlighting reads the full text of each
    story, far too costly for every match.
    """
    for article in articles:
        article.snippet = ""
    if not articles or not query:
        return
    ids = [article.pk for article in articles]
    connection = connections[Article.objects.db]
    raw: dict[int, str] = {}
    if connection.vendor == "postgresql":
        headline = SearchHeadline(
            "body",
            _websearch(query),
            config=SEARCH_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        rows = Article.objects.filter(pk__in=ids).annotate(snippet=headline)
        raw = dict(rows.values_list("pk", "snippet"))
    else:
        expression = fts5_expression(parse_websearch(query))
        if expression is None:
            return
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({FTS_TABLE}, 2, %s, %s, ' … ', 30) FROM {FTS_TABLE} "  # noqa: S608 - placeholders only
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
                [_START, _STOP, expression, *ids],
            )
            raw = dict(cursor.fetchall())
    for article in articles:
        article.snippet = mark_snippet(raw.get(article.pk) or "")


def mark_snippet(text: str) -> SafeString:
    """Escape a highlighted excerpt, then turn the highlight markers into <mark> elements."""
    text = _MARKDOWN_MARKERS.sub(r"\1", text).replace("**", "").replace("`", "")
    html = escape(" ".join(text.split())).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only <mark> is added
