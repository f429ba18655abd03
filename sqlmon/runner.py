"""The public Python API: `sqlmon.run(...)` and `sqlmon.compile_project(...)`.

Reads like the recipe it is: load -> select -> connect -> prepare -> execute -> judge -> write.
Airflow/Dagster tasks and scoring pipelines call `run()` and gate on `RunResult.exit_code`.
"""
from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlmon.adapters import make_adapter
from sqlmon.adapters.base import Adapter
from sqlmon.config.project import Project, default_target_dir, load_project
from sqlmon.config.references import with_references
from sqlmon.config.select import select_tests
from sqlmon.config.thresholds import parse_instant
from sqlmon.config.tiers import fail_on_by_tier
from sqlmon.config.vars import RELATION_PLACEHOLDER, make_context
from sqlmon.errors import ConfigError, SqlmonError
from sqlmon.execute import execute
from sqlmon.history import open_history
from sqlmon.notify import parse_targets, send_notifications
from sqlmon.plan import plan
from sqlmon.prepare import Prepared, check_project, expanded, prepare_monitor
from sqlmon.render import Macros
from sqlmon.report.artifacts import atomic_write, write_all, write_refused
from sqlmon.report.html import write_report
from sqlmon.resources import macros_dir
from sqlmon.results import Compiled, Result, RunResult, fail_on_notes, fail_on_statuses, fail_policy
from sqlmon.samples import Samples
from sqlmon.session import Session
from sqlmon.sql import check_dialect, generate
from sqlmon.testtypes import GATES, project_test_types


@dataclass(frozen=True)
class RunOptions:
    """Everything one run is asked to do (the keyword arguments of `sqlmon.run`)."""

    project_dir: Path | str | None = None
    target: str | None = None
    profiles_dir: Path | str | None = None
    select: Sequence[str] | None = None
    exclude: Sequence[str] | None = None
    as_of: str | datetime | None = None
    vars: dict[str, Any] | None = None
    fail_on: str = "fail"
    fuse: bool = True
    fuse_windows: bool | None = None
    threads: int = 1
    write_artifacts: bool = True
    on_query: Callable[[int, int], None] | None = None
    history: bool = True
    notify: Sequence[str] | None = ()      # --notify webhooks; None: tell nobody, not even `notifications:`
    report: bool = False
    target_path: str | None = None
    on_result: Callable[[Result, int, int], None] | None = None
    connection: Any = None
    stage: str | None = None               # --stage (sqlmon.config.stages); None: the project's default_stage


def load(project_dir: Path | str | None = None, *, target: str | None = None, profiles_dir: Path | str | None = None,
         vars: dict[str, Any] | None = None, target_path: str | None = None,
         stage: str | None = None) -> tuple[Project, dict[str, Any]]:
    """The project (read once, in `stage`) and its test types, built-in and custom, with every
    mistake that needs no warehouse refused (`prepare.check_project`)."""
    project = load_project(project_dir, project_test_types, target=target, profiles_dir=profiles_dir, cli_vars=vars,
                           target_path=target_path, stage=stage)
    check_project(project)
    return project, project.test_types


def _pinned(as_of: datetime, given: Any, project: Project) -> datetime:
    """`as_of:` of sqlmon_project.yml when --as-of was not given."""
    if given is None and project.spec.as_of is not None:
        return parse_instant(project.spec.as_of, project.locations.get("as_of", "as_of"))
    return as_of


def parse_as_of(as_of: str | datetime | None) -> datetime:
    if as_of is None:
        return datetime.now(timezone.utc)
    return parse_instant(as_of, "--as-of")


def _macros(project: Project, adapter_name: str, adapter_dialect: str) -> Macros:
    extra = {**make_context(project.vars, dbt=project.manifest, target=project.jinja_target),
             "relation": RELATION_PLACEHOLDER}
    return Macros([macros_dir(), *project.macro_dirs], adapter_name, adapter_dialect, project.spec.sql_dialect, extra)


def _prepare(project: Project, adapter: Adapter, macros: Macros, select: Any, exclude: Any, as_of: datetime,
             history: Any = None, session: Session | None = None) -> list[Prepared]:
    types = project.test_types
    selection = select_tests(project.monitors, select, exclude, GATES, project.manifest)
    if not selection:
        raise ConfigError("nothing selected: no test matches --select/--exclude",
                          hint="check the selector (`sqlmon ls --select ...` lists what it matches)")
    selection = with_references(selection, project.monitors, types)     # anomaly tests bring their `of:`
    prepared: list[Prepared] = []
    for monitor, tests in selection:
        prepared.extend(prepare_monitor(project, monitor, tests, adapter, macros, types, as_of, history, session))
    return prepared


