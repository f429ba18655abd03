"""History as Parquet files, for Spark targets (no Delta: its jars come from Maven, unreachable here).

Layout: `<path>/<invocation_id>/<table>.parquet` for each table with rows (a pin of baselines:
`baseline-<uuid>/`, a run's delivery records: `notifications-<uuid>/`), then `_COMMITTED` written
LAST (a small JSON with the schema version). A run directory without `_COMMITTED` is a crashed or
running write and is ignored by every reader, which gives the same all-or-nothing guarantee as a
transaction. A store written by an older sqlmon needs no migration: its folders simply have no
file for a newer table, which loads empty. Spark reads the committed runs with e.g.

    spark.read.parquet(*[d + "/results.parquet" for d in committed_dirs])

and sqlmon reads them through an in-memory DuckDB holding the same tables and views as the
other backends, so the read API and the analysis views are identical everywhere. Files are
written by DuckDB on the driver (local or mounted path), so no Spark job is needed to record.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlmon.errors import ConfigError, WarehouseError
from sqlmon.history.store import Store
from sqlmon.history.tables import TABLES, VERSION_TABLE, statements, version_table_ddl

COMMITTED = "_COMMITTED"


class ParquetStore(Store):
    name = "parquet"

    def __init__(self, path: Path, location: str):
        super().__init__(location)
        self.path = path
        self._db: Any = None

    def describe(self) -> str:
        return str(self.path)

    def ensure(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(f"cannot create the history folder {self.path}: {err.strerror}", location=self.location,
                              hint="set `history: {path: ...}` to a writable folder") from None
        self._committed()        # surfaces a newer schema version now

    def _committed(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        out = []
        for d in sorted(p for p in self.path.iterdir() if p.is_dir()):
            marker = d / COMMITTED
            if not marker.exists():
                continue
            try:
                version = int(json.loads(marker.read_text()).get("schema_version", 1))
            except (OSError, ValueError, AttributeError):
                raise ConfigError(f"unreadable commit marker {marker}", location=self.location,
                                  hint="remove that run folder (it is not a complete sqlmon run)") from None
            if version > self.schema_version:
                raise ConfigError(f"the history run {d.name} has schema version {version}; this sqlmon knows "
                                  f"up to {self.schema_version}", location=self.location, hint="upgrade sqlmon")
            out.append(d)
        return out

    def _load(self) -> Any:
        """An in-memory DuckDB with every committed run loaded (a snapshot for this process)."""
        import duckdb

        db = duckdb.connect(":memory:")
        db.execute(version_table_ddl().replace("{s}", ""))
        for stmt in statements([s for m in self.migrations for s in m], "duckdb"):
            db.execute(stmt)
        dirs = self._committed()
        for table in TABLES:
            files = [str(d / f"{table}.parquet") for d in dirs if (d / f"{table}.parquet").exists()]
            if files:
                try:
                    db.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?, union_by_name = true)",
                               [files])
                except duckdb.Error as err:
                    raise ConfigError(f"cannot read the history files under {self.path}: {str(err).splitlines()[0]}",
                                      location=self.location, hint="a file was edited or truncated; remove that run folder") from None
        db.execute(f"INSERT INTO {VERSION_TABLE} VALUES ({self.schema_version}, NULL, NULL)")
        return db

    def read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        if self._db is None:
            self._db = self._load()
        return self._db.execute(self.sql(sql), list(params)).fetchall()

    def write_run(self, rows: dict[str, list[tuple]]) -> None:
        import duckdb

        # a run's folder is named by its run; pinned baselines and delivery records (written apart
        # from their run, sqlmon.notify) each get a folder of their own
        kind = "notifications" if rows.get("notifications") else "baseline"
        run_id = next((r[0] for r in rows.get("runs", [])), None) or f"{kind}-{uuid.uuid4().hex}"
        final = self.path / run_id
        if final.exists() and not (final / COMMITTED).exists():
            shutil.rmtree(final)          # leftovers of a crashed attempt of this very run
        final.mkdir(parents=True, exist_ok=False)
        db = duckdb.connect(":memory:")
        try:
            for table, cols in TABLES.items():
                data = rows.get(table, [])
                if not data:
                    continue
                db.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in cols)})")
                db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(cols))})", [list(r) for r in data])
                db.execute(f"COPY {table} TO '{_sql_path(final / (table + '.parquet'))}' (FORMAT parquet)")
                self.table_written(table)
        except duckdb.Error as err:
            raise WarehouseError(f"cannot write history files under {final}: {str(err).splitlines()[0]}") from None
        finally:
            db.close()
        _write_durably(final / COMMITTED, json.dumps({"schema_version": self.schema_version}))
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_durably(path: Path, text: str) -> None:
    """Flush the data files and their folder first, then the marker: the marker never outlives its files."""
    for f in path.parent.iterdir():
        fd = os.open(f, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
