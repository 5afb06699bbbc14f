"""Search in an embedded Tantivy index (SEARCH_BACKEND=tantivy), kept by the task worker.

The shape of a search engine beside the database: stories are sent to it after each commit
(`search.tasks.search_index_update`), and `manage.py search_index_rebuild` fills it from
scratch. Tantivy ranks every match with BM25 (title boosted over standfirst over body) and
counts exactly; the stories shown are read from the database by id, through `published()`, so
a story unpublished since it was indexed is never shown. One writer at a time: the worker.
"""

from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import tantivy
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from articles.models import BYLINE_JOIN, Article

from ..query import HIGHLIGHT, mark_snippet, parse_websearch
from . import Count, SearchBackend

BOOSTS = {"title": 5.0, "standfirst": 2.0}
FIELDS = ["title", "standfirst", "body"]
WRITER_HEAP = 50_000_000
BATCH = 1000


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    builder.add_text_field("excerpt", stored=True, tokenizer_name="en_stem")
    builder.add_date_field("published_at", stored=False, indexed=True, fast=True)
    return builder.build()


def tantivy_query_text(query: str) -> str | None:
    """The reader's query in Tantivy's syntax, every term quoted: user text is never syntax."""
    alternatives = []
    for group in parse_websearch(query):
        terms = []
        for term in group:
            words = " ".join(term.text.replace('"', " ").replace("\\", " ").split())
            if words:
                terms.append(f'{"-" if term.negated else "+"}"{words}"')
        if any(t.startswith("+") for t in terms):  # exclusions alone match nothing here
            alternatives.append(f"({' '.join(terms)})")
    return " OR ".join(alternatives) or None


class TantivyBackend(SearchBackend):
    current_at_commit = False  # the worker indexes after the commit

    @cached_property
    def schema(self) -> tantivy.Schema:
        return _schema()

    @property
    def _index(self) -> tantivy.Index:
        path = Path(settings.SEARCH_INDEX_DIR)
        cached = self.__dict__.get("_opened")
        if cached is None or cached[0] != path:
            path.mkdir(parents=True, exist_ok=True)
            self.__dict__["_opened"] = cached = (path, tantivy.Index(self.schema, path=str(path)))
        return cached[1]

    def _query(self, query: str) -> tantivy.Query | None:
        text = tantivy_query_text(query)
        if text is None:
            return None
        try:
            matching = self._index.parse_query(text, FIELDS, field_boosts=BOOSTS)
        except ValueError:
            return None
        now = datetime.now(UTC)
        public = tantivy.Query.range_query(
            self.schema, "published_at", tantivy.FieldType.Date, upper_bound=now
        )
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, matching), (tantivy.Occur.Must, public)]
        )

    def _searcher(self) -> tantivy.Searcher:
        self._index.reload()
        return self._index.searcher()

    def count(self, query: str) -> Count:
        tantivy_query = self._query(query)
        if tantivy_query is None:
            return Count(0)
        return Count(self._searcher().search(tantivy_query, 1, count=True).count)

    def window(self, query, *, start, stop, count=None) -> list[Article]:
        tantivy_query = self._query(query)
        if tantivy_query is None:
            return []
        searcher = self._searcher()
        hits = searcher.search(tantivy_query, stop, count=False).hits
        scores = {searcher.doc(address)["id"][0]: score for score, address in hits}
        # Snippets highlight the terms of a query on the excerpt itself.
        excerpt_query = self._index.parse_query(tantivy_query_text(query), ["excerpt"])
        generator = tantivy.SnippetGenerator.create(searcher, excerpt_query, self.schema, "excerpt")
        snippets = {}
        for _, address in hits:
            doc = searcher.doc(address)
            snippets[doc["id"][0]] = _marked(generator.snippet_from_doc(doc))
        rows = list(
            Article.objects.published()
            .filter(pk__in=scores)
            .select_related("category", BYLINE_JOIN)  # bylines link with no query per story
            .defer("body", "body_rendered")
        )
        rows.sort(key=lambda a: (-scores[a.pk], -a.published_at.timestamp(), -a.pk))
        for row in rows:
            row.snippet = mark_snippet(snippets.get(row.pk, ""))
        return rows[start:stop]

    def index(self, ids: list[int]) -> None:
        """Send these stories' current state: published ones (re)added, the rest removed."""
        stories = Article.objects.filter(pk__in=ids, status=Article.Status.PUBLISHED).filter(
            ~Q(published_at=None)
        )
        writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
        for pk in ids:
            writer.delete_documents_by_term("id", pk)
        for story in stories.only("title", "standfirst", "body", "search_excerpt", "published_at"):
            writer.add_document(_document(story))
        writer.commit()
        writer.wait_merging_threads()

    def rebuild(self) -> None:
        writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
        writer.delete_all_documents()
        stories = Article.objects.filter(status=Article.Status.PUBLISHED).exclude(published_at=None)
        fields = ("title", "standfirst", "body", "search_excerpt", "published_at")
        for story in stories.only(*fields).iterator(chunk_size=BATCH):
            writer.add_document(_document(story))
        writer.commit()
        writer.wait_merging_threads()


def _document(story: Article) -> tantivy.Document:
    return tantivy.Document(
        id=story.pk,
        title=story.title,
        standfirst=story.standfirst,
        body=story.body,
        excerpt=story.search_excerpt,
        published_at=timezone.localtime(story.published_at, UTC),
    )


def _marked(snippet) -> str:
    """The snippet's text with the search's highlight markers around each matched range."""
    text = snippet.fragment().encode()  # the ranges count bytes of UTF-8
    start, stop = (marker.encode() for marker in HIGHLIGHT)
    pieces, last = [], 0
    for part in sorted(snippet.highlighted(), key=lambda r: r.start):
        pieces += [text[last : part.start], start, text[part.start : part.end], stop]
        last = part.end
    pieces.append(text[last:])
    return b"".join(pieces).decode(errors="replace")
