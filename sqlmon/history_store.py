"""Where the history lives: one small class per backend, all speaking the same canonical SQL.

Canonical SQL is DuckDB SQL with `{s}` for the schema prefix and `?` for parameters; a backend
transpiles it (sqlglot) to its dialect. Each backend writes a run in ONE transaction, so a crash
(even SIGKILL) leaves either the whole run or nothing, and never writes to the user's data:

  duckdb    a separate DuckDB file owned by sqlmon (default `target/sqlmon_history.duckdb`); the
            warehouse file stays read-only. DuckDB allows one writing process per file, so a
            busy file is retried up to `lock_timeout` seconds.
  postgres  schema `sqlmon` (configurable) through the adapter's separate write connection; the
            monitoring connection stays READ ONLY.
  parquet   for Spark: Parquet files per run (see history_parquet.py).

Test hook: env `SQLMON_HISTORY_PAUSE_MID_WRITE=<marker file>` makes a write stop after the
`runs` and `results` rows, inside the open transaction, create the marker file and sleep 60 s,
so a test can kill the process there and check that the history holds only complete runs.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, ClassVar

from .errors import ConfigError, WarehouseError
from .history_schema import (MIGRATIONS, SCHEMA_VERSION, TABLES, VERSION_TABLE, naive_utc, statements,
                             version_table_ddl)
from . import __version__

PAUSE_ENV = "SQLMON_HISTORY_PAUSE_MID_WRITE"
ROWS_PER_INSERT = 200


def pause_mid_write(table: str) -> None:
    """The crash-test hook (see the module docstring); a no-op unless the env var is set."""
    marker = os.environ.get(PAUSE_ENV)
    if marker and table == "results":
        Path(marker).write_text(str(os.getpid()))
        time.sleep(60)


class Store:
    """A history backend. Subclasses implement `_cursor`-level access; callers use read/write_run."""

    name: ClassVar[str]
    dialect: ClassVar[str] = "duckdb"
    prefix: str = ""

    def __init__(self, where: str):
        self.where = where          # for errors: the config line or the path

    def sql(self, canonical: str) -> str:
        return statements([canonical], self.dialect, self.prefix)[0]

    def read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        raise NotImplementedError

    def write_run(self, rows: dict[str, list[tuple]]) -> None:
        raise NotImplementedError

    def ensure(self) -> None:
        """Create or migrate the store now, so a bad path fails before any query runs."""

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return self.where

    # --- shared by the SQL backends --------------------------------------------------------
    def _migrate(self, execute: Any, fetch: Any) -> None:
        execute(self.sql(version_table_ddl()), ())
        got = fetch(self.sql(f"SELECT MAX(version) FROM {{s}}{VERSION_TABLE}"), ())
        current = int(got[0][0] or 0) if got else 0
        self._check_version(current)
        for version in range(current, SCHEMA_VERSION):
            for stmt in statements(MIGRATIONS[version], self.dialect, self.prefix):
                execute(stmt, ())
            execute(self.sql(f"INSERT INTO {{s}}{VERSION_TABLE} VALUES (?, ?, ?)"),
                    (version + 1, naive_utc(_now()), __version__))

    def _check_version(self, current: int) -> None:
        if current > SCHEMA_VERSION:
            raise ConfigError(f"the history store {self.describe()} has schema version {current}; this sqlmon "
                              f"({__version__}) knows up to {SCHEMA_VERSION}", where=self.where,
                              hint="upgrade sqlmon, or point `history: {path: ...}` at another store")

    def _insert_all(self, execute: Any, rows: dict[str, list[tuple]]) -> None:
        for table, cols in TABLES.items():
            data = rows.get(table, [])
            for start in range(0, len(data), ROWS_PER_INSERT):
                chunk = data[start:start + ROWS_PER_INSERT]
                one = "(" + ", ".join("?" * len(cols)) + ")"
                sql = self.sql(f"INSERT INTO {{s}}{table} VALUES " + ", ".join([one] * len(chunk)))
                execute(sql, [v for row in chunk for v in row])
            pause_mid_write(table)


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


class DuckDBStore(Store):
    name = "duckdb"

    def __init__(self, path: Path, where: str, lock_timeout: float = 60.0):
        super().__init__(where)
        self.path = path
        self.lock_timeout = lock_timeout
        self._reader: Any = None

    def describe(self) -> str:
        return str(self.path)

    def _connect(self, read_only: bool) -> Any:
        import duckdb

        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as err:
                text = str(err)
                if "lock" in text.lower() and time.monotonic() < deadline:
                    time.sleep(0.2)      # another sqlmon run is writing its run: wait our turn
                    continue
                busy = "lock" in text.lower()
                raise ConfigError(
                    f"cannot open the history store {self.path}: {text.strip().splitlines()[0]}",
                    where=self.where,
                    hint=(f"another process held it for more than {self.lock_timeout:g}s; raise "
                          "`history: {lock_timeout: ...}` or stagger the runs") if busy else
                    ("it is not a sqlmon history DuckDB file: move it away, or set `history: {path: ...}` "
                     "in sqlmon_project.yml (or run with --no-history)")) from None

    def _insert_all(self, execute: Any, rows: dict[str, list[tuple]]) -> None:
        # One statement per table, each column bound as one typed list: DuckDB binds a
        # 2,000-row multi-VALUES insert ~10x slower (it was most of a steady run's history write).
        for table, cols in TABLES.items():
            data = rows.get(table, [])
            if data:
                select = ", ".join(f"unnest(?::{typ}[])" for _, typ in cols)
                execute(self.sql(f"INSERT INTO {{s}}{table} SELECT {select}"), [list(c) for c in zip(*data)])
            pause_mid_write(table)

    def ensure(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._current():
            return
        conn = self._connect(read_only=False)
        try:
            self._transaction(conn, lambda ex: self._migrate(ex, _fetcher(conn)))
        finally:
            conn.close()

    def _current(self) -> bool:
        """True when the file exists at this schema version: the check is made on the read-only
        connection that `read` uses next (so a steady run opens one connection fewer); a newer
        version raises as `_migrate` does; anything else is left to the migration."""
        import duckdb

        if not self.path.exists():
            return False
        self._reader = self._reader or self._connect(read_only=True)
        try:
            got = self._reader.execute(self.sql(f"SELECT MAX(version) FROM {{s}}{VERSION_TABLE}")).fetchall()
        except duckdb.Error:
            got = None
        current = int(got[0][0] or 0) if got else 0
        if got is None or current != SCHEMA_VERSION:
            self.close()              # the migration needs the one connection of this process
            self._check_version(current)
            return False
        return True

    def read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        import duckdb

        if self._reader is None:
            if not self.path.exists():
                return []
            self._reader = self._connect(read_only=True)
        try:
            return self._reader.execute(self.sql(sql), list(params)).fetchall()
        except duckdb.CatalogException:
            return []             # an empty file (created, never migrated): no history yet
        except duckdb.Error as err:
            raise ConfigError(f"cannot read the history store {self.path}: {str(err).splitlines()[0]}",
                              where=self.where, hint="run once without --no-history to migrate it") from None

    def write_run(self, rows: dict[str, list[tuple]]) -> None:
        self.close()              # one process, one connection mode at a time
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect(read_only=False)
        try:
            def body(ex: Any) -> None:
                self._migrate(ex, _fetcher(conn))
                self._insert_all(ex, rows)
            self._transaction(conn, body)
        finally:
            conn.close()

    @staticmethod
    def _transaction(conn: Any, body: Any) -> None:
        import duckdb

        conn.execute("BEGIN TRANSACTION")
        try:
            body(lambda sql, params: conn.execute(sql, list(params)))
            conn.execute("COMMIT")
        except BaseException as err:
            conn.execute("ROLLBACK")
            if isinstance(err, duckdb.Error):
                raise WarehouseError(f"cannot write the history store: {str(err).splitlines()[0]}") from None
            raise

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _fetcher(conn: Any) -> Any:
    return lambda sql, params: conn.execute(sql, list(params)).fetchall()


class PostgresStore(Store):
    """Schema `sqlmon` in the monitored database, through `adapter.write_connection()`."""

    name = "postgres"
    dialect = "postgres"

    def __init__(self, adapter: Any, schema: str, where: str):
        super().__init__(where)
        if not hasattr(adapter, "write_connection"):
            raise ConfigError("`history: {backend: postgres}` needs a postgres target", where=where,
                              hint="set `history: {backend: duckdb}` in sqlmon_project.yml")
        self.adapter = adapter
        self.schema = schema
        self.prefix = _quote_ident(schema) + "."
        self._conn: Any = None

    def describe(self) -> str:
        return f"postgres schema {self.schema}"

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            self._conn = self.adapter.write_connection()
        return self._conn

    def _run(self, body: Any) -> Any:
        import psycopg

        conn = self._connection()
        try:
            with conn.transaction():
                with conn.cursor() as cur:
                    return body(cur)
        except psycopg.Error as err:
            raise WarehouseError(f"PostgreSQL history store ({self.schema}): {str(err).strip().splitlines()[0]}",
                                 hint="the target's user needs CREATE on the database (for schema "
                                      f"{self.schema}) and INSERT on its tables") from None

    def _setup(self, cur: Any) -> None:
        ex = lambda sql, params: cur.execute(sql, list(params))  # noqa: E731
        # Two runs creating the schema at once would collide: serialise migrations.
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sqlmon history {self.schema}",))
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {self.prefix[:-1]}")
        self._migrate(ex, lambda sql, params: (cur.execute(sql, list(params)), cur.fetchall())[1])

    def ensure(self) -> None:
        self._run(self._setup)

    def read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        def body(cur: Any) -> list[tuple]:
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{self.prefix}results",))
            if not cur.fetchone()[0]:
                return []
            cur.execute(self.sql(sql), list(params))
            return cur.fetchall()
        return self._run(body)

    def write_run(self, rows: dict[str, list[tuple]]) -> None:
        def body(cur: Any) -> None:
            self._setup(cur)
            self._insert_all(lambda sql, params: cur.execute(sql, list(params)), rows)
        self._run(body)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