def run(project_dir: Path | str | None = None, *, target: str | None = None, profiles_dir: Path | str | None = None,
        select: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
        as_of: str | datetime | None = None, vars: dict[str, Any] | None = None, fail_on: str = "fail",
        fuse: bool = True, fuse_windows: bool | None = None, threads: int = 1, write_artifacts: bool = True,
        on_query: Callable[[int, int], None] | None = None, history: bool = True, notify: Sequence[str] = (),
        report: bool = False, session: Session | None = None, target_path: str | None = None,
        on_result: Callable[[Result, int, int], None] | None = None, connection: Any = None,
        stage: str | None = None) -> RunResult:
    """`sqlmon.run`: the documented entry point (same signature, kept equal by a test)."""
    options = RunOptions(project_dir, target, profiles_dir, select, exclude, as_of, vars, fail_on, fuse,
                         fuse_windows, threads, write_artifacts, on_query, history,
                         None if notify is None else tuple(notify), report, target_path,
                         on_result, connection, stage)
    with _cycles_collected_after():
        return run_with(options, session or Session())


@contextmanager
def _cycles_collected_after() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the run. A run allocates about a million
    short-lived objects (SQL trees), and each full collection they trigger walks every object of
    the process (sqlglot, scipy, numpy): 0.05-0.1 s per run, measured. Reference counting still
    frees nearly everything at once; the few cycles wait for the end of the run."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def run_with(o: RunOptions, session: Session) -> RunResult:
    """The recipe: load, connect, prepare, execute, then artifacts, history, notifications, report.
    A run refused before its tests ran still replaces the previous run's artifacts, with the reason."""
    started = datetime.now(timezone.utc)
    as_of: datetime | None = None
    project: Project | None = None
    try:
        fail_on_statuses(o.fail_on)            # a bad --fail-on is refused before anything runs
        as_of = parse_as_of(o.as_of)
        project, _ = load(o.project_dir, target=o.target, profiles_dir=o.profiles_dir, vars=o.vars,
                          target_path=o.target_path, stage=o.stage)
        as_of = _pinned(as_of, o.as_of, project)
        policy = fail_policy(o.fail_on, fail_on_by_tier(project.spec))     # its tiers: declared ones only
        targets, notify_warnings = parse_targets(o.notify)
        adapter = make_adapter(project.target)
        if o.connection is not None:
            adapter.use(o.connection)
        store = open_history(project, adapter, write=o.history)
        store.stage = project.spec.default_stage      # the history a stage reads and writes is its own
        try:
            adapter.connect()
            project = expanded(project, adapter)
            macros = _macros(project, adapter.name, adapter.dialect)
            prepared = _prepare(project, adapter, macros, o.select, o.exclude, as_of, store, session)
            ex = execute(prepared, adapter, GATES, fuse=o.fuse, fuse_windows=o.fuse_windows, threads=o.threads,
                         on_query=o.on_query, on_result=o.on_result)
        finally:
            adapter.close()
            store.close()
    except SqlmonError as err:
        if o.write_artifacts:
            _write_refused(err, project, o.project_dir, o.target_path, started, as_of)
        raise
    results = [ex.results[p.test.unique_id] for p in prepared]
    for r in results:
        r.stage = project.spec.default_stage
    rr = RunResult(uuid.uuid4().hex, as_of, project.target_name, adapter.name, started,
                   datetime.now(timezone.utc), results, ex.queries, o.fail_on, project,
                   [*project.warnings, *macros.problems, *store.notices, *notify_warnings,
                    *_history_notes(results, store), *fail_on_notes(policy, results)], policy,
                   project.spec.default_stage)
    unwritten: SqlmonError | None = None
    try:
        if o.write_artifacts:
            try:
                write_all(rr, project.target_dir)
            except SqlmonError as err:         # a full disk, a read-only folder: the history still
                unwritten = err                # gets the run, then the error is reported
        store.record(rr)                       # one transaction; nothing under history=False
        if o.notify is not None:               # after the record: delivery state is a write of its own
            rr.warnings.extend(send_notifications(rr, project.notifications, targets, store))
        if o.report and unwritten is None:
            write_report(rr, store, project.target_dir / "report.html")
    finally:
        store.close()
    if unwritten is not None:
        raise unwritten
    return rr


