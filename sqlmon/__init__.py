"""sqlmon: test-based monitoring of ML models and their data, run inside the warehouse.

Python API::

    import sqlmon
    result = sqlmon.run("path/to/project", select=["tag:tier1"])
    if result.exit_code:            # 0 pass, 1 fail (or warn under fail_on="warn"), 2 error
        raise SystemExit(result.exit_code)

`run` and `compile_project` raise `sqlmon.errors.SqlmonError` on configuration errors; results
are `sqlmon.Result` values inside a `sqlmon.RunResult`. A `sqlmon.Session` shares drift
baselines between consecutive runs of one process.
"""
from sqlmon.results import Result, RunResult
from sqlmon.runner import Compiled, RunOptions, compile_project, run
from sqlmon.session import Session
from sqlmon.version import __version__

__all__ = ["Compiled", "Result", "RunOptions", "RunResult", "Session", "__version__", "compile_project", "run"]
