"""Where the history lives: one small class per backend, all speaking the same canonical SQL.

Canonical SQL is DuckDB SQL with `{s}` for the schema prefix and `?` for parameters; a backend
transpiles it (sqlglot) to its dialect. Each backend writes a run in ONE transaction, so a crash
(even SIGKILL) leaves either the whole run or nothing, and never writes to the user's data:

  duckdb    (history/duckdb.py) a separate DuckDB file owned by sqlmon; the warehouse file stays
            read-only. DuckDB allows one writing process per file, so a busy file is retried up
            to `lock_timeout` seconds.
  postgres  (history/postgres.py) schema `sqlmon` (configurable) through the adapter's separate
            write connection; the monitoring connection stays READ ONLY.
  parquet   (history/parquet.py) for Spark: Parquet files per run, a commit marker last.

Each adapter names its store (`Adapter.history_store`); `sqlmon.history.open_history` picks it.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar

from sqlmon.errors import ConfigError
from sqlmon.history.tables import (
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    VERSION_TABLE,
    naive_utc,
    statements,
    version_table_ddl,
)
from sqlmon.version import __version__

ROWS_PER_INSERT = 200


class Store:
    """A history backend. Subclasses implement `_cursor`-level access; callers use read/write_run."""

    name: ClassVar[str]
    dialect: ClassVar[str] = "duckdb"
    # The schema this sqlmon writes: forward migrations, MIGRATIONS[i] takes version i to i + 1
    # (class attributes, so a test can play a newer sqlmon against an older store).
    migrations: ClassVar[list[list[str]]] = MIGRATIONS
    schema_version: ClassVar[int] = SCHEMA_VERSION
    prefix: str = ""

    def __init__(self, location: str):
        self.location = location          # for errors: the config line or the path

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
        return self.location

    def table_written(self, table: str) -> None:
        """Called inside the open write transaction after each table's rows. Does nothing: a
        fault-injection seam that crash tests replace to stop a write half-way."""

    # --- shared by the SQL backends --------------------------------------------------------
    def _migrate(self, execute: Any, fetch: Any) -> None:
        execute(self.sql(version_table_ddl()), ())
        got = fetch(self.sql(f"SELECT MAX(version) FROM {{s}}{VERSION_TABLE}"), ())
        current = int(got[0][0] or 0) if got else 0
        self._check_version(current)
        for version in range(current, self.schema_version):
            for stmt in statements(self.migrations[version], self.dialect, self.prefix):
                execute(stmt, ())
            execute(self.sql(f"INSERT INTO {{s}}{VERSION_TABLE} VALUES (?, ?, ?)"),
                    (version + 1, naive_utc(_now()), __version__))

    def _check_version(self, current: int) -> None:
        if current > self.schema_version:
            raise ConfigError(f"the history store {self.describe()} has schema version {current}; this sqlmon "
                              f"({__version__}) knows up to {self.schema_version}", location=self.location,
                              hint="upgrade sqlmon, or point `history: {path: ...}` at another store")

    def _insert_all(self, execute: Any, rows: dict[str, list[tuple]]) -> None:
        for table, cols in TABLES.items():
            data = rows.get(table, [])
            for start in range(0, len(data), ROWS_PER_INSERT):
                chunk = data[start:start + ROWS_PER_INSERT]
                one = "(" + ", ".join("?" * len(cols)) + ")"
                sql = self.sql(f"INSERT INTO {{s}}{table} VALUES " + ", ".join([one] * len(chunk)))
                execute(sql, [v for row in chunk for v in row])
            self.table_written(table)


def _now() -> datetime:
    return datetime.now(timezone.utc)
