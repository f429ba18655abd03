"""DuckDB: the embedded default. User data is opened read-only unless the profile says otherwise."""
from __future__ import annotations

import contextlib
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlglot import exp

from sqlmon.adapters.base import Adapter
from sqlmon.columns import ColumnInfo, kind_of
from sqlmon.errors import WarehouseError


class DuckDBAdapter(Adapter):
    name = "duckdb"
    dialect = "duckdb"
    profile_keys = ("path", "threads", "memory_limit", "read_only")
    # dbt-duckdb's keys: they configure dbt's own connection, which sqlmon does not open.
    dbt_profile_keys = ("schema", "database", "extensions", "settings", "attach", "plugins", "external_root",
                        "filesystems", "module_paths", "disable_transactions", "keep_open", "retries", "secrets",
                        "config_options")
    # DuckDB pays for aggregates, not scans: CASE-wrapping every aggregate to share a scan between
    # windows costs more than the second scan saves (benchmarks/README.md), so windows stay apart.
    fuse_windows = False
    concurrent_queries = True      # each execute() runs on its own cursor of the connection
    # The reservoir draw is single-threaded and reads the whole reference window: a cold drift run
    # drew it four times (benchmarks/README.md). Kept in a scratch in-memory database attached to
    # the connection (a bounded sample, sqlmon.samples), which every cursor sees: TEMP tables are
    # private to one cursor. (An Arrow copy needed pyarrow, which the core install lacks.)
    keeps_samples = True

    def __init__(self, target: dict[str, Any]):
        super().__init__(target)
        self.conn = None
        self.path = self._resolved_path()
        self._scratch: str | None = None      # the attached database holding kept samples

    def connect(self) -> None:
        import duckdb

        self.path = path = self._resolved_path()
        read_only = bool(self.target.get("read_only", path != ":memory:"))
        config: dict[str, Any] = {}
        if self.target.get("threads"):
            config["threads"] = int(self.target["threads"])
        if self.target.get("memory_limit"):
            config["memory_limit"] = str(self.target["memory_limit"])
        try:
            self.conn = duckdb.connect(path, read_only=read_only, config=config)
            _session(self.conn)
        except duckdb.Error as err:
            raise WarehouseError(
                f"cannot open DuckDB database '{path}': {err}",
                hint="check `path:` in profiles.yml (relative paths are taken from the project folder)",
            ) from None

    def _resolved_path(self) -> str:
        """`path:` relative to the project folder; `:memory:` as it is."""
        path = str(self.target.get("path", ":memory:"))
        if path != ":memory:" and not Path(path).expanduser().is_absolute():
            path = str(Path(self.target.get("project_dir", ".")) / Path(path).expanduser())
        return path

    def close(self) -> None:
        if self.conn is not None:
            if self._scratch is not None:    # the instance may outlive us (another connection to the file)
                with contextlib.suppress(Exception):
                    self.conn.execute(f"DETACH {self._scratch}")
                self._scratch = None
            self.conn.close()
            self.conn = None

    def _cursor(self) -> Any:
        # a cursor is a new session: SETs are not inherited
        return _session(self.conn.cursor(), self._scratch)

    def keep_sample(self, name: str, sql: str) -> int:
        import duckdb

        try:
            if self._scratch is None:
                # one per adapter: two runs in one process may share the database instance
                scratch = f"sqlmon_scratch_{uuid.uuid4().hex[:12]}"
                self.conn.execute(f"ATTACH ':memory:' AS {scratch} (READ_WRITE)")
                self._scratch = scratch
            cursor = self._cursor()
            cursor.execute(f"CREATE OR REPLACE TABLE {self._scratch}.main.{name} AS {sql}")
            return int(cursor.execute(f"SELECT count(*) FROM {self._scratch}.main.{name}").fetchone()[0])
        except duckdb.Error as err:
            raise WarehouseError(f"DuckDB refused a query: {_first_line(err)}") from None

    def columns(self, table: exp.Table) -> list[ColumnInfo]:
        import duckdb

        sql = exp.select("*").from_(table.copy()).sql(self.dialect)
        try:
            rows = self.conn.execute(f"DESCRIBE {sql}").fetchall()
        except duckdb.Error as err:
            raise WarehouseError(f"relation '{table.sql(self.dialect)}' not found: {_first_line(err)}",
                                 hint="check `relation:` and the target's database") from None
        return [ColumnInfo(r[0], str(r[1]).upper(), kind_of(str(r[1]))) for r in rows]

    def execute(self, sql: str) -> list[tuple]:
        import duckdb

        try:
            cursor = self._cursor().execute(sql)
            rows = cursor.fetchall()
        except duckdb.Error as err:
            raise WarehouseError(f"DuckDB refused a query: {_first_line(err)}") from None
        # DECIMAL sums come back as Decimal; statistics are floats (as on the other engines).
        # Only DECIMAL columns are touched: a score histogram has ~100,000 rows.
        decimal = [j for j, d in enumerate(cursor.description or ()) if str(d[1]).upper().startswith("DECIMAL")]
        if not decimal:
            return rows
        out = []
        for r in rows:
            r = list(r)
            for j in decimal:
                if isinstance(r[j], Decimal):
                    r[j] = float(r[j])
            out.append(tuple(r))
        return out

    def execute_columns(self, sql: str) -> list[Any]:
        import duckdb

        try:
            cursor = self._cursor().execute(sql)
            # numpy per column (NULLs masked): 0.006 s for a 92,000-row score histogram,
            # where fetchall took 0.075 s to build its tuples
            columns = list(cursor.fetchnumpy().values())
        except duckdb.Error as err:
            raise WarehouseError(f"DuckDB refused a query: {_first_line(err)}") from None
        return columns

    def relation_signal(self, table: exp.Table) -> str | None:
        # The database file changes (size, mtime) whenever any table in it is written.
        if self.path == ":memory:":
            return None
        try:
            st = Path(self.path).stat()
        except OSError:
            return None
        return f"{st.st_size}:{st.st_mtime_ns}"

    def describe(self) -> str:
        import duckdb

        return f"duckdb {duckdb.__version__} at {self.target.get('path', ':memory:')}"


def _session(conn: Any, scratch: str | None = None) -> Any:
    """The session settings every query needs, on a connection or a cursor (~0.1 ms)."""
    # pyarrow-written Parquet: without this DuckDB treats isnan() as always false and NaN rows
    # land silently in ordinary bins (measured, DESIGN §8).
    conn.execute("SET parquet_can_have_nan = true")
    # Windows are UTC instants; without this, TIMESTAMPTZ comparisons follow the machine's zone.
    conn.execute("SET TimeZone = 'UTC'")
    if scratch is not None:     # kept samples by their plain names, after the database's own tables
        conn.execute(f"SET search_path = 'main,{scratch}.main'")
    return conn


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]
