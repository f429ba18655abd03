"""The results history: a store sqlmon owns, per engine, never the user's data (README "Where the
history lives").

    store     default for              where
    duckdb    duckdb targets           a separate DuckDB file, `target/sqlmon_history.duckdb`
    postgres  postgres targets         schema `sqlmon`, through a separate write connection
    parquet   spark targets            Parquet files per run, `target/sqlmon_history/`, commit marker last

Each adapter names its store (`Adapter.history_store`); `history: {backend: ...}` in
`sqlmon_project.yml` overrides it. Reading and recording: `reader.py`; the tables and their
migrations: `tables.py`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmon.adapters import adapter_class
from sqlmon.config.project import Project
from sqlmon.errors import ConfigError
from sqlmon.history.duckdb import DuckDBStore
from sqlmon.history.parquet import ParquetStore
from sqlmon.history.postgres import PostgresStore
from sqlmon.history.reader import History, HistoryReader, RunRow, SeriesPoint
from sqlmon.history.store import Store

# store name -> how to open it: (the project's `history:` spec, the adapter, the file or folder
# for file stores, where the config is written) -> Store. One new store = one entry.
STORES: dict[str, Any] = {
    "duckdb": lambda cfg, adapter, path, location: DuckDBStore(path, location, cfg.lock_timeout),
    "parquet": lambda cfg, adapter, path, location: ParquetStore(path, location),
    "postgres": lambda cfg, adapter, path, location: PostgresStore(adapter, cfg.schema_name, location),
}
# Default file or folder of the stores that live in files, under target/.
DEFAULT_PATH = {"duckdb": "sqlmon_history.duckdb", "parquet": "sqlmon_history"}


def open_history(project: Project, adapter: Any = None, *, write: bool = True) -> History:
    """The project's history store; with `write`, created or migrated now (so errors come early)."""
    cfg = project.spec.history
    location = project.history_location
    write = write and cfg.enabled
    engine = adapter if adapter is not None else adapter_class(str(project.target.get("type", "")))
    backend = cfg.backend or engine.history_store
    path = None
    if backend in DEFAULT_PATH:
        path = Path(cfg.path).expanduser() if cfg.path else project.target_dir / DEFAULT_PATH[backend]
        path = path if path.is_absolute() else project.root / path
        _check_not_warehouse(path, project, location)
    store: Store = STORES[backend](cfg, adapter, path, location)
    if write:
        store.ensure()
    return History(store, project.spec.name, write)


def _check_not_warehouse(path: Path, project: Project, location: str) -> None:
    warehouse = str(project.target.get("path") or ":memory:")
    if warehouse == ":memory:":
        return
    file = Path(warehouse).expanduser()
    file = file if file.is_absolute() else Path(project.target.get("project_dir") or project.root) / file
    if file.resolve() == path.resolve():
        raise ConfigError(f"the history path {path} is the warehouse file itself", location=location,
                          hint="sqlmon never writes to the warehouse: give `history: {path: ...}` its own file")


__all__ = ["STORES", "History", "HistoryReader", "RunRow", "SeriesPoint", "Store", "open_history"]
