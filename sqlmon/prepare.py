"""Compile step: from a selected monitor and the warehouse schema to one TestContext per test.

Resolves windows, parses every `where:` once, checks column names (with "did you mean"), and
builds the current / reference scopes. A problem in one test becomes that test's `error` result;
a problem with the monitor's relation errors all of its tests. Nothing is executed here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlglot import exp

from sqlmon.adapters import adapter_class
from sqlmon.adapters.base import Adapter
from sqlmon.columns import DATE, ColumnInfo
from sqlmon.config.fanout import instantiate, matching
from sqlmon.config.project import Monitor, Project, build_monitor, owned, settle
from sqlmon.config.specs import TestSpec
from sqlmon.config.suites import expand
from sqlmon.config.thresholds import parse_duration
from sqlmon.config.windows import Window, resolve_windows
from sqlmon.errors import CompileError, ConfigError, SqlmonError, did_you_mean
from sqlmon.judge.evaluate import base_result
from sqlmon.render import Macros
from sqlmon.requests import Scope
from sqlmon.results import Result
from sqlmon.scaffold import PLACEHOLDER
from sqlmon.session import Session
from sqlmon.sql import and_all, check_columns, check_dialect, parse_condition, parse_query, parse_relation, time_filter
from sqlmon.testtypes.base import TestContext, TestType


@dataclass
class Prepared:
    test: TestSpec
    test_type: TestType | None = None
    ctx: TestContext | None = None
    error: Result | None = None


def check_project(project: Project) -> None:
    """Everything about the target and the SQL that can be checked without the warehouse, so that
    `ls`, `compile` and `run` refuse a mistake before any connection or query, pointing at the key:
    the target's type and keys, `sql_dialect`, and the syntax of every relation, `where:`,
    `expression:`, `custom_sql` and `relationships.to` in the project's dialect. Unknown columns
    and relations need the warehouse: they stay the affected test's `error`."""
    target = project.target
    engine = adapter_class(str(target.get("type", "")), project.target_locations.get("type"))
    for key, value in target.items():          # `init --no-sample`'s placeholder, not yet filled in
        if isinstance(value, str) and PLACEHOLDER in value:
            raise ConfigError(f"`{key}:` of target '{project.target_name}' is still the placeholder {value!r}",
                              location=project.target_locations.get(key, project.target_locations.get("")),
                              hint="fill it in: for `path:`, your DuckDB file relative to the project; or change "
                                   "`type:` to postgres/spark with their keys (README \"Profile keys\")")
    problem = engine.profile_problem(target)
    if problem is not None:
        key, what, hint = problem
        raise ConfigError(what, location=project.target_locations.get(key, project.target_locations.get("")), hint=hint)
    for key, what in engine.profile_warnings(target):         # dbt's keys sqlmon has no use for
        where = project.target_locations.get(key, project.target_locations.get(""))
        if f"{where}: {what}" not in project.warnings:
            project.warnings.append(f"{where}: {what}")
    dialect = project.spec.sql_dialect
    check_dialect(dialect, project.locations.get("sql_dialect"))
    for monitor in project.monitors:
        at = monitor.locations
        spec = monitor.spec
        parse_relation(spec.relation, dialect, at.get("relation", monitor.location))
        if spec.where:
            parse_condition(spec.where, dialect, at.get("where", monitor.location))
        for name in ("current", "reference"):
            window = getattr(spec, name)
            if window is not None and window.relation:
                parse_relation(window.relation, dialect, at.get(f"{name}.relation", monitor.location))
            if window is not None and window.where:
                parse_condition(window.where, dialect, at.get(f"{name}.where", monitor.location))
        for test in monitor.tests:
            if test.where:
                parse_condition(test.where, dialect, test.locations.get("where", test.location))
            for key, kind in project.test_types[test.test_type].sql_params.items():
                value = getattr(test.params, key, None)
                if isinstance(value, str):
                    _SQL_PARSERS[kind](value, dialect, test.locations.get(key, test.location))


def expanded(project: Project, adapter: Adapter) -> Project:
    """The project once connected: fan-out monitors over the catalog, then every preset."""
    return with_presets(with_fanout(project, adapter), adapter)


def with_fanout(project: Project, adapter: Adapter) -> Project:
    """Fan-out monitors whose `relation: {match: ...}` is a pattern over the warehouse's catalog,
    one monitor per relation it matches (sqlmon.config.fanout)."""
    if not project.templates:
        return project
    catalog = adapter.relations()
    made = [m for t in project.templates for m in instantiate(t, matching(t, catalog), project.context, project.spec,
                                                              project.test_types, build_monitor)]
    monitors = settle([*project.monitors, *made], project.spec, project.manifest, project.presets)
    return replace(project, monitors=monitors, templates=[])


def with_presets(project: Project, adapter: Adapter) -> Project:
    """The project with every monitor's presets expanded over its relation's columns (read from
    the warehouse: presets choose columns by kind and role). A relation that cannot be read gets
    its presets' table-level tests only, which then report why (and a warning says so)."""
    if not any(m.spec.preset is not None for m in project.monitors):
        return project
    monitors = []
    for monitor in project.monitors:
        if monitor.spec.preset is None:
            monitors.append(monitor)
            continue
        try:
            table = parse_relation(monitor.spec.relation, project.spec.sql_dialect,
                                   monitor.locations.get("relation", monitor.location))
            columns = [(c.name, c.kind) for c in adapter.columns(table)]
        except SqlmonError as err:
            project.warnings.append(f"{monitor.location}: the presets of monitor '{monitor.name}' chose no columns: "
                                    f"{err.message}")
            columns = []
        monitors.append(owned(expand(project, monitor, columns, project.warnings), project.manifest))
    return replace(project, monitors=monitors)


