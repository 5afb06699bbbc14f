"""The full-text index the database keeps for stories: its DDL for PostgreSQL and SQLite.

PostgreSQL: `articles_article.search_vector` (a `SearchVectorField`) is written by a BEFORE
INSERT/UPDATE trigger, weighted title A > standfirst B > body C, and searched through one of two
indexes, chosen when `migrate` runs: a RUM index (the `rum` extension, Debian's
postgresql-15-rum) when the extension can be created, which returns matches already ordered
by relevance (`search_vector <=> query`), so a page of results reads a page of index entries
however many stories match; else a GIN index (matches unordered: the search ranks a bounded set
of them). Beside either, a small GIN index on the titles finds the newest title matches of a
word found in very many stories.
A trigger rather than a `GeneratedField`: a generated column would put PostgreSQL-only
functions in the model's state, which SQLite could not create, and a trigger is what the
database already does well.

SQLite: an external-content FTS5 table, `articles_article_fts`, mirrors title, standfirst and body
(the text is stored once, in `articles_article`), and three triggers keep it in step.

`index_ensure()` is idempotent. Migration 0002 calls it, and so does every `migrate` (post_migrate):
SQLite rebuilds a table to alter it, which silently drops that table's triggers, so a later
migration on `articles_article` would otherwise leave the FTS index stale.
"""

from contextlib import contextmanager

from django.db import transaction

from delivery import versions

# The text search configuration: stemming and stop words for English.
SEARCH_CONFIG = "english"
# The body is capped before indexing: a tsvector may not exceed 1 MB.
BODY_INDEX_CHARS = 400_000
FTS_TABLE = "articles_article_fts"
RUM_INDEX = "article_search_rum"
GIN_INDEX = "article_search_gin"
TITLE_INDEX = "article_title_search_gin"
# The title's own vector, as the title index holds it (the GIN path finds title matches by it).
PG_TITLE_VECTOR = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, coalesce(title, ''))"
RUM, GIN, FTS5 = "rum", "gin", "fts5"

_PG_VECTOR = f"""
    setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(NEW.standfirst, '')), 'B') ||
    setweight(to_tsvector('{SEARCH_CONFIG}', left(coalesce(NEW.body, ''), {BODY_INDEX_CHARS})), 'C')
"""

PG_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := {_PG_VECTOR};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    # The planner's guess of how many stories match: "about N results" past an exact count's
    # limit, for the price of planning one query. %L quotes the query as a literal.
    """
    CREATE OR REPLACE FUNCTION articles_search_estimate(query tsquery) RETURNS bigint AS $$
    DECLARE plan json;
    BEGIN
        EXECUTE format(
            'EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_article'
            ' WHERE search_vector @@ %L::tsquery', query::text
        ) INTO plan;
        RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
    END
    $$ LANGUAGE plpgsql
    """,
    # `OF ... search_vector` too: Django's save() writes every column, including a stale NULL.
    """
    CREATE OR REPLACE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF title, standfirst, body, search_vector ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
    """,
]
# Titles alone: the newest title matches of a word found in very many stories.
PG_TITLE_INSTALL = (
    f"CREATE INDEX IF NOT EXISTS {TITLE_INDEX} ON articles_article"
    f" USING gin (({PG_TITLE_VECTOR})) WITH (fastupdate = off)"
)
# With the rum extension: one index that filters and orders by relevance.
PG_RUM_INSTALL = [
    f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON articles_article"
    " USING rum (search_vector rum_tsvector_ops)",
    f"DROP INDEX IF EXISTS {GIN_INDEX}",
    PG_TITLE_INSTALL,
]
# Without it: GIN. fastupdate off: stories are written a few times an hour and read all day, so
# each write goes straight into the index instead of a pending list that slows searches (and
# misleads the planner into sequential scans) until the next vacuum.
PG_GIN_INSTALL = [
    f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON articles_article USING gin (search_vector)"
    " WITH (fastupdate = off)",
    f"ALTER INDEX {GIN_INDEX} SET (fastupdate = off)",
    PG_TITLE_INSTALL,
]
# Rows written before the trigger existed; the trigger computes their vector.
PG_BACKFILL = "UPDATE articles_article SET search_vector = NULL WHERE search_vector IS NULL"
PG_UNINSTALL = [
    f"DROP INDEX IF EXISTS {RUM_INDEX}",
    f"DROP INDEX IF EXISTS {TITLE_INDEX}",
    f"DROP INDEX IF EXISTS {GIN_INDEX}",
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector()",
    "DROP FUNCTION IF EXISTS articles_search_estimate(tsquery)",
]

