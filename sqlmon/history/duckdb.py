"""The history in a DuckDB file that sqlmon owns (the default for DuckDB targets)."""
from __future__ import annotations

import contextlib
import time

try:
    import fcntl
except ImportError:          # Windows: DuckDB's own file lock only
    fcntl = None  # type: ignore[assignment]
from pathlib import Path
from typing import Any

from sqlmon.errors import ConfigError, WarehouseError
from sqlmon.history.store import Store
from sqlmon.history.tables import TABLES, VERSION_TABLE


class DuckDBStore(Store):
    name = "duckdb"

    def __init__(self, path: Path, location: str, lock_timeout: float = 60.0):
        super().__init__(location)
        self.path = path
        self.lock_timeout = lock_timeout
        self._reader: Any = None
        self._reader_turn: Any = None

    def describe(self) -> str:
        return str(self.path)

    def _turn(self, exclusive: bool) -> Any:
        """sqlmon's own lock on the store (`<file>.lock`), taken before DuckDB opens it and given back
        only after DuckDB has closed it (its checkpoint on close included): shared for a run's
        reads, exclusive for a write. DuckDB's own file lock alone let a writer read blocks that
        another process's closing checkpoint had just cut off (found by the 200-run stress test).
        Returns the open lock file (close it to give the turn back); None where there is no flock."""
        if fcntl is None:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path.with_name(self.path.name + ".lock"), "a+")  # noqa: SIM115 - held past this call
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                return handle
            except OSError:
                if time.monotonic() >= deadline:
                    handle.close()
                    raise ConfigError(f"cannot open the history store {self.path}: another run held it for more "
                                      f"than {self.lock_timeout:g}s", location=self.location,
                                      hint="raise `history: {lock_timeout: ...}` or stagger the runs") from None
                time.sleep(0.05)

    def _connect(self, read_only: bool) -> Any:
        import duckdb

        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                conn = duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as err:
                text = str(err)
                if "lock" in text.lower() and time.monotonic() < deadline:
                    time.sleep(0.2)      # another sqlmon run is writing its run: wait our turn
                    continue
                busy = "lock" in text.lower()
                raise ConfigError(
                    f"cannot open the history store {self.path}: {text.strip().splitlines()[0]}",
                    location=self.location,
                    hint=(f"another process held it for more than {self.lock_timeout:g}s; raise "
                          "`history: {lock_timeout: ...}` or stagger the runs") if busy else
                    ("it is not a sqlmon history DuckDB file: move it away, or set `history: {path: ...}` "
                     "in sqlmon_project.yml (or run with --no-history)")) from None
            self._check_whole(conn)
            return conn

    def _check_whole(self, conn: Any) -> None:
        """A store cut short (a full disk, a copy interrupted) still opens, and its early blocks
        still read: refuse it once, before anything is read from it or appended to it."""
        if not self.path.exists() or self.path.with_name(self.path.name + ".wal").exists():
            return                # changes not yet checkpointed into the file: its size says nothing
        size = self.path.stat().st_size
        row = conn.execute("PRAGMA database_size").fetchone()
        # headers + block_size * used blocks: a lower bound (free blocks may lie beyond the end)
        expected = 3 * 4096 + int(row[2]) * int(row[4])
        if size and size < expected:
            conn.close()
            raise ConfigError(f"the history store {self.path} is damaged: {size:,} of {expected:,} bytes "
                              "(cut short, e.g. by a full disk or an interrupted copy)", location=self.location,
                              hint="restore it from a backup, or move it away to start a new history "
                                   "(or run with --no-history)")

    def _insert_all(self, execute: Any, rows: dict[str, list[tuple]]) -> None:
        # One statement per table, each column bound as one typed list: DuckDB binds a
        # 2,000-row multi-VALUES insert ~10x slower (it was most of a steady run's history write).
        for table, cols in TABLES.items():
            data = rows.get(table, [])
            if data:
                select = ", ".join(f"unnest(?::{typ}[])" for _, typ in cols)
                execute(self.sql(f"INSERT INTO {{s}}{table} SELECT {select}"), [list(c) for c in zip(*data)])
            self.table_written(table)

    def ensure(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._current():
            return
        turn = self._turn(exclusive=True)
        try:
            conn = self._connect(read_only=False)
            try:
                self._transaction(conn, lambda ex: self._migrate(ex, _fetcher(conn)))
            finally:
                conn.close()
        finally:
            if turn is not None:
                turn.close()

    def _current(self) -> bool:
        """True when the file exists at this schema version: the check is made on the read-only
        connection that `read` uses next (so a steady run opens one connection fewer); a newer
        version raises as `_migrate` does; anything else is left to the migration."""
        import duckdb

        if not self.path.exists():
            return False
        if self._reader is None:
            self._reader_turn = self._turn(exclusive=False)
            self._reader = self._connect(read_only=True)
        try:
            got = self._reader.execute(self.sql(f"SELECT MAX(version) FROM {{s}}{VERSION_TABLE}")).fetchall()
        except duckdb.Error:
            got = None
        current = int(got[0][0] or 0) if got else 0
        if got is None or current != self.schema_version:
            self.close()              # the migration needs the one connection of this process
            self._check_version(current)
            return False
        return True

    def read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        import duckdb

        if self._reader is None:
            if not self.path.exists():
                return []
            self._reader_turn = self._turn(exclusive=False)
            self._reader = self._connect(read_only=True)
        try:
            return self._reader.execute(self.sql(sql), list(params)).fetchall()
        except duckdb.CatalogException:
            return []             # an empty file (created, never migrated): no history yet
        except duckdb.Error as err:
            damaged = "IO Error" in str(err)
            raise ConfigError(f"cannot read the history store {self.path}: {str(err).splitlines()[0]}",
                              location=self.location,
                              hint="the file is damaged: restore it from a backup or move it away" if damaged
                              else "run once without --no-history to migrate it") from None

    def write_run(self, rows: dict[str, list[tuple]]) -> None:
        self.close()              # one process, one connection mode at a time
        self.path.parent.mkdir(parents=True, exist_ok=True)
        turn = self._turn(exclusive=True)
        try:
            conn = self._connect(read_only=False)
            try:
                def body(ex: Any) -> None:
                    self._migrate(ex, _fetcher(conn))
                    self._insert_all(ex, rows)
                self._transaction(conn, body)
                self._verify(conn, rows)
            finally:
                conn.close()                 # DuckDB checkpoints here: still within our turn
        finally:
            if turn is not None:
                turn.close()

    def _verify(self, conn: Any, rows: dict[str, list[tuple]]) -> None:
        """Read the run back after the commit: a write that returned but did not land is an error."""
        import duckdb

        invocation = rows["runs"][0][0] if rows.get("runs") else None
        if invocation is None:
            return
        try:
            got = conn.execute(self.sql("SELECT COUNT(*) FROM {s}results WHERE invocation_id = ?"),
                               [invocation]).fetchone()[0]
            runs = conn.execute(self.sql("SELECT COUNT(*) FROM {s}runs WHERE invocation_id = ?"),
                                [invocation]).fetchone()[0]
        except duckdb.Error as err:
            raise WarehouseError(f"cannot read back the run just written to {self.path}: {str(err).splitlines()[0]}",
                                 hint="check the disk and the file; the run's artifacts are in target/") from None
        if runs != 1 or got != len(rows.get("results", [])):
            raise WarehouseError(f"the history store {self.path} did not keep the run just written "
                                 f"({runs} run rows, {got} of {len(rows.get('results', []))} results)",
                                 hint="check the disk and the file; the run's artifacts are in target/")

    @staticmethod
    def _transaction(conn: Any, body: Any) -> None:
        import duckdb

        conn.execute("BEGIN TRANSACTION")
        try:
            body(lambda sql, params: conn.execute(sql, list(params)))
            conn.execute("COMMIT")
        except BaseException as err:
            # A failed COMMIT (a full disk, a file-size limit) has already ended the transaction:
            # the ROLLBACK would then fail too and hide the cause, which is the error to report.
            with contextlib.suppress(duckdb.Error):
                conn.execute("ROLLBACK")
            if isinstance(err, duckdb.Error):
                raise WarehouseError(f"cannot write the history store: {str(err).strip().splitlines()[0]}",
                                     hint="free disk space or fix the file's permissions; nothing of this run "
                                          "was recorded (its artifacts are in target/)") from None
            raise

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._reader_turn is not None:
            self._reader_turn.close()          # closing the lock file gives the turn back
            self._reader_turn = None


def _fetcher(conn: Any) -> Any:
    return lambda sql, params: conn.execute(sql, list(params)).fetchall()
