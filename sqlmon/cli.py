"""The command line: maps argv to the Python API and a summary to an exit code. Nothing else."""
from __future__ import annotations

import json
import os
import sys
import traceback
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import click

from sqlmon.errors import SqlmonError
from sqlmon.redact import scrub
from sqlmon.version import __version__

_COMMON = [
    click.option("--project-dir", type=click.Path(file_okay=False), default=None, help="Project folder (default: search upwards from here)."),
    click.option("--profiles-dir", type=click.Path(file_okay=False), default=None, envvar="SQLMON_PROFILES_DIR", help="Folder of profiles.yml."),
    click.option("--target", "-t", default=None, help="Target in the profile (default: the profile's `target:`)."),
    click.option("--vars", "vars_text", default=None, help="YAML mapping of variables, e.g. '{min_rows: 10}'."),
]
_TARGET_PATH = click.option("--target-path", default=None, envvar="SQLMON_TARGET_PATH",
                            help="Write artifacts here instead of the project's target_path (e.g. from a read-only checkout).")
_STAGE = click.option("--stage", default=None, metavar="NAME",
                      help="Run as this stage of sqlmon_project.yml `stages:` (default: its default_stage).")
_ARTIFACTS = click.option("--no-artifacts", is_flag=True, help="Write no target/ artifacts (the history is still recorded).")
_SELECT = [
    click.option("--select", "-s", multiple=True, help="Monitors, tag:X, type:X, column:X, id:X; globs allowed."),
    click.option("--exclude", multiple=True, help="Same syntax as --select."),
    click.option("--as-of", default=None, help="Evaluate windows as of this UTC time (default: now)."),
]


def _options(opts: list[Callable]) -> Callable:
    def deco(f: Callable) -> Callable:
        for o in reversed(opts):
            f = o(f)
        return f
    return deco


