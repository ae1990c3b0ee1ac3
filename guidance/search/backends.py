"""The database half of the search: which rows match the parsed query, through each backend's full-text index.

SQLite: the FTS5 tables `catalog_<table>_fts` (migration 0002, kept in sync by triggers).
PostgreSQL: `to_tsvector('simple', search_text)` (GIN index of migration 0002) against a prefix tsquery; the words
go through `unaccent()` too, so the database folds accents exactly as `text.fold` does for stored text.
Words reaching SQL are only [0-9a-z]+ (see `text.words`) and are passed as parameters, never pasted.
"""

from django.db import connection

from guidance.search.query import Term

_TABLES = {"formation", "school"}


def _fts5_expression(groups: tuple[tuple[Term, ...], ...]) -> str:
    def term(t: Term) -> str:
        return f'"{t.word}"*' if t.prefix else f'"{t.word}"'

    return " AND ".join("(" + " OR ".join(term(t) for t in group) + ")" for group in groups)


def _tsquery_expression(groups: tuple[tuple[Term, ...], ...]) -> str:
    def term(t: Term) -> str:
        return f"{t.word}:*" if t.prefix else t.word

    return " & ".join("(" + " | ".join(term(t) for t in group) + ")" for group in groups)


def match_ids(queryset, table: str, groups: tuple[tuple[Term, ...], ...]):
    """`queryset` narrowed to the rows whose search_text matches every group (any term of each group)."""
    if table not in _TABLES:
        raise ValueError(f"no search index for {table!r}")
    if not groups:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.extra(
            where=[
                f"to_tsvector('simple'::regconfig, catalog_{table}.search_text)"
                " @@ to_tsquery('simple'::regconfig, unaccent(%s))"
            ],
            params=[_tsquery_expression(groups)],
        )
    if connection.vendor == "sqlite":
        return queryset.extra(
            where=[f"catalog_{table}.id IN (SELECT rowid FROM catalog_{table}_fts WHERE catalog_{table}_fts MATCH %s)"],
            params=[_fts5_expression(groups)],
        )
    raise NotImplementedError(f"search is not available on {connection.vendor}")


def ensure_sqlite_index(using_connection=None) -> list[str]:
    """(Re)create the FTS5 tables and their sync triggers when missing, and rebuild what they index.

    Django rebuilds a SQLite table for most ALTERs (new table, copy, drop, rename), which drops its triggers:
    any later migration of Formation or School would silently stop the index from following the rows. This runs
    after every `migrate` (see apps.py) and before every import. Returns the tables it had to repair.
    """
    from guidance.catalog.migrations_sql import sqlite_index_statements

    conn = using_connection or connection
    if conn.vendor != "sqlite":
        return []
    repaired = []
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'catalog_%_fts%'"
        )
        existing = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('catalog_formation', 'catalog_school')"
        )
        base_tables = {row[0] for row in cursor.fetchall()}
        for table in sorted(_TABLES):
            if f"catalog_{table}" not in base_tables:
                continue
            wanted = {f"catalog_{table}_fts", *(f"catalog_{table}_fts_{suffix}" for suffix in ("ai", "ad", "au"))}
            if wanted <= existing:
                continue
            for statement in sqlite_index_statements(table, if_not_exists=True):
                cursor.execute(statement)
            repaired.append(table)
    return repaired


def analyze_tables() -> None:
    """Refresh the planner's statistics after a bulk import (PostgreSQL would otherwise scan instead of using
    the GIN indexes until autovacuum catches up)."""
    tables = ["catalog_formation", "catalog_mef", "catalog_school", "catalog_offer", "catalog_schoolindicators"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(tables))
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
