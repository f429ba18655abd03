"""Shared fixtures: throwaway projects on a DuckDB file, and the engine helpers."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from sqlmon.cli import main

REPO = Path(__file__).resolve().parents[1]


class Proj:
    """A project folder with a DuckDB warehouse; `run()` goes through the real CLI."""

    def __init__(self, root: Path):
        self.root = root
        self.db = root / "warehouse.duckdb"

    def sql(self, statements: str) -> None:
        con = duckdb.connect(str(self.db))
        try:
            con.execute(statements)
        finally:
            con.close()

    def monitors(self, text: str, name: str = "monitors.yml") -> Path:
        path = self.root / "monitors" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
        return path

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
        return path

    def cli(self, *args: str, env: dict[str, str] | None = None) -> Any:
        result = CliRunner().invoke(main, [*args[:1], "--project-dir", str(self.root), *args[1:]],
                                    catch_exceptions=False, env=env)
        return result

    def run(self, *args: str) -> Any:
        return self.cli("run", "--as-of", "2024-01-10", *args)

    def results(self) -> dict[str, dict[str, Any]]:
        data = json.loads((self.root / "target" / "run_results.json").read_text())
        return {r["unique_id"]: r for r in data["results"]}

    def api(self, **kwargs: Any) -> Any:
        from sqlmon.runner import run
        kwargs.setdefault("as_of", "2024-01-10")
        return run(self.root, **kwargs)


@pytest.fixture
def proj(tmp_path: Path) -> Proj:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "sqlmon_project.yml").write_text("name: testproj\nprofile: testproj\n")
    (root / "profiles.yml").write_text(
        "testproj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n")
    p = Proj(root)
    p.sql("""
        CREATE TABLE events AS SELECT * FROM (VALUES
          (1, TIMESTAMP '2024-01-09 01:00:00', 'a',  1.5, 'DE'),
          (2, TIMESTAMP '2024-01-09 02:00:00', 'b',  2.5, 'FR'),
          (3, TIMESTAMP '2024-01-09 03:00:00', NULL, 3.5, 'US'),
          (4, TIMESTAMP '2024-01-09 04:00:00', 'a',  NULL, 'xx'),
          (4, TIMESTAMP '2024-01-08 05:00:00', 'c',  10.0, 'DE'),
          (5, TIMESTAMP '2024-01-08 06:00:00', 'a',  'nan'::DOUBLE, 'DE')
        ) t(id, ts, cat, x, country);
    """)
    return p


def older_sqlmon(m: Any, version: int) -> None:
    """Make this process write the history as the sqlmon of schema `version` did (`m`: a
    monkeypatch context): its migrations, and before schema 4 its rows without `stage`."""
    from sqlmon.history import tables
    from sqlmon.history.store import Store

    m.setattr(Store, "migrations", tables.MIGRATIONS[:version])
    m.setattr(Store, "schema_version", version)
    if version >= tables.STAGES_SINCE:
        return
    old = {t: [c for c in cols if c[0] != "stage"] for t, cols in tables.TABLES.items()}
    for module in ("duckdb", "parquet", "store"):
        m.setattr(f"sqlmon.history.{module}.TABLES", old)
    m.setattr("sqlmon.history.reader.run_rows", lambda rr, name: {
        t: [r[:len(old[t])] for r in rows] for t, rows in tables.run_rows(rr, name).items()})
    m.setattr("sqlmon.history.reader.notification_rows", lambda deliveries: [
        r[:len(old["notifications"])] for r in tables.notification_rows(deliveries)])


# The engine fixtures (PostgreSQL, Spark) live in tests/engines.py.
try:
    from engines import *  # noqa: F401,F403,E402
except ImportError:  # pragma: no cover - engines helper not present yet
    pass
