"""System checks of search: which search index the database uses."""

from django.core import checks
from django.db import connections

from articles.models import Article
from articles.search_index import FTS5, RUM, pg_search_indexes, search_strategy


# A database check: `manage.py check --database default` (and `migrate`) report it; a plain
# `check` reads no database.
@checks.register(checks.Tags.database)
def search_index_check(app_configs=None, databases=None, **kwargs):
    """Say which search path `migrate` chose: RUM (ordered by relevance), GIN, or SQLite's FTS5."""
    if not databases or Article.objects.db not in databases:
        return []
    connection = connections[Article.objects.db]
    try:
        strategy = search_strategy(connection)
        if strategy != FTS5 and not pg_search_indexes(connection):
            return [checks.Info("Search index not created yet: run migrate.", id="articles.I002")]
    except Exception as error:  # no database yet, or unreachable: nothing to report on
        message = f"Search index not checked: {type(error).__name__}."
        return [checks.Info(message, id="articles.I002")]
    if strategy == RUM:
        return [
            checks.Info(
                "Search uses the RUM index: results come ordered by relevance from the index.",
                id="articles.I001",
            )
        ]
    if strategy == FTS5:
        return [checks.Info("Search uses SQLite's FTS5 index.", id="articles.I001")]
    return [
        checks.Warning(
            "Search uses the GIN index: only the newest SEARCH_RANK_LIMIT matches (and title "
            "matches) are ranked, and each search sorts them.",
            hint="Install the rum extension (Debian: apt-get install postgresql-15-rum), then run "
            "`manage.py migrate` again to switch to the RUM index.",
            id="articles.W001",
        )
    ]