def monitored_relations(project: Project) -> list[exp.Table]:
    """Every relation the project's monitors read (their own and their references'), once each."""
    dialect = project.spec.sql_dialect
    seen: dict[str, exp.Table] = {}
    for monitor in project.monitors:
        names = [monitor.spec.relation, *(w.relation for w in (monitor.spec.current, monitor.spec.reference)
                                          if w is not None and w.relation)]
        for name in names:
            table = parse_relation(name, dialect, monitor.location)
            seen.setdefault(table.sql(dialect), table)
    return list(seen.values())


_SQL_PARSERS = {"condition": parse_condition, "relation": parse_relation,
                "query": lambda text, dialect, location: parse_query(text, dialect, location, "custom SQL")}


def window_scope(window: Window, columns: dict[str, ColumnInfo], dialect: str, location: str) -> Scope:
    table = parse_relation(window.relation, dialect, location)
    conds = []
    for text in window.where:
        cond = parse_condition(text, dialect, location)
        check_columns(cond, [c.name for c in columns.values()], location, f"where {text!r}")
        conds.append(cond)
    if window.timestamp and (window.start or window.end):
        ts = columns.get(window.timestamp.lower())
        if ts is None:
            raise CompileError(f"unknown timestamp column '{window.timestamp}' in {window.relation}", location=location,
                               hint=did_you_mean(window.timestamp, [c.name for c in columns.values()]))
        conds.append(time_filter(ts.name, window.start, window.end, ts.kind == DATE))
    return Scope(table, and_all(conds))


@dataclass(frozen=True)
class _Windows:
    """A monitor's windows as of one instant, and their scopes."""

    windows: dict[str, Window]
    current: Scope
    reference: Scope | None
    signal: str | None
    reference_columns: dict[str, Any] | None


def _label_delay(monitor: Any) -> timedelta | None:
    model = monitor.model
    return timedelta(seconds=parse_duration(model.label_delay)) if model is not None and model.label_delay else None


def _windows(monitor: Monitor, adapter: Adapter, columns: dict[str, Any], dialect: str, as_of: datetime) -> _Windows:
    current_w, reference_w = resolve_windows(monitor.spec, as_of, monitor.location)
    current = window_scope(current_w, columns, dialect, monitor.location)
    reference, signal, ref_cols = None, None, None
    if reference_w is not None:
        # The warehouse's identity plus the relation's change signal: cached baselines never
        # cross targets (dev/prod) and are dropped when the reference data changes.
        change = adapter.relation_signal(parse_relation(reference_w.relation, dialect, monitor.location))
        signal = f"{adapter.describe()}|{change or ''}"
        ref_cols = columns if reference_w.relation == monitor.spec.relation else \
            _schema(adapter, reference_w.relation, dialect, monitor.location)
        reference = window_scope(reference_w, ref_cols, dialect, monitor.location)
    windows = {"current": current_w, **({"reference": reference_w} if reference_w else {})}
    return _Windows(windows, current, reference, signal, ref_cols)


def prepare_monitor(project: Project, monitor: Monitor, tests: list[TestSpec], adapter: Adapter,
                    macros: Macros, test_types: dict[str, type[TestType]], as_of: datetime,
                    history: Any = None, session: Session | None = None) -> list[Prepared]:
    dialect = project.spec.sql_dialect
    delay = _label_delay(monitor.spec)
    try:
        columns = _schema(adapter, monitor.spec.relation, dialect, monitor.location)
        now = _windows(monitor, adapter, columns, dialect, as_of)
        # Realised model-quality tests judge the windows whose labels are in (`model.label_delay`)
        labelled = _windows(monitor, adapter, columns, dialect, as_of - delay) \
            if delay and any(test_types[t.test_type].labelled for t in tests if t.test_type in test_types) else now
    except SqlmonError as err:
        return [Prepared(t, error=base_result(t, "error", str(err))) for t in tests]
    memo: dict = {}
    out = []
    for test in tests:
        try:
            column = None
            if test.column is not None:
                column = columns.get(test.column.lower())
                if column is None:
                    raise CompileError(f"unknown column '{test.column}' in {monitor.spec.relation}",
                                       location=test.location, hint=did_you_mean(test.column, [c.name for c in columns.values()]))
            extra = None
            if test.where:
                extra = parse_condition(test.where, dialect, test.location)
                check_columns(extra, [c.name for c in columns.values()], test.location, f"where {test.where!r}")
            w = labelled if test_types[test.test_type].labelled else now
            ctx = TestContext(test, monitor.spec, test.params, columns, column, w.current.filtered(extra),
                              w.reference.filtered(extra) if w.reference else None, w.windows, macros, dialect, as_of,
                              reference_signal=w.signal, reference_columns=w.reference_columns, history=history,
                              samples=adapter.samples, memo=memo, session=session,
                              evidence=project.spec.evidence)
            out.append(Prepared(test, test_types[test.test_type](), ctx))
        except SqlmonError as err:
            out.append(Prepared(test, error=base_result(test, "error", str(err))))
    return out


def _schema(adapter: Adapter, relation: str, dialect: str, location: str) -> dict[str, ColumnInfo]:
    table = parse_relation(relation, dialect, location)
    return {c.name.lower(): c for c in adapter.columns(table)}
