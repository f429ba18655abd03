"""CLI commands around the history store: `backfill`, `baseline`, `report`. Thin, like cli.py."""
from __future__ import annotations

import sys
from typing import Any

import click


def register(main: click.Group) -> None:
    from .cli import _COMMON, _SELECT, _guard, _options, _vars

    @main.command()
    @_options(_COMMON + _SELECT[:2])
    @click.option("--start", required=True, help="First as_of (UTC date or timestamp).")
    @click.option("--end", required=True, help="Last as_of, included.")
    @click.option("--every", default="1 day", show_default=True, help="Step between runs, e.g. '1 day', '6 hours'.")
    @click.option("--fail-on", type=click.Choice(["fail", "warn"]), default="fail")
    @click.option("--report", "report", is_flag=True, help="Write target/report.html after the last run.")
    @_guard
    def backfill(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
                 select: tuple[str, ...], exclude: tuple[str, ...], start: str, end: str, every: str,
                 fail_on: str, report: bool) -> None:
        """Run once per as_of from --start to --end, filling the history from past data.

        Exit code: the worst of the runs (2 error, 1 fail, 0 pass)."""
        from .backfill import as_of_range, backfill as backfill_api

        total = len(as_of_range(start, end, every))
        done = [0]

        def line(rr: Any) -> None:
            done[0] += 1
            c = rr.by_status()
            click.echo(f"[{done[0]}/{total}] as of {rr.as_of.isoformat()}: " +
                       ", ".join(f"{n} {s}" for s, n in c.items() if n) + f" · exit {rr.exit_code}")

        runs = backfill_api(project_dir, start=start, end=end, every=every, on_run=line, target=target,
                            profiles_dir=profiles_dir, select=select, exclude=exclude, vars=_vars(vars_text),
                            fail_on=fail_on, report=False)
        if report and runs:
            from .adapters import make_adapter
            from .history import open_history
            from .report import write_report
            project = runs[-1].project
            store = open_history(project, make_adapter(project.target), write=False)
            try:
                path = write_report(runs[-1], store, project.target_dir / "report.html")
            finally:
                store.close()
            click.echo(f"Report: {path}")
        sys.exit(max((r.exit_code for r in runs), default=0))

    @main.command()
    @_options(_COMMON)
    @click.option("--monitor", "-m", required=True, help="Monitor whose reference profiles to pin.")
    @click.option("--run", "run_id", default=None, help="invocation_id of the run to pin (default: the latest with profiles).")
    @_guard
    def baseline(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
                 monitor: str, run_id: str | None) -> None:
        """Pin a run's reference profiles (drift bins) as the monitor's baseline.

        Drift tests then reuse the pinned profile while their reference definition is unchanged;
        editing the reference (relation, window, filter, bins) invalidates the pin."""
        from .adapters import make_adapter
        from .errors import ConfigError, did_you_mean
        from .history import open_history
        from .runner import load

        project, _ = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text))
        names = [m.name for m in project.monitors]
        if monitor not in names:
            raise ConfigError(f"unknown monitor '{monitor}'", hint=did_you_mean(monitor, names) or
                              f"monitors: {', '.join(names) or 'none'}")
        store = open_history(project, make_adapter(project.target), write=True)
        try:
            invocation, pinned = store.pin_baseline(monitor, run_id)
        finally:
            store.close()
        click.echo(f"Pinned {len(pinned)} reference profile(s) of monitor '{monitor}' from run {invocation}:")
        for uid in pinned:
            click.echo(f"  {uid}")

    @main.command()
    @_options(_COMMON)
    @click.option("--runs", default=60, show_default=True, type=click.IntRange(2, 10_000), help="Runs of history per chart.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Default: target/report.html.")
    @_guard
    def report(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
               runs: int, output: str | None) -> None:
        """Write a self-contained HTML report of the last run with history charts."""
        from pathlib import Path

        from .adapters import make_adapter
        from .history import open_history
        from .report import report_from_target
        from .runner import load

        project, _ = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text))
        store = open_history(project, make_adapter(project.target), write=False)
        try:
            path = report_from_target(project.target_dir, store, Path(output) if output else None, runs)
        finally:
            store.close()
        click.echo(f"Report: {path}")
