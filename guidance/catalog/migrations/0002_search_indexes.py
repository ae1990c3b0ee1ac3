"""Full-text search structures, per database backend (see guidance/search/engine.py and backends.py).

SQLite: FTS5 external-content tables over `search_text`, kept in sync by triggers (re-created after every migrate
by `backends.ensure_sqlite_index`, since SQLite table rebuilds drop triggers). PostgreSQL: the `unaccent` and
`pg_trgm` extensions, GIN indexes on the tsvector and on trigrams.
"""

from django.db import migrations

from guidance.catalog.migrations_sql import (
    postgres_drop_statements,
    postgres_index_statements,
    sqlite_drop_statements,
    sqlite_index_statements,
)

_TABLES = ("formation", "school")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements: list[str] = []
    if vendor == "sqlite":
        for table in _TABLES:
            statements += sqlite_index_statements(table)
    elif vendor == "postgresql":
        statements += ["CREATE EXTENSION IF NOT EXISTS unaccent", "CREATE EXTENSION IF NOT EXISTS pg_trgm"]
        for table in _TABLES:
            statements += postgres_index_statements(table)
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop = {"sqlite": sqlite_drop_statements, "postgresql": postgres_drop_statements}.get(vendor)
    if drop:
        for table in _TABLES:
            for statement in drop(table):
                schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
