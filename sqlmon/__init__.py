"""sqlmon: test-based monitoring of ML models and their data, run inside the warehouse.

Python API::

    import sqlmon
    result = sqlmon.run("path/to/project", select=["tag:tier1"])
    if result.exit_code:            # 0 pass, 1 fail (or warn under fail_on="warn"), 2 error
        raise SystemExit(result.exit_code)

`run` and `compile_project` raise `sqlmon.errors.SqlmonError` on configuration errors; results
are `sqlmon.Result` values inside a `sqlmon.RunResult`. A `sqlmon.Session` shares drift
baselines between consecutive runs of one process.

`import sqlmon` stays light (no SQL parser, engine or statistics library: the CLI's `--help` and
`--version` start at once); `run` and `compile_project` import the machinery on first call. Their
signatures are those of `sqlmon.runner` (a test keeps them equal).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmon.results import Compiled, Result, RunFailed, RunResult
from sqlmon.session import Session
from sqlmon.version import __version__


def run(project_dir: Path | str | None = None, *, target: str | None = None, profiles_dir: Path | str | None = None,
        select: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
        as_of: str | datetime | None = None, vars: dict[str, Any] | None = None, fail_on: str = "fail",
        fuse: bool = True, fuse_windows: bool | None = None, threads: int = 1, write_artifacts: bool = True,
        on_query: Callable[[int, int], None] | None = None, history: bool = True, notify: Sequence[str] = (),
        report: bool = False, session: Session | None = None, target_path: str | None = None,
        on_result: Callable[[Result, int, int], None] | None = None, connection: Any = None,
        stage: str | None = None) -> RunResult:
    """Run the selected tests of the project in `project_dir` and return every result.

    `select`/`exclude`: selectors as on the command line; `as_of`: the instant windows end at
    (default now, UTC); `vars`: like `--vars`; `fail_on="warn"` makes warnings of untiered tests fail
    the exit code, `"critical:warn"` those of a tier (`--fail-on`'s grammar; a tier's own policy otherwise).
    Writes `target/` artifacts (`write_artifacts`), appends the run to the history store
    (`history=False`: read it, never write), sends `notify` webhooks for new failures and writes
    `target/report.html` (`report`); a notification that fails is a warning, never an error.
    `session`: share drift baselines with earlier runs of this process (`sqlmon.Session`);
    `target_path`: where artifacts go instead of the project's `target_path` (a read-only checkout);
    `on_query(done, total)` and `on_result(result, index, total)` report progress as it happens
    (a result only once it is final); `connection`: an open DuckDB connection to run on instead of
    the profile's (a scoring job checking the batch it just wrote, a DataFrame it registered): never
    locked, never closed, its settings restored after the run. `stage`: like `--stage`, a stage of
    sqlmon_project.yml `stages:` (default: its `default_stage:`), recorded with every result.
    Raises `sqlmon.errors.SqlmonError` (with `location`, `message`, `hint`) on configuration
    errors; a test that cannot be computed is an `error` result instead.
    """
    from sqlmon import runner

    return runner.run(project_dir, target=target, profiles_dir=profiles_dir, select=select, exclude=exclude,
                      as_of=as_of, vars=vars, fail_on=fail_on, fuse=fuse, fuse_windows=fuse_windows, threads=threads,
                      write_artifacts=write_artifacts, on_query=on_query, history=history, notify=notify,
                      report=report, session=session, target_path=target_path, on_result=on_result,
                      connection=connection, stage=stage)


def compile_project(project_dir: Path | str | None = None, *, target: str | None = None,
                    profiles_dir: Path | str | None = None, select: Any = None, exclude: Any = None,
                    as_of: str | datetime | None = None, vars: dict[str, Any] | None = None,
                    dialect: str | None = None, write: bool = True, target_path: str | None = None,
                    stage: str | None = None) -> list[Compiled]:
    """The first-round SQL of each test (unfused), in the target's dialect or `dialect` (in `stage`).

    The warehouse is asked only for the schema; multi-pass tests (drift) show their first pass.
    """
    from sqlmon import runner

    return runner.compile_project(project_dir, target=target, profiles_dir=profiles_dir, select=select,
                                  exclude=exclude, as_of=as_of, vars=vars, dialect=dialect, write=write,
                                  target_path=target_path, stage=stage)


__all__ = ["Compiled", "Result", "RunFailed", "RunResult", "Session", "__version__", "compile_project", "run"]
