"""A database of its own for `manage.py` run in a subprocess (the tests' database lives in the test process only:
in memory on SQLite, inside a transaction on PostgreSQL), read from the test with a plain driver connection."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ScratchDatabase:
    url: str
    vendor: str
    path: Path | None = None  # SQLite
    dsn: dict | None = None  # PostgreSQL

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "PYTHONUNBUFFERED": "1"}

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        completed = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and completed.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}: {completed.returncode}\n{completed.stderr[-3000:]}")
        return completed

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            import sqlite3
            from contextlib import closing

            with closing(sqlite3.connect(self.path)) as connection:
                return [tuple(row) for row in connection.execute(sql).fetchall()]
        import psycopg

        with psycopg.connect(**self.dsn) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]


def create(tmp_path: Path) -> ScratchDatabase:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path / "scratch.sqlite3"
        scratch = ScratchDatabase(f"sqlite:///{path}", "sqlite", path=path)
    else:
        import psycopg

        name = f"{database['NAME']}_scratch"[:63]
        dsn = {
            "host": database.get("HOST") or "127.0.0.1",
            "port": database.get("PORT") or 5432,
            "user": database.get("USER") or "postgres",
            "password": database.get("PASSWORD") or None,
        }
        with psycopg.connect(**dsn, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        auth = quote(dsn["user"]) + (f":{quote(dsn['password'])}" if dsn["password"] else "")
        scratch = ScratchDatabase(
            f"postgres://{auth}@{dsn['host']}:{dsn['port']}/{name}", "postgresql", dsn={**dsn, "dbname": name}
        )
    scratch.manage("migrate", "--noinput", "-v", "0")
    return scratch


def drop(scratch: ScratchDatabase) -> None:
    if scratch.vendor != "postgresql":
        return
    import psycopg

    dsn = {k: v for k, v in scratch.dsn.items() if k != "dbname"}
    with psycopg.connect(**dsn, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch.dsn["dbname"]}" WITH (FORCE)')
