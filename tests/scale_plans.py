"""What PostgreSQL reads to answer a queryset, from its own EXPLAIN ANALYZE (no timings)."""

import json

from django.db import connection

# Plan nodes that read whole rows from a table (an index-only scan reads the index instead).
ROW_READERS = {"Seq Scan", "Index Scan", "Bitmap Heap Scan", "Tid Scan"}


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def table_reads(queryset, table: str) -> dict:
    """Say how the database reads `table` for the queryset: whole rows, and index-only scans."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    reads = {"rows": 0, "index_only": 0}
    for node in _nodes(plan[0]["Plan"]):
        if node.get("Relation Name") != table:
            continue
        if node["Node Type"] in ROW_READERS:
            # Rows a filter threw away were read too.
            kept = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            reads["rows"] += kept * node.get("Actual Loops", 1)
        elif node["Node Type"] == "Index Only Scan":
            # Its heap fetches only check visibility on pages vacuum has not marked yet.
            reads["index_only"] += 1
    return reads


def vacuum(*tables: str) -> None:
    """Fresh statistics and visibility map, as autovacuum keeps them on a live site."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
