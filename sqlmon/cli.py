"""The command line: maps argv to the Python API and a summary to an exit code. Nothing else."""
from __future__ import annotations

import json
import shutil
import sys
import traceback
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .errors import SqlmonError

_COMMON = [
    click.option("--project-dir", type=click.Path(file_okay=False), default=None, help="Project folder (default: search upwards from here)."),
    click.option("--profiles-dir", type=click.Path(file_okay=False), default=None, envvar="SQLMON_PROFILES_DIR", help="Folder of profiles.yml."),
    click.option("--target", "-t", default=None, help="Target in the profile (default: the profile's `target:`)."),
    click.option("--vars", "vars_text", default=None, help="YAML mapping of variables, e.g. '{min_rows: 10}'."),
]
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
            click.secho(f"Error: {err}", fg="red", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.secho("Interrupted.", fg="red", err=True)
            sys.exit(130)
        except Exception as err:  # noqa: BLE001 - the last line of defence against tracebacks
            if debug:
                traceback.print_exc()
            click.secho(f"Internal error: {type(err).__name__}: {err}\n  (a bug in sqlmon; rerun with --debug for the traceback)",
                        fg="red", err=True)
            sys.exit(2)
    return wrapper


def _vars(text: str | None) -> dict[str, Any]:
    from .project import parse_vars
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
    from .errors import ConfigError
    from .resources import template_dir
    from .sample import create_sample_warehouse

    dest = Path(name)
    if dest.exists() and any(dest.iterdir()):
        raise ConfigError(f"folder '{dest}' exists and is not empty", hint="choose a new name or remove it")
    shutil.copytree(template_dir(), dest, dirs_exist_ok=True)
    project_file = dest / "sqlmon_project.yml"
    project_file.write_text(project_file.read_text().replace("name: demo", f"name: {_ident(dest.name)}"))
    if not no_sample:
        create_sample_warehouse(dest / "warehouse.duckdb")
    click.echo(f"Created project '{dest.name}' in {dest.resolve()}\nNext: cd {name} && sqlmon run")


def _ident(text: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in text)
    return out if out and not out[0].isdigit() else f"p_{out}"


@main.command()
@_options(_COMMON)
@_guard
def debug(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None) -> None:
    """Check the project, the profile and the connection."""
    from .adapters import make_adapter
    from .runner import load

    project, types = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text))
    click.echo(f"project: {project.spec.name} ({project.root})")
    click.echo(f"profile: {project.profile_name}  target: {project.target_name}  type: {project.target['type']}")
    click.echo(f"monitors: {len(project.monitors)}  tests: {sum(len(m.tests) for m in project.monitors)}")
    adapter = make_adapter(project.target)
    adapter.connect()
    try:
        adapter.execute("SELECT 1")
        click.echo(f"connection: OK ({adapter.describe()})")
    finally:
        adapter.close()


@main.command(name="ls")
@_options(_COMMON + _SELECT[:2])
@click.option("--test-types", is_flag=True, help="List the available test types instead.")
@_guard
def ls_(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
        select: tuple[str, ...], exclude: tuple[str, ...], test_types: bool) -> None:
    """List the selected tests (or the test types)."""
    from .runner import load
    from .select import select_tests
    from .testtypes import GATES, TEST_TYPES

    if test_types:
        for name, t in sorted(TEST_TYPES.items()):
            click.echo(f"{name:18} {t.metric}")
        return
    project, _ = load(project_dir, target=target, profiles_dir=profiles_dir, vars=_vars(vars_text))
    selection = select_tests(project.monitors, select, exclude, GATES)
    if not selection:
        from .errors import ConfigError
        raise ConfigError("nothing selected", hint="check --select/--exclude")
    for _, tests in selection:
        for t in tests:
            click.echo(t.unique_id)


@main.command(name="compile")
@_options(_COMMON + _SELECT)
@click.option("--dialect", default=None, help="Generate for another dialect (snowflake, bigquery, trino, databricks, ...).")
@_guard
def compile_(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
             select: tuple[str, ...], exclude: tuple[str, ...], as_of: str | None, dialect: str | None) -> None:
    """Show the SQL each test sends (first pass), in the target's dialect."""
    from .runner import compile_project

    compiled = compile_project(project_dir, target=target, profiles_dir=profiles_dir, select=select, exclude=exclude,
                               as_of=as_of, vars=_vars(vars_text), dialect=dialect)
    errors = 0
    for c in compiled:
        click.secho(f"-- {c.test}", fg="cyan")
        if c.error:
            errors += 1
            click.secho(f"-- error: {c.error}", fg="red")
        for sql in c.sql:
            click.echo(sql + ";")
        click.echo()
    if errors:
        sys.exit(2)


@main.command()
@_options(_COMMON + _SELECT)
@click.option("--fail-on", type=click.Choice(["fail", "warn"]), default="fail", help="Exit 1 on fail (default) or also on warn.")
@click.option("--no-fuse", is_flag=True, help="One query per test (slower; for debugging).")
@click.option("--threads", type=click.IntRange(1, 64), default=1, help="Queries run at once (engines that allow it).")
@click.option("--no-history", is_flag=True, help="Do not record this run in the history store (anomaly tests still read it).")
@click.option("--report", "report", is_flag=True, help="Also write target/report.html.")
@click.option("--notify", multiple=True, metavar="webhook:URL", help="Post new failures to a Slack-compatible webhook (repeatable).")
@_guard
def run(project_dir: str | None, profiles_dir: str | None, target: str | None, vars_text: str | None,
        select: tuple[str, ...], exclude: tuple[str, ...], as_of: str | None, fail_on: str, no_fuse: bool,
        threads: int, no_history: bool, report: bool, notify: tuple[str, ...]) -> None:
    """Run the selected tests, write target/ artifacts, exit 0 pass / 1 fail / 2 error."""
    from .console import Progress, print_summary
    from .runner import run as run_api

    with Progress() as progress:
        rr = run_api(project_dir, target=target, profiles_dir=profiles_dir, select=select, exclude=exclude,
                     as_of=as_of, vars=_vars(vars_text), fail_on=fail_on, fuse=not no_fuse, threads=threads,
                     on_query=progress.update, history=not no_history, notify=notify, report=report)
    print_summary(rr)
    for line in rr.warnings:
        click.secho(f"Warning: {line}", fg="yellow", err=True)
    if report and rr.project is not None:
        click.echo(f"Report: {rr.project.target_dir / 'report.html'}")
    sys.exit(rr.exit_code)


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Write to a file instead of stdout.")
@_guard
def schema(output: str | None) -> None:
    """Print the JSON Schema of a monitor file (for editor autocompletion)."""
    from .json_schema import monitor_file_schema

    text = json.dumps(monitor_file_schema(), indent=2)
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


from .cli_history import register as _register_history  # noqa: E402 - backfill, baseline, report

_register_history(main)

if __name__ == "__main__":  # pragma: no cover
    main()
