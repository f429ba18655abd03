"""The results history: a store sqlmon owns, per engine, never the user's data (README "Where the
history lives").

    store     default for              where
    duckdb    duckdb targets           a separate DuckDB file, `.sqlmon/history.duckdb` beside sqlmon_project.yml
    postgres  postgres targets         schema `sqlmon`, through a separate write connection
    parquet   spark targets            Parquet files per run, `.sqlmon/history/`, commit marker last

Each adapter names its store (`Adapter.history_store`); `history: {backend: ...}` in
`sqlmon_project.yml` overrides it. The file stores live outside `target/`, which `dbt clean`, `rm
-rf target` and fresh CI checkouts throw away; `$SQLMON_HISTORY_PATH`, then `history: {path: ...}`,
put them elsewhere. Reading and recording (runs, and what notifications delivered): `reader.py`;
the tables and their migrations: `tables.py`.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from sqlmon.adapters import adapter_class
from sqlmon.config.project import Project
from sqlmon.errors import ConfigError
from sqlmon.history.duckdb import DuckDBStore
from sqlmon.history.parquet import ParquetStore
from sqlmon.history.postgres import PostgresStore
from sqlmon.history.reader import History, HistoryReader, Notified, RunRow, SeriesPoint
from sqlmon.history.store import Store

# store name -> how to open it: (the project's `history:` spec, the adapter, the file or folder
# for file stores, where the config is written) -> Store. One new store = one entry.
STORES: dict[str, Any] = {
    "duckdb": lambda cfg, adapter, path, location: DuckDBStore(path, location, cfg.lock_timeout),
    "parquet": lambda cfg, adapter, path, location: ParquetStore(path, location),
    "postgres": lambda cfg, adapter, path, location: PostgresStore(adapter, cfg.schema_name, location),
}
# Default file or folder of the stores that live in files, relative to the project folder, and
# where sqlmon before 0.2 kept them (relative to target/): moved once, with a notice.
DEFAULT_PATH = {"duckdb": ".sqlmon/history.duckdb", "parquet": ".sqlmon/history"}
LEGACY_PATH = {"duckdb": "sqlmon_history.duckdb", "parquet": "sqlmon_history"}
PATH_ENV = "SQLMON_HISTORY_PATH"


def open_history(project: Project, adapter: Any = None, *, write: bool = True) -> History:
    """The project's history store; with `write`, created or migrated now (so errors come early)."""
    cfg = project.spec.history
    where = project.history_location
    write = write and cfg.enabled
    engine = adapter if adapter is not None else adapter_class(str(project.target.get("type", "")))
    backend = cfg.backend or engine.history_store
    path, notices = None, []
    if backend in DEFAULT_PATH:
        path, notices = history_path(project, backend)
        _check_not_warehouse(path, project, where)
    store: Store = STORES[backend](cfg, adapter, path, where)
    if write:
        if path is not None and path.parent == project.root / ".sqlmon":
            _own_folder(path.parent)
        store.ensure()
    return History(store, project.spec.name, write, notices)


def history_path(project: Project, backend: str) -> tuple[Path, list[str]]:
    """Where a file store lives: `$SQLMON_HISTORY_PATH`, else `history: {path: ...}` (relative to the
    project folder), else `.sqlmon/` beside sqlmon_project.yml, where a store found at the old
    default under target/ is moved once (the notice says so)."""
    configured = os.environ.get(PATH_ENV) or project.spec.history.path
    if configured and "\x00" in configured:
        raise ConfigError(f"the history path {configured!r} is not a usable path", location=project.history_location,
                          hint=f"set history: {{path: ...}} or ${PATH_ENV} to a file path")
    if configured:
        path = Path(configured).expanduser()
        return (path if path.is_absolute() else project.root / path), []
    path = project.root / DEFAULT_PATH[backend]
    legacy = project.target_dir / LEGACY_PATH[backend]
    if path.exists() or not legacy.exists():
        return path, []
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(legacy), str(path))
    if legacy.with_name(legacy.name + ".wal").exists():          # DuckDB's write-ahead log goes along
        shutil.move(str(legacy) + ".wal", str(path) + ".wal")
    return path, [f"the history store moved from {legacy} to {path} (out of target/, which `dbt clean` and "
                  f"fresh checkouts remove); set history: {{path: ...}} or ${PATH_ENV} to keep it elsewhere"]


def _own_folder(folder: Path) -> None:
    """`.sqlmon/` is sqlmon's own: it tells git to leave it alone, as `.pytest_cache/` does."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by sqlmon: the results history is data, not source\n*\n", encoding="utf-8")


def _check_not_warehouse(path: Path, project: Project, location: str) -> None:
    warehouse = str(project.target.get("path") or ":memory:")
    if warehouse == ":memory:":
        return
    file = Path(warehouse).expanduser()
    file = file if file.is_absolute() else Path(project.target.get("project_dir") or project.root) / file
    # the same file under another name too: a symlink, or a hard link (same inode)
    if file.resolve() == path.resolve() or (file.exists() and path.exists() and os.path.samefile(file, path)):
        raise ConfigError(f"the history path {path} is the warehouse file itself", location=location,
                          hint="sqlmon never writes to the warehouse: give `history: {path: ...}` its own file")


__all__ = ["STORES", "History", "HistoryReader", "Notified", "RunRow", "SeriesPoint", "Store", "open_history"]
