"""Backfill: `run()` for each `as_of` of a range, so the history (and anomaly tests) start full.

Windows are relative to `as_of` and freshness ignores rows at or after it, so a run "as of" a past
date sees the data as it was then (for relations that keep their history). Runs go oldest first:
each one's anomaly tests judge against the runs before it, exactly as daily runs would have.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmon.config.thresholds import parse_duration, parse_instant
from sqlmon.errors import ConfigError
from sqlmon.results import RunResult
from sqlmon.runner import run
from sqlmon.session import Session

MAX_RUNS = 10_000


def as_of_range(start: str | datetime, end: str | datetime, every: str = "1 day") -> list[datetime]:
    """`start`, `start + every`, ... up to and including `end` (UTC).

    >>> [d.day for d in as_of_range("2024-01-01", "2024-01-03")]
    [1, 2, 3]
    >>> [d.hour for d in as_of_range("2024-01-01", "2024-01-01T12:00", "6 hours")]
    [0, 6, 12]
    """
    first, last = parse_instant(start, "--start"), parse_instant(end, "--end")
    step = timedelta(seconds=parse_duration(every, "--every"))
    if step.total_seconds() <= 0:
        raise ConfigError(f"--every must be a positive duration, got '{every}'", hint="e.g. --every '1 day'")
    if last < first:
        raise ConfigError(f"--end {last.isoformat()} is before --start {first.isoformat()}",
                          hint="give the range oldest first")
    count = int((last - first) / step) + 1
    if count > MAX_RUNS:
        raise ConfigError(f"{count} runs between --start and --end every {every}; the limit is {MAX_RUNS}",
                          hint="use a larger --every or a shorter range")
    return [first + i * step for i in range(count)]


def backfill(project_dir: Any = None, *, start: str | datetime, end: str | datetime, every: str = "1 day",
             on_run: Callable[[RunResult], None] | None = None, **run_kwargs: Any) -> list[RunResult]:
    """Run the project once per `as_of` in the range (oldest first), recording each run. The runs
    share one `Session`, so a reference that does not move is profiled once for the range. `run_kwargs`
    are `run`'s: `stage="production"` fills that stage's history (README "Stages"), never another's."""
    run_kwargs.pop("history", None)          # a backfill exists to fill the history
    run_kwargs.setdefault("notify", None)     # and replays the past: it tells no one unless asked to
    session = run_kwargs.pop("session", None) or Session()
    out = []
    for as_of in as_of_range(start, end, every):
        rr = run(project_dir, as_of=as_of, session=session, **run_kwargs)
        out.append(rr)
        if on_run is not None:
            on_run(rr)
    return out


def summary(runs: list[RunResult]) -> str:
    """The closing table of a backfill: runs per exit code, the first day of each, the worst."""
    if not runs:
        return "Backfill: no runs"
    rows = ["", f"Backfill: {len(runs)} runs, as of {runs[0].as_of.isoformat()} .. {runs[-1].as_of.isoformat()}",
            "| exit | runs | first as of |", "|---:|---:|---|"]
    for code in sorted({r.exit_code for r in runs}):
        days = [r for r in runs if r.exit_code == code]
        rows.append(f"| {code} | {len(days)} | {days[0].as_of.isoformat()} |")
    worst = max(r.exit_code for r in runs)
    first_bad = next((r for r in runs if r.exit_code == worst), None) if worst else None
    rows.append(f"Worst: exit {worst}" + (f", first as of {first_bad.as_of.isoformat()}" if first_bad else " (all green)"))
    return "\n".join(rows)
