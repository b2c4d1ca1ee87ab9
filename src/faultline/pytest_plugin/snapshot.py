"""Cheap, read-only snapshots of a test database's committed state.

A snapshot is, per table, the row count and the highest row key (primary key or rowid),
taken in one round trip over a connection of our own. Our own connection sees only
committed rows: what a test did inside a transaction that is rolled back never shows, which
is exactly the line between isolated and leaking tests.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

TEST_NAME = re.compile(r"test", re.IGNORECASE)
MAX_KEYS = 5  # rows shown by key when a test leaves this many or fewer


class GuardError(Exception):
    """A database cannot be guarded; the message says why and what to do."""


class NotCreatedYet(GuardError):
    """The database does not exist yet: until it does, it holds no rows."""


@dataclass(frozen=True)
class TableState:
    rows: int
    last_key: int | None


@dataclass
class Change:
    table: str
    added: int = 0
    removed: int = 0
    keys: list[str] = field(default_factory=list)  # a few of the added rows, described
    key: str = ""  # the table's key in a snapshot (quoted as the database needs)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append(f"+{self.added} row{'s' * (self.added != 1)}")
        if self.removed:
            parts.append(f"-{self.removed} row{'s' * (self.removed != 1)}")
        shown = f" ({'; '.join(self.keys)})" if self.keys else ""
        return f"{self.table}: {', '.join(parts)}{shown}"


def _describe_row(columns: list[str], row: tuple) -> str:
    values = ", ".join(f"{c}={v!r}" for c, v in list(zip(columns, row))[:4])
    return values if len(values) <= 120 else values[:117] + "..."


class Database:
    """One guarded database: knows its tables and how to snapshot them."""

    kind = ""

    def __init__(self, alias: str, name: str):
        self.alias, self.name = alias, name
        self._tables: list[tuple[str, str | None]] | None = None  # (quoted name, key column)

    # -- backend specifics ---------------------------------------------------------------
    def _query(self, sql: str) -> list[tuple]:
        return self._rows(sql)[1]

    def _rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        cursor = self._connection.execute(sql)
        return [c[0] for c in cursor.description or []], cursor.fetchall()

    def close(self) -> None:
        self._connection.close()

    def _list_tables(self) -> list[tuple[str, str | None]]:
        raise NotImplementedError

    # -- shared logic --------------------------------------------------------------------
    def _snapshot_sql(self) -> str:
        return " UNION ALL ".join(
            "SELECT '{}', count(*), {} FROM {}".format(
                table.replace("'", "''"), f"max({key})" if key else "NULL", table)
            for table, key in self._tables or []
        )

    def forget_tables(self) -> None:
        """The schema may have changed (a fixture created tables): list them again next time."""
        self._tables = None

    def snapshot(self) -> dict[str, TableState]:
        if not self._tables:  # unknown, or none yet: the schema may appear at any time
            self._tables = self._list_tables()
        try:
            rows = self._query(self._snapshot_sql()) if self._tables else []
        except Exception:
            # The schema changed under us (a table dropped or renamed): list the tables again.
            self._tables = self._list_tables()
            rows = self._query(self._snapshot_sql()) if self._tables else []
        return {table: TableState(int(count), last) for table, count, last in rows}

    def snapshot_through(self, cursor) -> dict[str, TableState]:
        """The state as another connection (a DB-API cursor) sees it, uncommitted rows included."""
        if self._tables is None:
            self._tables = self._list_tables()
        if not self._tables:
            return {}
        cursor.execute(self._snapshot_sql())
        return {table: TableState(int(count), last) for table, count, last in cursor.fetchall()}

    def changes(self, before: dict[str, TableState], after: dict[str, TableState]) -> list[Change]:
        """What differs between two snapshots, table by table.

        With a row key, rows beyond the old highest key are the new ones: so a table that
        lost some rows and gained others shows both.
        """
        found = []
        keys = dict(self._tables or [])
        for table in sorted(set(before) | set(after)):
            old, new = before.get(table, TableState(0, None)), after.get(table, TableState(0, None))
            if old.rows == new.rows:
                # Same count, new keys: emptied and refilled with as many rows, as Django does
                # when a transactional test flushes and reloads (content types, serialized
                # rollback). Renumbered, not leaked.
                continue
            change = Change(table.strip('"'), key=table)
            grown, key = new.rows - old.rows, keys.get(table)
            since = old.last_key if old.last_key is not None else -(2**63)
            if key and new.last_key is not None and new.last_key != old.last_key:
                (count,), = self._query(f"SELECT count(*) FROM {table} WHERE {key} > {int(since)}")
                change.added = max(count, grown)  # fewer when rows came in below the old key
                change.removed = change.added - grown
            else:
                change.added, change.removed = max(grown, 0), max(-grown, 0)
            if key and 0 < change.added <= MAX_KEYS:
                columns, rows = self._rows(
                    f"SELECT * FROM {table} WHERE {key} > {int(since)} ORDER BY {key} LIMIT {MAX_KEYS}")
                change.keys = [_describe_row(columns, row) for row in rows]
            found.append(change)
        return found


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class PostgresDatabase(Database):
    kind = "postgresql"

    def __init__(self, alias: str, params: dict):
        super().__init__(alias, params.get("dbname", ""))
        try:
            import psycopg
        except ImportError:
            raise GuardError("guarding PostgreSQL needs psycopg 3: pip install 'psycopg[binary]'") from None
        try:
            self._connection = psycopg.connect(**params, autocommit=True)
        except psycopg.Error as exc:
            raise GuardError(f"cannot connect to database {self.name!r} ({alias}): {exc}".strip()) from None
        self._connection.execute("SET default_transaction_read_only = on")
        self._connection.execute("SET statement_timeout = '10s'")

    def _list_tables(self) -> list[tuple[str, str | None]]:
        rows = self._query(
            """
            SELECT format('%I.%I', n.nspname, c.relname),
                   (SELECT quote_ident(a.attname) FROM pg_index i
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                     WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1
                       AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype))
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%'
             ORDER BY 1
            """
        )
        return [(table, key) for table, key in rows]


class SqliteDatabase(Database):
    """A SQLite file, opened afresh for every query: suites often delete and recreate the
    file, and a connection kept open would go on reading the deleted one."""

    kind = "sqlite"

    def __init__(self, alias: str, path: str):
        super().__init__(alias, path)
        if not path or path == ":memory:" or "mode=memory" in path:
            raise GuardError(
                f"database {alias!r} is an in-memory SQLite database, which no second connection can "
                "see; give its test database a file name (Django: DATABASES[...]['TEST']['NAME'])"
            )
        if not os.path.exists(path):
            raise NotCreatedYet(f"SQLite database {path} does not exist yet")
        self.path = path

    def _rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        if not os.path.exists(self.path):
            return [], []
        uri = Path(self.path).resolve().as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            cursor = connection.execute(sql)
            return [c[0] for c in cursor.description or []], cursor.fetchall()
        finally:
            connection.close()

    def snapshot(self) -> dict[str, TableState]:
        self._tables = None  # the file may have been replaced since the last look
        return super().snapshot()

    def _list_tables(self) -> list[tuple[str, str | None]]:
        rows = self._query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [(_quote(name), None if "WITHOUT ROWID" in (sql or "").upper() else "rowid") for name, sql in rows]

    def close(self) -> None:
        pass


def looks_like_test_database(name: str) -> bool:
    """Django's test_<name>, pytest-django's test_<name>_gw0, a test.db file..."""
    return bool(TEST_NAME.search(name.rsplit("/", 1)[-1]))


def from_url(alias: str, url: str) -> Database:
    """A database from a URL: postgresql[+driver]://... or sqlite:///path."""
    parsed = urlparse(url)
    scheme = parsed.scheme.split("+", 1)[0]
    if scheme in ("postgresql", "postgres"):
        params = {
            "dbname": unquote(parsed.path.lstrip("/")),
            "user": unquote(parsed.username or "") or None,
            "password": unquote(parsed.password or "") or None,
            "host": parsed.hostname,
            "port": parsed.port,
        }
        return PostgresDatabase(alias, {k: v for k, v in params.items() if v})
    if scheme == "sqlite":
        return SqliteDatabase(alias, unquote(url.split(":///", 1)[1]) if ":///" in url else "")
    raise GuardError(f"cannot guard {url!r}: only postgresql:// and sqlite:/// URLs are supported")


def from_django(alias: str, settings: dict) -> Database:
    engine = settings.get("ENGINE", "")
    if "postgresql" in engine or "postgis" in engine:
        options = settings.get("OPTIONS", {}) or {}
        params = {
            "dbname": settings.get("NAME"),
            "user": settings.get("USER") or None,
            "password": settings.get("PASSWORD") or None,
            "host": settings.get("HOST") or None,
            "port": settings.get("PORT") or None,
            **{k: v for k, v in options.items() if k in ("sslmode", "service", "passfile")},
        }
        return PostgresDatabase(alias, {k: v for k, v in params.items() if v})
    if "sqlite3" in engine:
        return SqliteDatabase(alias, str(settings.get("NAME") or ""))
    raise GuardError(f"database {alias!r} uses {engine}; the guard supports PostgreSQL and SQLite")
