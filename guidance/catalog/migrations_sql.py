"""SQL of the SQLite full-text index, shared by migration 0002 and `backends.ensure_sqlite_index`."""


def sqlite_index_statements(table: str, *, if_not_exists: bool = False) -> list[str]:
    """FTS5 external-content table over catalog_<table>.search_text, its three sync triggers, and a rebuild."""
    maybe = " IF NOT EXISTS" if if_not_exists else ""
    fts = f"catalog_{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE{maybe} {fts} USING fts5(search_text, content='catalog_{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')",
        f"CREATE TRIGGER{maybe} {fts}_ai AFTER INSERT ON catalog_{table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER{maybe} {fts}_ad AFTER DELETE ON catalog_{table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER{maybe} {fts}_au AFTER UPDATE OF search_text ON catalog_{table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def sqlite_drop_statements(table: str) -> list[str]:
    fts = f"catalog_{table}_fts"
    return [f"DROP TRIGGER IF EXISTS {fts}_{suffix}" for suffix in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {fts}"]


def postgres_index_statements(table: str) -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS catalog_{table}_tsv_idx ON catalog_{table} "
        "USING gin (to_tsvector('simple'::regconfig, search_text))",
        f"CREATE INDEX IF NOT EXISTS catalog_{table}_trgm_idx ON catalog_{table} USING gin (search_text gin_trgm_ops)",
    ]


def postgres_drop_statements(table: str) -> list[str]:
    return [f"DROP INDEX IF EXISTS catalog_{table}_tsv_idx", f"DROP INDEX IF EXISTS catalog_{table}_trgm_idx"]