def _guard(f: Callable) -> Callable:
    """User errors: one clear message, exit 2. Bugs: a short note, the traceback only with --debug."""
    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug")
        try:
            return f(*args, **kwargs)
        except SqlmonError as err:
            if debug:
                traceback.print_exc()
            click.secho(f"Error: {scrub(str(err))}", fg="red", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.secho("Interrupted.", fg="red", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # `sqlmon ls | head`: the reader left; say nothing more (as cat and ls do). stdout goes
            # to /dev/null so the interpreter's final flush does not raise again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as err:  # noqa: BLE001 - the last line of defence against tracebacks
            if debug:
                traceback.print_exc()
            click.secho(f"Internal error: {type(err).__name__}: {scrub(str(err))}\n  (a bug in sqlmon; rerun with --debug for the traceback)",
                        fg="red", err=True)
            sys.exit(2)
    return wrapper


def _vars(text: str | None) -> dict[str, Any]:
    from sqlmon.config.project import parse_vars
    return parse_vars(text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sqlmon")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """sqlmon: test-based monitoring of ML models and their data, inside the warehouse."""


@main.command()
@click.argument("name")
@click.option("--no-sample", is_flag=True, help="Do not create the sample DuckDB warehouse.")
@_guard
def init(name: str, no_sample: bool) -> None:
    """Scaffold a project in folder NAME (with a sample DuckDB warehouse)."""
    from sqlmon.scaffold import scaffold_project

    dest = scaffold_project(Path(name), sample=not no_sample)
    click.echo(f"Created project '{dest.name}' in {dest.resolve()}")
    click.echo(f"Next: fill in the warehouse in {name}/profiles.yml, then cd {name} && sqlmon debug"
               if no_sample else f"Next: cd {name} && sqlmon run")


@main.command()
@_options(_COMMON)
@_guard
def debug(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None) -> None:
    """Check the project, the profile and the connection."""
    from sqlmon.adapters import make_adapter
    from sqlmon.history import open_history
    from sqlmon.prepare import monitored_relations
    from sqlmon.runner import load

    project, types = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text))
    click.echo(f"project: {project.spec.name} ({project.root})")
    click.echo(f"profile: {project.profile_name}  target: {project.target_name}  type: {project.target['type']}")
    click.echo(f"monitors: {len(project.monitors)}  tests: {sum(len(m.tests) for m in project.monitors)}")
    if project.dbt is not None:
        click.echo(f"dbt project: {project.dbt.name} at {project.dbt.root} ({project.dbt.location})")
        click.echo(f"dbt manifest: {project.manifest.describe()}")
    click.echo(f"artifacts: {project.target_dir}")
    for line in project.warnings:
        click.secho(f"warning: {line}", fg="yellow")
    adapter = make_adapter(project.target)
    adapter.connect()
    try:
        adapter.execute("SELECT 1")
        click.echo(f"connection: OK ({adapter.describe()})")
        for line in adapter.privilege_warnings(monitored_relations(project)):
            click.secho(f"warning: {line}", fg="yellow")
    finally:
        adapter.close()
    store = open_history(project, adapter, write=False)
    try:
        for line in store.notices:
            click.echo(f"note: {line}")
        click.echo(f"history: {store.describe()} ({store.run_count()} runs)")
    finally:
        store.close()


@main.command(name="ls")
@_options(_COMMON + _SELECT[:2])
@click.option("--test-types", is_flag=True, help="List the available test types instead.")
@click.option("--nodes", is_flag=True, help="List the selected monitors with the dbt node each guards and its relation.")
@click.option("--presets", is_flag=True, help="List the presets (built-in and the project's) with their tests instead.")
@_STAGE
@_guard
def ls_(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
        select: tuple[str, ...], exclude: tuple[str, ...], test_types: bool, nodes: bool, presets: bool,
        stage: str | None) -> None:
    """List the selected tests (or the test types)."""
    from sqlmon.config.select import select_tests
    from sqlmon.runner import load
    from sqlmon.testtypes import GATES, TEST_TYPES

    if test_types:
        for name, t in sorted(TEST_TYPES.items()):
            click.echo(f"{name:18} {t.metric}")
        return
    project, _ = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text), stage=stage)
    if presets:
        for name, preset in sorted(project.presets.items()):
            where = "built in" if preset.builtin else preset.location
            click.echo(f"{preset.label:28} {preset.spec.description or ''} ({where})")
            for w in preset.tests:
                click.echo(f"  {_entry_name(w.value)}")
            for rule, _w in preset.rules:
                chosen = ", ".join(f"{k}: {','.join(v) if isinstance(v, list) else v}" for k, v in
                                   rule.select.model_dump(exclude_defaults=True).items()) or "every column"
                click.echo(f"  columns ({chosen}): {', '.join(_entry_name(e) for e in rule.tests)}")
        return
    if project.templates or any(m.spec.preset is not None for m in project.monitors):   # needs the catalog
        from sqlmon.adapters import make_adapter
        from sqlmon.prepare import expanded
        adapter = make_adapter(project.target)
        adapter.connect()
        try:
            project = expanded(project, adapter)
        finally:
            adapter.close()
        for line in project.warnings:
            click.secho(f"warning: {line}", fg="yellow", err=True)
    selection = select_tests(project.monitors, select, exclude, GATES, project.manifest)
    if not selection:
        from sqlmon.errors import ConfigError
        raise ConfigError("nothing selected", hint="check --select/--exclude")
    if nodes:
        for monitor, _ in selection:
            click.echo(f"{monitor.name}  {monitor.node or '-'}  {monitor.spec.relation}")
        return
    for _, tests in selection:
        for t in tests:
            click.echo(t.unique_id + (f"  (preset {t.preset})" if t.preset else ""))


def _entry_name(entry: object) -> str:
    """A test entry as one short line: `drift`, `range {min: 0, max: 1}`."""
    if isinstance(entry, dict) and len(entry) == 1:
        (name, body), = entry.items()
        return f"{name} {{{', '.join(f'{k}: {v}' for k, v in (body or {}).items())}}}" if body else str(name)
    return str(entry)


@main.command(name="compile")
@_options(_COMMON + _SELECT)
@click.option("--dialect", default=None, help="Generate for another dialect (snowflake, bigquery, trino, databricks, ...).")
@_TARGET_PATH
@_STAGE
@_guard
def compile_(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
             select: tuple[str, ...], exclude: tuple[str, ...], as_of: str | None, dialect: str | None,
             target_path: str | None, stage: str | None) -> None:
    """Show the SQL each test sends (first pass), in the target's dialect."""
    from sqlmon.runner import compile_project

    compiled = compile_project(project_dir, target=target, profiles_dir=profiles_dir, select=select, exclude=exclude,
                               as_of=as_of, vars=_vars(vars_text), dialect=dialect, target_path=target_path,
                               stage=stage)
    errors = 0
    for c in compiled:
        click.secho(f"-- {c.test}" + (f"  (preset {c.preset})" if c.preset else ""), fg="cyan")
        if c.error:
            errors += 1
            click.secho(f"-- error: {scrub(c.error)}", fg="red")
        for sql in c.sql:
            click.echo(scrub(sql) + ";")
        click.echo()
    if errors:
        sys.exit(2)


@main.command()
@_options(_COMMON + _SELECT)
@click.option("--fail-on", default="fail", show_default=True, metavar="STATUSES",
              help="Statuses that make the exit code 1 besides fail: warn, skipped, comma-separated (error is always 2); "
                   "for untiered tests. TIER:STATUS adds a status to a tier's policy for this run: critical:warn.")
@click.option("--no-fuse", is_flag=True, help="One query per test (slower; for debugging).")
@click.option("--threads", type=click.IntRange(1, 64), default=1, help="Queries run at once (engines that allow it).")
@click.option("--no-history", is_flag=True, help="Do not record this run in the history store (anomaly tests still read it).")
@click.option("--report", "report", is_flag=True, help="Also write target/report.html.")
@click.option("--notify", multiple=True, metavar="webhook:URL",
              help="Also post what is news (new failures, repeats, recoveries) to this Slack-compatible webhook, "
                   "besides the channels of `notifications:` (repeatable).")
@_TARGET_PATH
@_ARTIFACTS
@click.option("--quiet", "-q", is_flag=True, help="Print only the problems and the Done line.")
@click.option("--log-format", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="json: one JSON object per event (log shippers); github: ::error annotations on the monitor files.")
@_STAGE
@_guard
def run(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
        select: tuple[str, ...], exclude: tuple[str, ...], as_of: str | None, fail_on: str, no_fuse: bool,
        threads: int, no_history: bool, report: bool, notify: tuple[str, ...], target_path: str | None,
        no_artifacts: bool, quiet: bool, log_format: str, stage: str | None) -> None:
    """Run the selected tests, write target/ artifacts, exit 0 pass / 1 fail / 2 error."""
    from sqlmon.console import RunOutput
    from sqlmon.runner import run as run_api

    with RunOutput(log_format, quiet) as output:
        rr = run_api(project_dir, target=target, profiles_dir=profiles_dir, select=select, exclude=exclude,
                     as_of=as_of, vars=_vars(vars_text), fail_on=fail_on, fuse=not no_fuse, threads=threads,
                     on_query=output.on_query, on_result=output.on_result, history=not no_history, notify=notify,
                     report=report, target_path=target_path, write_artifacts=not no_artifacts, stage=stage)
    output.finish(rr, rr.project.target_dir if rr.project is not None and not no_artifacts else None)
    for line in rr.warnings:
        click.secho(f"Warning: {scrub(line)}", fg="yellow", err=True)
    if report and rr.project is not None:
        click.echo(f"Report: {rr.project.target_dir / 'report.html'}")
    sys.exit(rr.exit_code)


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Write to a file instead of stdout.")
@_guard
def schema(output: str | None) -> None:
    """Print the JSON Schema of a monitor file (for editor autocompletion)."""
    from sqlmon.config.json_schema import monitor_file_schema
    from sqlmon.testtypes import TEST_TYPES

    text = json.dumps(monitor_file_schema(TEST_TYPES), indent=2)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@main.command(name="generate")
@click.argument("relation")
@_options(_COMMON)
@click.option("--preset", default=None, help="The preset (default: chosen from the model options, else feature_table).")
@click.option("--timestamp", default=None, metavar="COLUMN", help="The time column: windows and daily volumes.")
@click.option("--score", default=None, metavar="COLUMN", help="The model's score (a binary classifier).")
@click.option("--label", default=None, metavar="COLUMN", help="The model's label.")
@click.option("--prediction", default=None, metavar="COLUMN", help="The model's prediction.")
@click.option("--task", type=click.Choice(["binary_classification", "multiclass_classification", "regression"]),
              default=None, help="The model's task (default: from --score / --prediction).")
@click.option("--reference-last", default=None, metavar="SPAN", help="Profile the SPAN before --as-of, e.g. '30 days'.")
@click.option("--reference-between", nargs=2, default=None, metavar="START END", help="Profile [START, END).")
@click.option("--name", default=None, help="The monitor's name (default: the relation's).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: stdout).")
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@click.option("--as-of", default=None,
              help="The instant --reference-last ends at (default: the project's as_of, else now).")
@_guard
def generate_(relation: str, project_dir: str | None, profiles_dir: str | None, target: str | None,
              vars_text: str | None, preset: str | None, timestamp: str | None, score: str | None, label: str | None,
              prediction: str | None, task: str | None, reference_last: str | None,
              reference_between: tuple[str, str] | None, name: str | None, output: str | None, force: bool,
              as_of: str | None) -> None:
    """Write a monitor for RELATION from its data: thresholds derived from a profile of its
    reference window, taken in the warehouse (README "Monitors written from the data")."""
    from sqlmon.adapters import make_adapter
    from sqlmon.errors import ConfigError
    from sqlmon.generate import Ask, generate_monitor, resolve_as_of, write_monitor_file
    from sqlmon.runner import load

    project, _ = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text))
    out = Path(output) if output else None
    if out is not None and out.exists() and not force:       # refused before any query
        raise ConfigError(f"{out} already exists", hint="pass --force to replace it, or write elsewhere with -o")
    ask = Ask(relation, resolve_as_of(as_of, project), preset, timestamp, score, label, prediction, task,
              reference_last, reference_between or None, name)
    adapter = make_adapter(project.target)
    adapter.connect()
    try:
        made = generate_monitor(project, adapter, ask, out)
    finally:
        adapter.close()
    if out is not None:
        made.notes.extend(write_monitor_file(project, out, made.text, force))
        click.echo(f"Wrote monitor '{made.name}' ({made.tests} tests besides its preset's) to {out}")
    else:
        click.echo(made.text, nl=False)
    for note in made.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)


