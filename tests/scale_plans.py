"""What PostgreSQL reads to answer a queryset, from its own EXPLAIN ANALYZE (no timings)."""

import json

from django.db import connection

# Plan nodes that read whole rows from a table (an index-only scan reads the index instead).
ROW_READERS = {"Seq Scan", "Index Scan", "Bitmap Heap Scan", "Tid Scan"}


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def table_rows_read(queryset, table: str) -> int:
    """Count the rows of `table` the database reads to answer the queryset (heap visits)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    read = 0
    for node in _nodes(plan[0]["Plan"]):
        if node.get("Relation Name") != table:
            continue
        loops = node.get("Actual Loops", 1)
        if node["Node Type"] in ROW_READERS:
            # Rows a filter threw away were read too.
            kept = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read += kept * loops
        elif node["Node Type"] == "Index Only Scan":
            read += node.get("Heap Fetches", 0)
    return read


def vacuum(*tables: str) -> None:
    """Set the visibility map, as autovacuum does, so index-only scans need not visit rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
