"""DuckDB: the embedded default. User data is opened read-only unless the profile says otherwise.

Profile keys: sqlmon's `path`, `threads`, `memory_limit`, `read_only`, `allowed_paths`, and
dbt-duckdb's `schema`, `database`, `attach`, `extensions`, `settings`, honoured inside the sandbox
(sqlmon.adapters.duckdb_profile). dbt-duckdb's other keys are left to dbt, with a warning.
"""
from __future__ import annotations

import contextlib
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlglot import exp

from sqlmon.adapters import duckdb_profile
from sqlmon.adapters.base import Adapter
from sqlmon.columns import ColumnInfo, kind_of
from sqlmon.errors import ConfigError, SqlmonError, WarehouseError


class DuckDBAdapter(Adapter):
    name = "duckdb"
    dialect = "duckdb"
    profile_keys = ("path", "threads", "memory_limit", "read_only", "allowed_paths",
                    "schema", "database", "attach", "extensions", "settings")     # the last five: dbt-duckdb's
    # dbt-duckdb's other keys: they configure dbt's own connection, which sqlmon does not open.
    dbt_profile_keys = duckdb_profile.IGNORED
    dbt_key_reasons = duckdb_profile.IGNORED_REASONS
    profile_kinds = {"path": "text", "threads": "count", "memory_limit": "text", "read_only": "flag",
                     "allowed_paths": "paths", "schema": "text", "database": "text", "attach": "list",
                     "extensions": "list", "settings": "mapping"}
    profile_examples = {"attach": "[{path: prod.duckdb, alias: prod}]", "extensions": "[json, icu]",
                        "settings": "{memory_limit: 4GB}"}
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
        # the attached in-memory database holding kept samples: one per adapter (two runs in one
        # process may share the database instance), attached before the configuration is locked
        self._scratch = f"sqlmon_scratch_{uuid.uuid4().hex[:12]}"
        super().__init__(target)
        self.conn = None
        self.path = self._resolved_path()
        self._given: Any = None        # a connection the caller holds (`use`)
        self._restore: Any = None      # its settings before the run
        self._search_path: str | None = None   # `database:`/`schema:`, set on every cursor

    @classmethod
    def profile_value_problem(cls, target: dict[str, Any]) -> tuple[str, str, str] | None:
        return duckdb_profile.profile_problem(target)

    def sample_catalog(self) -> str | None:
        return self._scratch

    def use(self, connection: Any) -> None:
        """The caller's connection (a scoring job checking the batch it just wrote, a DataFrame it
        registered): queries run on it, one at a time (its registered views are its own; cursors do
        not see them), samples inline (no scratch database attached), nothing locked; the session
        settings sqlmon needs are set for the run and restored at close."""
        import duckdb

        if not isinstance(connection, duckdb.DuckDBPyConnection):
            raise ConfigError(f"connection= must be an open duckdb connection, got {type(connection).__name__}",
                              hint="pass duckdb.connect(...) (or let sqlmon connect from the profile)")
        self._given = connection
        self.samples = None
        self.concurrent_queries = False

    def connect(self) -> None:
        import duckdb

        if self._given is not None:
            self.conn = self._given
            try:
                self._restore = self.conn.execute(
                    "SELECT current_setting('TimeZone'), current_setting('parquet_can_have_nan')").fetchone()
                self.conn.execute("SET TimeZone = 'UTC'")
                self.conn.execute("SET parquet_can_have_nan = true")
            except duckdb.Error as err:
                raise WarehouseError(f"the DuckDB connection given to sqlmon is not usable: {_first_line(err)}",
                                     hint="pass an open connection") from None
            return

        self.path = path = self._resolved_path()
        read_only = bool(self.target.get("read_only", path != ":memory:"))
        # Extensions are never installed or loaded by a query (autoloading would fetch code).
        config: dict[str, Any] = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        if self.target.get("threads"):
            config["threads"] = int(self.target["threads"])
        if self.target.get("memory_limit"):
            config["memory_limit"] = str(self.target["memory_limit"])
        try:
            self.conn = duckdb.connect(path, read_only=read_only, config=config)
            locked = self.conn.execute("SELECT current_setting('lock_configuration')").fetchone()[0]
            # dbt-duckdb's attach/extensions/settings: ATTACH, LOAD and SET are refused once locked
            duckdb_profile.apply(self.conn, self.target, bool(locked))
            _lock_down(self.conn, self._scratch, self._allowed_paths())
            self._search_path = duckdb_profile.search_path(self.conn, self.target)
            if self._search_path:
                self.conn.execute("SET search_path = ?", [self._search_path])
        except duckdb.Error as err:
            self._abandon()
            raise WarehouseError(
                f"cannot open DuckDB database '{path}': {err}",
                hint="check `path:` in profiles.yml (relative paths are taken from the project folder)",
            ) from None
        except SqlmonError:
            self._abandon()
            raise

    def _abandon(self) -> None:
        """Close a connection that failed half-way (the file stays free for the next attempt)."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None

    def _allowed_paths(self) -> list[str]:
        """`allowed_paths:` of the profile (files or folders, relative to the project): the only
        files a query may read besides the warehouse, for users who monitor files on purpose."""
        raw = self.target.get("allowed_paths") or []
        paths = [raw] if isinstance(raw, str) else list(raw)
        out = []
        for p in paths:
            full = Path(str(p)).expanduser()
            full = full if full.is_absolute() else Path(self.target.get("project_dir", ".")) / full
            out.append(str(full.resolve()) + ("/" if full.is_dir() else ""))
        return out

    def _resolved_path(self) -> str:
        """`path:` relative to the project folder; `:memory:` as it is."""
        path = str(self.target.get("path", ":memory:"))
        if path != ":memory:" and not Path(path).expanduser().is_absolute():
            path = str(Path(self.target.get("project_dir", ".")) / Path(path).expanduser())
        return path

    def close(self) -> None:
        if self.conn is not None and self._given is not None:      # the caller's: restore, keep open
            with contextlib.suppress(Exception):
                zone, nan = self._restore
                self.conn.execute(f"SET TimeZone = '{str(zone).replace(chr(39), '')}'")
                self.conn.execute(f"SET parquet_can_have_nan = {'true' if nan else 'false'}")
            self.conn = None
            return
        if self.conn is not None:
            with contextlib.suppress(Exception):     # the instance may outlive us (another connection to the file)
                self.conn.execute(f"DETACH {self._scratch}")
            self.conn.close()
            self.conn = None

    def _cursor(self) -> Any:
        # a cursor is a new session of the same instance: it has the global settings of _lock_down,
        # but not the session's search path (DuckDB cannot set it globally), so that is set here;
        # a caller's connection is used itself (its registered views are its own)
        if self._given is not None:
            return self.conn
        cursor = self.conn.cursor()
        if self._search_path:
            cursor.execute("SET search_path = ?", [self._search_path])
        return cursor

    def keep_sample(self, name: str, sql: str) -> int:
        import duckdb

        try:
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
        if self._given is not None:      # the caller's data: no signal tells when it changed, so a
            return f"given:{self._scratch}"   # baseline computed on it is kept for this run only
        # A database file changes (size, mtime) whenever any table in it is written: the
        # warehouse's and every attached one's (a relation may live in any of them).
        files = ([] if self.path == ":memory:" else [self.path]) + [
            p for p, _ in duckdb_profile.attached_files(self.target)]
        if not files:
            return None
        try:
            stats = [Path(f).stat() for f in files]
        except OSError:
            return None
        return ",".join(f"{st.st_size}:{st.st_mtime_ns}" for st in stats)

    def describe(self) -> str:
        import duckdb

        where = f"duckdb {duckdb.__version__} at {self.target.get('path', ':memory:')}"
        if self._given is None:      # what unqualified names and other catalogs mean (a cached baseline's key)
            attached = duckdb_profile.attached_files(self.target)
            where += "".join(f" + {p}" + (f" as {a}" if a else "") for p, a in attached)
            if self._search_path:
                where += f" (default schema {self._search_path})"
        return where


def _lock_down(conn: Any, scratch: str, allowed: list[str]) -> None:
    """The session settings, then a connection that can read only the warehouse: no file, HTTP or
    extension access from a query (`read_csv('/etc/passwd')`, `glob`, `COPY ... TO`, `ATTACH`,
    `INSTALL`), and a locked configuration, so a query cannot undo it. Settings are global (every
    cursor is a new session of this instance, and a locked instance refuses SETs), in this order:
    what a locked instance still needs first. An instance already locked (another connection of
    this process to the same file) is reused as it is."""
    conn.execute(f"ATTACH ':memory:' AS {scratch} (READ_WRITE)")     # kept samples (sqlmon.samples)
    if conn.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
        return
    # pyarrow-written Parquet: without this DuckDB treats isnan() as always false and NaN rows
    # land silently in ordinary bins (measured, DESIGN §8).
    conn.execute("SET GLOBAL parquet_can_have_nan = true")
    # Windows are UTC instants; without this, TIMESTAMPTZ comparisons follow the machine's zone.
    conn.execute("SET GLOBAL TimeZone = 'UTC'")
    # Already so from connect's config; again after the profile's `settings:` (which refuse them
    # too), so that nothing before the lock can have turned them on.
    conn.execute("SET GLOBAL autoinstall_known_extensions = false")
    conn.execute("SET GLOBAL autoload_known_extensions = false")
    if allowed:
        conn.execute("SET allowed_directories = ?", [[p for p in allowed if p.endswith("/")]])
        conn.execute("SET allowed_paths = ?", [[p for p in allowed if not p.endswith("/")]])
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]
