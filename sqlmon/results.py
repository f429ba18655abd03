"""What a run produces: a test's `Outcome` (before thresholds), its `Result` (after), the
statuses and their order, the `RunResult` of a run and its exit code.

Imported by every part (test types, the executor, history, reports, the CLI), so it imports
nothing of sqlmon's but its errors: plain values only.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlmon.errors import ConfigError, did_you_mean

STATUSES = ("pass", "warn", "fail", "error", "skipped")
RANK = {"error": 0, "fail": 1, "warn": 2, "skipped": 3, "pass": 4}


@dataclass
class Result:
    unique_id: str
    monitor: str
    column: str | None
    test_type: str
    name: str
    status: str
    severity: str
    metric: float | None
    warn_if: str | None
    error_if: str | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    windows: dict[str, Any] = field(default_factory=dict)
    segment: dict[str, Any] | None = None
    timing: float = 0.0
    tags: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    location: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``clean(dataclasses.asdict(self))`` in one pass: asdict deep-copies every value before
        `clean` builds new containers anyway (a third of writing run_results.json)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass
class Outcome:
    """What a test type concludes from its answers, before thresholds are applied."""

    metric: float | None
    details: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    status: str | None = None        # `skipped` / `error`: could not be judged (e.g. not enough rows)
    judged: bool = True              # False: informational, thresholds not applied
    verdict: bool | None = None      # the test type's own rule (drift's two gates): True = breached


@dataclass
class RunResult:
    invocation_id: str
    as_of: datetime
    target: str
    adapter: str
    started_at: datetime
    finished_at: datetime
    results: list[Result]
    queries: list[Any] = field(default_factory=list)   # sqlmon.execute.Executed
    fail_on: str = "fail"
    project: Any = None     # sqlmon.config.project.Project
    warnings: list[str] = field(default_factory=list)     # e.g. a notification that could not be sent

    @property
    def exit_code(self) -> int:
        return exit_code(self.results, self.fail_on)

    def raise_for_status(self) -> "RunResult":
        """Raise `RunFailed` when the run's exit code is not 0 (as `requests` does for HTTP): a
        scoring pipeline gates on `sqlmon.run(...).raise_for_status()` before publishing."""
        if self.exit_code:
            raise RunFailed(self)
        return self

    def by_status(self) -> dict[str, int]:
        out = {s: 0 for s in RANK}
        for r in self.results:
            out[r.status] += 1
        return out


@dataclass
class Compiled:
    """The SQL `sqlmon compile` shows for one test (its first round), or why there is none."""

    test: str
    sql: list[str]
    error: str | None = None


def clean(value: Any) -> Any:
    """JSON-safe: NaN/inf -> None, tuples -> lists, datetimes -> ISO text, numpy -> Python."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):       # numpy scalars
        return clean(value.item())
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


def _plain(value: Any) -> Any:
    """What ``clean`` makes of what ``dataclasses.asdict`` makes of `value` (nested dataclasses
    become dicts of their fields; everything else as `clean` has it), without the copies."""
    if hasattr(type(value), "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return clean(value)


class RunFailed(Exception):
    """A run whose exit code is not 0 (`RunResult.raise_for_status`); `.result` is the RunResult."""

    def __init__(self, result: RunResult):
        self.result = result
        bad = [r for r in result.results if r.status in ("error", "fail")][:5]
        names = ", ".join(f"{r.unique_id} ({r.status})" for r in bad)
        silent = unjudged_monitors(result.results)
        why = names or (f"judged nothing: {', '.join(silent)}" if silent else "statuses that --fail-on fails")
        super().__init__(f"sqlmon run failed with exit code {result.exit_code}: {why}")


# What `--fail-on` may add to `fail` as statuses that make the exit code 1 (`error` is always 2).
FAIL_ON = ("fail", "warn", "skipped")


def fail_on_statuses(fail_on: str | Sequence[str] = "fail") -> frozenset[str]:
    """`"warn"`, `"warn,skipped"`, `["skipped"]` -> the statuses that fail the run (always `fail`).

    >>> sorted(fail_on_statuses("warn,skipped"))
    ['fail', 'skipped', 'warn']
    """
    parts = {p.strip() for p in (fail_on.split(",") if isinstance(fail_on, str) else fail_on) if p.strip()}
    unknown = sorted(parts - set(FAIL_ON))
    if unknown:
        raise ConfigError(f"--fail-on '{','.join(unknown)}' is not a status that can fail a run", location="--fail-on",
                          hint=did_you_mean(unknown[0], FAIL_ON) or "use fail, warn or skipped, comma-separated "
                          "(error always fails: exit 2)")
    return frozenset(parts | {"fail"})


def unjudged_monitors(results: list[Result]) -> list[str]:
    """Monitors of which no test was judged (every one skipped or errored): a monitor that says
    nothing is not a monitor that passed."""
    judged = {r.monitor for r in results if r.status in ("pass", "warn", "fail")}
    return sorted({r.monitor for r in results} - judged)


def exit_code(results: list[Result], fail_on: str | Sequence[str] = "fail") -> int:
    """2 if any test errored; else 1 if any status in `fail_on` (fail, and what --fail-on adds),
    or a monitor judged nothing at all; else 0."""
    statuses = {r.status for r in results}
    if "error" in statuses:
        return 2
    if statuses & fail_on_statuses(fail_on) or unjudged_monitors(results):
        return 1
    return 0