SQLITE_TABLE = """
    CREATE VIRTUAL TABLE IF NOT EXISTS articles_article_fts USING fts5(
        title, standfirst, body,
        content='articles_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
"""
_FTS_ADD = """
    INSERT INTO articles_article_fts(rowid, title, standfirst, body)
    VALUES (new.id, new.title, new.standfirst, new.body);
"""
# External-content FTS5 forgets a row by being told its old values.
_FTS_FORGET = """
    INSERT INTO articles_article_fts(articles_article_fts, rowid, title, standfirst, body)
    VALUES ('delete', old.id, old.title, old.standfirst, old.body);
"""
SQLITE_TRIGGERS = {
    "articles_article_fts_ai": f"AFTER INSERT ON articles_article BEGIN {_FTS_ADD} END",
    "articles_article_fts_ad": f"AFTER DELETE ON articles_article BEGIN {_FTS_FORGET} END",
    "articles_article_fts_au": (
        "AFTER UPDATE OF title, standfirst, body ON articles_article "
        f"BEGIN {_FTS_FORGET} {_FTS_ADD} END"
    ),
}
SQLITE_REBUILD = "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')"


def _has_search_column(connection) -> bool:
    with connection.cursor() as cursor:
        if "articles_article" not in connection.introspection.table_names(cursor):
            return False
        columns = connection.introspection.get_table_description(cursor, "articles_article")
    return any(column.name == "search_vector" for column in columns)


def index_ensure(connection) -> None:
    """Create whatever part of the search index is missing, and fill it if it was."""
    if not _has_search_column(connection):  # migrated back before 0002, or not yet there
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in PG_INSTALL:
                cursor.execute(statement)
            rum = _rum_extension_create(connection)
            for statement in PG_RUM_INSTALL if rum else PG_GIN_INSTALL:
                cursor.execute(statement)
            cursor.execute(PG_BACKFILL)
            if cursor.rowcount:  # stored search pages were made without these stories
                versions.change(versions.SITE)
            _strategies.pop(_strategy_key(connection), None)
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["articles_article"],
            )
            present = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            complete = cursor.fetchone() is not None and present >= set(SQLITE_TRIGGERS)
            if complete:
                return
            cursor.execute(SQLITE_TABLE)
            for name, body in SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
            # Writes made while a trigger was missing are not in the index: start it afresh,
            # and forget the stored search pages made without them.
            cursor.execute(SQLITE_REBUILD)
            versions.change(versions.SITE)


def index_drop(connection) -> None:
    """Remove the search index (the reverse of migration 0002)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in PG_UNINSTALL:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _rum_extension_create(connection) -> bool:
    """Create the rum extension if the server has it; False (nothing changed) when it cannot."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return False
        try:
            with transaction.atomic(using=connection.alias):  # a savepoint: failure is an answer
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except Exception:  # no privilege, or a broken package: the GIN path serves
            return False
    return True


_strategies: dict[tuple[str, str], str] = {}


def _strategy_key(connection) -> tuple[str, str]:
    return connection.alias, str(connection.settings_dict.get("NAME"))


def search_strategy(connection) -> str:
    """How this database searches: RUM (ordered index), GIN (rank a bounded set) or FTS5."""
    if connection.vendor != "postgresql":
        return FTS5
    key = _strategy_key(connection)
    if key not in _strategies:
        _strategies[key] = RUM if RUM_INDEX in pg_search_indexes(connection) else GIN
    return _strategies[key]


def pg_search_indexes(connection) -> set[str]:
    """Which of the search indexes exist (read on the driver's own cursor: no page's query)."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%s)",
            ([RUM_INDEX, GIN_INDEX],),
        )
        return {row[0] for row in cursor.fetchall()}


@contextmanager
def bulk_indexing(connection, *, rebuild: bool = False):
    """Index many new stories at once: GIN queues their entries, then merges them in one go.

    `rebuild` (an empty benchmark database, nobody reading): the search indexes are dropped for
    the load and built again after it, in one sort, instead of taking each row as it comes (RUM
    costs about 4 ms a row that way). Building locks the table until the caller commits.
    """
    if connection.vendor != "postgresql":
        yield
        return
    if rebuild:
        rum = search_strategy(connection) == RUM
        with connection.cursor() as cursor:
            for name in (RUM_INDEX, GIN_INDEX, TITLE_INDEX):
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        yield
        with connection.cursor() as cursor:
            # The load's deferred foreign key checks first: no index is built over pending ones.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Sorting a million stories' entries in memory rather than in temporary files
            # (the default 64 MB); for this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in PG_RUM_INSTALL if rum else PG_GIN_INSTALL:
                cursor.execute(statement)
        return
    if search_strategy(connection) == RUM:
        # RUM has no pending list: rows go into the index as they are inserted. (Dropping and
        # rebuilding it would lock every reader out of the table for the whole load: only
        # with `rebuild`.)
        yield
        return
    # One by one (fastupdate off) a story costs four times as much to insert.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER INDEX {GIN_INDEX} SET (fastupdate = on)")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER INDEX {GIN_INDEX} SET (fastupdate = off)")
        cursor.execute(f"SELECT gin_clean_pending_list('{GIN_INDEX}')")