# --- the history: backfill, baseline, report ----------------------------------------------------

@main.command()
@_options(_COMMON + _SELECT[:2])
@click.option("--start", required=True, help="First as_of (UTC date or timestamp).")
@click.option("--end", required=True, help="Last as_of, included.")
@click.option("--every", default="1 day", show_default=True, help="Step between runs, e.g. '1 day', '6 hours'.")
@click.option("--fail-on", default="fail", show_default=True, metavar="STATUSES",
              help="As for run: fail, warn, skipped, comma-separated; TIER:STATUS for a tier (critical:warn).")
@click.option("--report", "report", is_flag=True, help="Write target/report.html after the last run.")
@_TARGET_PATH
@_ARTIFACTS
@_STAGE
@_guard
def backfill(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
             select: tuple[str, ...], exclude: tuple[str, ...], start: str, end: str, every: str,
             fail_on: str, report: bool, target_path: str | None, no_artifacts: bool, stage: str | None) -> None:
    """Run once per as_of from --start to --end, filling the history from past data.

    Exit code: the worst of the runs (2 error, 1 fail, 0 pass)."""
    from sqlmon.backfill import as_of_range
    from sqlmon.backfill import backfill as backfill_api
    from sqlmon.backfill import summary as backfill_summary

    total = len(as_of_range(start, end, every))
    done = [0]

    def line(rr: Any) -> None:
        done[0] += 1
        c = rr.by_status()
        click.echo(f"[{done[0]}/{total}] as of {rr.as_of.isoformat()}: " +
                   ", ".join(f"{n} {s}" for s, n in c.items() if n) + f" · exit {rr.exit_code}")

    runs = backfill_api(project_dir, start=start, end=end, every=every, on_run=line, target=target,
                        profiles_dir=profiles_dir, select=select, exclude=exclude, vars=_vars(vars_text),
                        fail_on=fail_on, report=False, target_path=target_path, write_artifacts=not no_artifacts,
                        stage=stage)
    if report and runs:
        from sqlmon.adapters import make_adapter
        from sqlmon.history import open_history
        from sqlmon.report.html import write_report
        project = runs[-1].project
        store = open_history(project, make_adapter(project.target), write=False)
        try:
            path = write_report(runs[-1], store, project.target_dir / "report.html")
        finally:
            store.close()
        click.echo(f"Report: {path}")
    click.echo(backfill_summary(runs))
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
    from sqlmon.adapters import make_adapter
    from sqlmon.errors import ConfigError, did_you_mean
    from sqlmon.history import open_history
    from sqlmon.runner import load

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
@_TARGET_PATH
@_guard
def report(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
           runs: int, output: str | None, target_path: str | None) -> None:
    """Write a self-contained HTML report of the last run with history charts."""
    from pathlib import Path

    from sqlmon.adapters import make_adapter
    from sqlmon.history import open_history
    from sqlmon.report.html import report_from_target
    from sqlmon.runner import load

    project, _ = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text), target_path=target_path)
    store = open_history(project, make_adapter(project.target), write=False)
    try:
        path = report_from_target(project.target_dir, store, Path(output) if output else None, runs)
    finally:
        store.close()
    click.echo(f"Report: {path}")


if __name__ == "__main__":  # pragma: no cover
    main()
