"""Search backends: where /search/ finds its stories, behind one small interface.

`SEARCH_BACKEND` picks one: "database" (the default: PostgreSQL's full-text index, or SQLite's
FTS5, see `database.py`) or "tantivy" (an embedded Tantivy index kept by the task worker, see
`tantivy.py`: the shape an external engine such as OpenSearch takes, proven on an engine that
runs here). A backend answers a window of ranked stories and a count; the view does the rest.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from articles.models import Article

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    "tantivy": "search.backends.tantivy.TantivyBackend",
}


@dataclass(frozen=True)
class Count:
    """How many stories match: exact, or the engine's estimate ("about"), or at least `value`."""

    value: int
    exact: bool = True
    at_least: bool = False
    # How many stories there are to search (an estimate), when the backend knows.
    among: int | None = None


@dataclass
class SearchPage:
    """One page of results: the stories (each with a `snippet`), and what links around it need."""

    articles: list[Article]
    number: int
    has_next: bool
    count: Count
    # Set when only that many matches (the newest, and the newest title matches) were ranked.
    ranked_among: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1


class SearchBackend:
    """What a search backend does: rank, count, and keep its index (if it has its own)."""

    # True: a story's write is found as soon as it commits (the write changes the site's
    # version, which forgets stored search pages). False: the index is brought up to date later
    # (by the worker), so a page of results is never stored for the next reader.
    current_at_commit = True

    def ranked_among(self, count: Count) -> int | None:
        """None: every match was ranked; a number: only that many (the newest) were."""
        return None

    def window(
        self, query: str, *, start: int, stop: int, count: Count | None = None
    ) -> list[Article]:
        """Published stories ranked start..stop for `query`, best first, each with a snippet."""
        raise NotImplementedError

    def count(self, query: str) -> Count:
        raise NotImplementedError

    def index(self, ids: list[int]) -> None:
        """Bring these stories up to date in the backend's own index (nothing for the database)."""

    def rebuild(self) -> None:
        """Index every story afresh."""


@cache
def _backend(name: str) -> SearchBackend:
    return import_string(BACKENDS[name])()


def search_backend() -> SearchBackend:
    return _backend(settings.SEARCH_BACKEND)


def search_page(query: str, number: int, per_page: int) -> SearchPage | None:
    """Page `number` of the results for a cleaned query; None when there is no such page.

    Two steps, whatever the number of matches: the count (exact or estimated: it tells the
    backend how to rank), then the page with one story more than it shows, to know if another
    page follows. No total is needed to paginate.
    """
    backend = search_backend()
    if not query or number < 1 or number > settings.SEARCH_MAX_PAGES:
        return None if number != 1 else SearchPage([], 1, False, Count(0))
    count = backend.count(query)
    start = (number - 1) * per_page
    rows = []
    if count.value or not count.exact:
        rows = backend.window(query, start=start, stop=start + per_page + 1, count=count)
    if number > 1 and not rows:
        return None
    has_next = len(rows) > per_page and number < settings.SEARCH_MAX_PAGES
    return SearchPage(rows[:per_page], number, has_next, count, backend.ranked_among(count))