def _history_notes(results: list[Any], store: Any) -> list[str]:
    """Anomaly tests skipped for want of history (a fresh CI checkout, a store not restored) are
    said out loud, with where the store is: a run whose anomaly tests cannot judge is not green."""
    starved = [r for r in results if r.test_type == "anomaly" and r.status == "skipped"
               and ("past values" in r.message or "no history store" in r.message)]
    if not starved:
        return []
    try:
        runs = f"{store.run_count()} run(s)"
    except SqlmonError:
        runs = "an unreadable number of runs"      # the results matter more than this count
    return [f"{len(starved)} anomaly test(s) have too little history and were skipped "
            f"({starved[0].unique_id}: {starved[0].message}); the history store is {store.describe()} "
            f"with {runs} — in CI, restore it between runs or point history at a lasting place "
            "(README \"In CI\")"]


def _write_refused(err: SqlmonError, project: Project | None, project_dir: Path | str | None,
                   target_path: str | None, started: datetime, as_of: datetime | None) -> None:
    """The refused run's artifacts, in the project's target folder when the project loaded, else in
    the one its sqlmon_project.yml names (default `target/`); nothing when there is no project."""
    try:
        target_dir = project.target_dir if project is not None else default_target_dir(project_dir, target_path)
        if target_dir is not None:
            write_refused(err, target_dir, started, as_of)
    except (OSError, SqlmonError):
        pass                                   # the error being raised is the one to report


def compile_project(project_dir: Path | str | None = None, *, target: str | None = None,
                    profiles_dir: Path | str | None = None, select: Any = None, exclude: Any = None,
                    as_of: str | datetime | None = None, vars: dict[str, Any] | None = None,
                    dialect: str | None = None, write: bool = True, target_path: str | None = None,
                    stage: str | None = None) -> list[Compiled]:
    """The first-round SQL of each test (unfused), in the target's dialect or `dialect`.

    The warehouse is asked only for the schema; multi-pass tests (drift) show their first pass.
    """
    as_of_dt = parse_as_of(as_of)
    if dialect is not None:
        check_dialect(dialect, None, "--dialect")
    project, _ = load(project_dir, target=target, profiles_dir=profiles_dir, vars=vars, target_path=target_path,
                      stage=stage)
    as_of_dt = _pinned(as_of_dt, as_of, project)
    adapter = make_adapter(project.target)
    adapter.connect()
    out_dialect = dialect or adapter.dialect
    macro_adapter = dialect or adapter.name
    try:
        project = expanded(project, adapter)
        macros = _macros(project, macro_adapter, out_dialect)
        prepared = _prepare(project, adapter, macros, select, exclude, as_of_dt)
    finally:
        adapter.close()
    compiled = []
    for p in prepared:
        if p.error is not None:
            compiled.append(Compiled(p.test.unique_id, [], p.error.message, p.test.preset))
            continue
        samples = None
        if p.ctx.samples is not None:     # the columns this test samples, not the suite's
            p.ctx.samples = samples = Samples()
        try:
            requests = next(p.test_type.run(p.ctx))
        except StopIteration:
            requests = []
        except Exception as err:  # noqa: BLE001 - reported per test, like `run`
            compiled.append(Compiled(p.test.unique_id, [], str(err), p.test.preset))
            continue
        queries = plan(list(requests), fuse=False)
        sqls = [generate(q.select, out_dialect, pretty=True) for q in queries]
        if samples is not None:     # what `run` draws once before these queries
            names = sorted({n for q in queries for n in samples.read_by(q.select)})
            sqls[:0] = [f"CREATE TEMP TABLE {n} AS\n" + generate(samples.definition(n), out_dialect, pretty=True)
                        for n in names]
        compiled.append(Compiled(p.test.unique_id, sqls, preset=p.test.preset))
    if write:
        base = project.target_dir / "compiled"
        for c in compiled:
            path = base / (c.test.replace(".", "/") + ".sql")
            atomic_write(path, ";\n\n".join(c.sql) + (";\n" if c.sql else f"-- error: {c.error}\n"))
    return compiled


__all__ = ["RunOptions", "compile_project", "load", "run", "run_with"]
