"""The full-text index the database keeps for stories: its DDL for PostgreSQL and SQLite.

PostgreSQL: `articles_article.search_vector` (a `SearchVectorField`) is written by a BEFORE
INSERT/UPDATE trigger, weighted title A > standfirst B > body C, and searched through a GIN
index. A trigger rather than a `GeneratedField`: a generated column would put PostgreSQL-only
functions in the model's state, which SQLite could not create, and a trigger is what the
database already does well.

SQLite: an external-content FTS5 table, `articles_article_fts`, mirrors title, standfirst and body
(the text is stored once, in `articles_article`), and three triggers keep it in step.

`index_ensure()` is idempotent. Migration 0002 calls it, and so does every `migrate` (post_migrate):
SQLite rebuilds a table to alter it, which silently drops that table's triggers, so a later
migration on `articles_article` would otherwise leave the FTS index stale.
"""

from contextlib import contextmanager

# The text search configuration: stemming and stop words for English.
SEARCH_CONFIG = "english"
# The body is capped before indexing: a tsvector may not exceed 1 MB.
BODY_INDEX_CHARS = 400_000
FTS_TABLE = "articles_article_fts"

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
    # `OF ... search_vector` too: Django's save() writes every column, including a stale NULL.
    """
    CREATE OR REPLACE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF title, standfirst, body, search_vector ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()
    """,
    # fastupdate off: stories are written a few times an hour and read all day, so each write
    # goes straight into the index instead of a pending list that slows searches (and misleads
    # the planner into sequential scans) until the next vacuum.
    "CREATE INDEX IF NOT EXISTS article_search_gin ON articles_article USING gin (search_vector)"
    " WITH (fastupdate = off)",
    "ALTER INDEX article_search_gin SET (fastupdate = off)",
]
# Rows written before the trigger existed; the trigger computes their vector.
PG_BACKFILL = "UPDATE articles_article SET search_vector = NULL WHERE search_vector IS NULL"
PG_UNINSTALL = [
    "DROP INDEX IF EXISTS article_search_gin",
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector()",
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
            cursor.execute(PG_BACKFILL)
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
            # Writes made while a trigger was missing are not in the index: start it afresh.
            cursor.execute(SQLITE_REBUILD)


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


@contextmanager
def bulk_indexing(connection):
    """Index many new stories at once: PostgreSQL queues GIN entries, then merges them in one go."""
    if connection.vendor != "postgresql":
        yield
        return
    # One by one (fastupdate off) a story costs four times as much to insert.
    with connection.cursor() as cursor:
        cursor.execute("ALTER INDEX article_search_gin SET (fastupdate = on)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER INDEX article_search_gin SET (fastupdate = off)")
        cursor.execute("SELECT gin_clean_pending_list('article_search_gin')")
