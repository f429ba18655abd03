"""Load a project: `sqlmon_project.yml`, the target from `profiles.yml`, and every monitor file.

Output is plain values: a `Project` with typed monitors whose tests are normalised `TestSpec`s
(defaults cascade applied, unique ids assigned, file:line attached). No warehouse access here.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from sqlmon.config.dbt import (
    SQLMON_SUBDIR,
    DbtProject,
    artifacts_dir,
    dbt_target_dir,
    find_dbt_project,
    jinja_target,
)
from sqlmon.config.dbt_monitors import monitors_in_models
from sqlmon.config.dbt_tests import import_tests
from sqlmon.config.fanout import Template, instantiate, is_template, listed
from sqlmon.config.fanout import check as check_template
from sqlmon.config.manifest import Manifest
from sqlmon.config.notifications import load_notifications
from sqlmon.config.presets import load_presets
from sqlmon.config.presets import refs as preset_refs
from sqlmon.config.profiles import load_target
from sqlmon.config.specs import (
    COMMON_KEYS,
    DbtSpec,
    MonitorFile,
    MonitorSpec,
    ProjectSpec,
    TestSpec,
    split_entry,
    validate,
)
from sqlmon.config.stages import check_project_stages, for_stage, left_out, stage_defaults, staged_monitor, staged_test
from sqlmon.config.thresholds import parse_threshold
from sqlmon.config.tiers import check_monitor, check_project_tiers
from sqlmon.config.tiers import resolve as resolve_tier_and_owner
from sqlmon.config.vars import Refusal, make_context, render_value
from sqlmon.config.windows import window_problem
from sqlmon.config.yamlio import (
    key_locations,
    load_yaml,
    load_yaml_text,
    locate,
    location_of,
    relative_path,
    shown_path,
)
from sqlmon.errors import ConfigError, did_you_mean

PROJECT_FILE = "sqlmon_project.yml"


@dataclass(frozen=True)
class Monitor:
    spec: MonitorSpec
    location: str                 # file:line of the monitor
    tests: tuple[TestSpec, ...]   # table-level and column tests, in file order
    locations: dict[str, str] = field(default_factory=dict)   # key path ("where", "reference.relation") -> file:line
    file: str = ""                # the monitor file, relative to the project folder (`path:` selectors)
    node: str | None = None       # the dbt node it guards (its relation came from ref()/source())
    # where it is written, for building its tests again with a preset's (sqlmon.config.presets)
    source: str = ""
    raw: Any = None
    base: tuple = ()
    column_paths: tuple = ()

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass
class Project:
    root: Path
    spec: ProjectSpec
    profile_name: str
    target_name: str
    target: dict[str, Any]
    monitors: list[Monitor]
    macro_dirs: list[Path]
    vars: dict[str, Any] = field(default_factory=dict)
    history_location: str = ""    # file:line of `history:` (errors about the store point there)
    test_types: dict[str, Any] = field(default_factory=dict)   # name -> TestType class, custom ones included
    target_locations: dict[str, str] = field(default_factory=dict)   # profile key -> file:line ("": the output)
    locations: dict[str, str] = field(default_factory=dict)          # sqlmon_project.yml key -> file:line
    target_path: str | None = None      # --target-path / $SQLMON_TARGET_PATH: wins over the file's
    dbt: DbtProject | None = None       # the dbt project sqlmon lives in (README "With dbt")
    manifest: Manifest | None = None    # answers ref()/source() (read when first needed)
    jinja_target: dict[str, Any] = field(default_factory=dict)      # `target` in Jinja
    warnings: list[str] = field(default_factory=list)               # said with the run, not refused
    presets: dict[str, Any] = field(default_factory=dict)           # name -> Preset (sqlmon.config.presets)
    context: dict[str, Any] = field(default_factory=dict)           # what YAML values render with
    templates: list[Any] = field(default_factory=list)              # fan-out monitors over a catalog pattern
    notifications: Any = None           # NotificationsSpec (sqlmon.config.notifications); None: no `notifications:`

    @property
    def target_dir(self) -> Path:
        """Where artifacts go: relative paths are taken from the project folder; never dbt's own
        target folder (sqlmon.config.dbt.artifacts_dir)."""
        return artifacts_dir(self.root, self.spec.target_path, self.target_path, self.dbt)


def find_project_dir(start: Path) -> Path:
    for d in [start, *start.parents]:
        if (d / PROJECT_FILE).exists():
            return d
    raise ConfigError(f"no {PROJECT_FILE} found in {start} or any parent folder",
                      hint="run inside a sqlmon project, pass --project-dir, or create one with `sqlmon init NAME`")


def default_target_dir(project_dir: Path | str | None, target_path: str | None = None) -> Path | None:
    """The target folder of a project that did not load: `target_path` when given, else the one
    its sqlmon_project.yml names when that much can be read, else `target/`; None outside any project."""
    try:
        root = find_project_dir(Path(project_dir or ".").resolve())
    except ConfigError:
        return None
    if target_path and "\x00" not in target_path:        # (a refused NUL path: its refusal goes to target/)
        out = (root / Path(target_path).expanduser()).resolve()
        return out / SQLMON_SUBDIR if out == dbt_target_dir(root) else out
    try:
        raw = load_yaml(root / PROJECT_FILE)
    except ConfigError:
        raw = None
    rel = raw.get("target_path") if isinstance(raw, dict) else None
    out = (root / (rel if isinstance(rel, str) and rel and "\x00" not in rel else "target")).resolve()
    # even when the project did not load, never over dbt's run_results.json
    return out / SQLMON_SUBDIR if out == dbt_target_dir(root) else out


def parse_vars(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    value = load_yaml_text(text, "--vars")
    if not isinstance(value, dict):
        raise ConfigError(f"--vars must be a YAML mapping, got {text!r}", hint="--vars '{key: value}'")
    return dict(value)


def load_project(project_dir: Path | str | None, test_types: Callable[[list[Path]], dict[str, Any]], *,
                 target: str | None = None, profiles_dir: Path | str | None = None,
                 cli_vars: dict[str, Any] | None = None, target_path: str | None = None,
                 stage: str | None = None) -> Project:
    """Read `sqlmon_project.yml` once, then the target and every monitor file. `test_types` maps
    the project's macro folders to the test types its monitors may use (the built-ins plus the
    project's `test_<name>` macros: sqlmon.testtypes.project_test_types). `stage`: `--stage`
    (sqlmon.config.stages; None: the project's `default_stage:`, if any)."""
    root = find_project_dir(Path(project_dir or ".").resolve())
    source = str(root / PROJECT_FILE)
    if target_path is not None and ("\x00" in target_path or not target_path.strip()):
        raise ConfigError(f"--target-path {target_path!r} is not a usable path", location="--target-path",
                          hint="give a folder for the artifacts, e.g. --target-path /tmp/sqlmon-target")
    raw = load_yaml(root / PROJECT_FILE, source) or {}
    spec = validate(ProjectSpec, raw, source)
    dbt = find_dbt_project(root, spec, raw, source)
    variables = {**spec.vars, **(cli_vars or {})}
    profile_context = make_context(variables, secrets=True)      # secrets may reach the connection only
    profile_name = spec.profile or (dbt.profile if dbt is not None else None) or spec.name
    chosen = load_target(root, profile_name, target, profiles_dir, profile_context,
                         dbt.root if dbt is not None else None)
    manifest = Manifest(dbt.manifest, dbt.name, spec.sql_dialect) if dbt is not None else None
    jinja = jinja_target(chosen.name, profile_name, chosen.config)
    context = make_context(variables, dbt=manifest, target=jinja)
    artifacts_dir(root, spec.target_path, target_path, dbt,          # refuses dbt's own folder now
                  location_of(source, raw, ("target_path",)) if isinstance(raw, dict) else source)
    macro_dirs = [root / p for p in spec.macro_paths if (root / p).is_dir()]
    types = test_types(macro_dirs)
    check_defaults(spec.defaults, types, source, raw, ("defaults",))
    check_project_tiers(spec, raw, source)
    check_project_stages(spec, raw, source)
    for name in spec.stages:
        check_defaults(stage_defaults(spec, name), types, source, raw, ("stages", name, "defaults"))
    spec = for_stage(spec, stage)          # from here on `spec.default_stage` is the run's stage
    notifications = load_notifications(spec, raw, source, variables)
    monitors = []
    templates: list[Template] = []
    for path in _monitor_files(root, spec):
        found, waiting = load_monitors(path, root, spec, context, types)
        monitors.extend(found)
        templates.extend(waiting)
    notes: list[str] = []
    if manifest is not None:
        monitors.extend(_in_models(manifest, dbt, spec, context, types, root))
        if isinstance(spec.dbt, DbtSpec) and spec.dbt.import_tests and dbt.manifest.exists():
            monitors = import_tests(manifest, dbt, spec, types, monitors, root, build_monitor, build_test, notes)
    presets = load_presets(root, spec.preset_paths, types)
    monitors = settle(monitors, spec, manifest, presets)
    line = locate(raw, ("history",)) if isinstance(raw, dict) and "history" in raw else None
    return Project(root, spec, profile_name, chosen.name, chosen.config, monitors, macro_dirs, variables,
                   f"{source}:{line}" if line else source, types, chosen.locations | {"": chosen.location},
                   key_locations(source, raw, (), depth=2), target_path, dbt, manifest, jinja,
                   [f"{dbt.location}: no dbt manifest at {dbt.manifest}, so monitors in the models' YAML "
                    "(meta: sqlmon:) are not read; run `dbt parse` (or `dbt build`) first"]
                   if dbt is not None and not dbt.manifest.exists() else notes, presets, context, templates,
                   notifications)


# --- monitors ------------------------------------------------------------------------------

def settle(monitors: list[Monitor], spec: ProjectSpec, manifest: Manifest | None,
           presets: dict[str, Any]) -> list[Monitor]:
    """What every loaded monitor goes through, when the project loads or a fan-out expands once
    connected: the dbt node it guards, its tier and owner, unique names, known presets."""
    if manifest is not None:
        monitors = [replace(m, node=manifest.resolved.get(m.spec.relation)) for m in monitors]
    for m in monitors:
        check_monitor(m, spec)             # its own tier and owner, read by its tests or not
    monitors = [owned(m, manifest) for m in monitors]
    _check_unique_names(monitors)
    for m in monitors:                     # unknown presets and parameters: refused now, not once connected
        if m.spec.preset is not None:
            preset_refs(m.spec.preset, presets, m.source, m.raw, m.base, m.spec.model)
    return monitors


def owned(monitor: Monitor, manifest: Manifest | None) -> Monitor:
    """A test with no owner in sqlmon's files (`build_test`: the test, the monitor's defaults, the
    monitor, a preset, the project's defaults) takes the guarded dbt node's `meta.owner`, else its
    dbt group's owner: dbt's metadata is the fallback, never over what sqlmon's files say."""
    owner = manifest.owner_of(monitor.node) if manifest and monitor.node else None
    if not owner:
        return monitor
    return replace(monitor, tests=tuple(
        t if t.owner else t.model_copy(update={"owner": owner, "meta": {**t.meta, "owner": owner}})
        for t in monitor.tests))


def _in_models(manifest: Manifest, dbt: DbtProject, spec: ProjectSpec, context: dict[str, Any],
               types: dict[str, Any], root: Path) -> list[Monitor]:
    """Monitors in the dbt models' YAML (sqlmon.config.dbt_monitors); none, said out loud, while
    dbt has not written a manifest yet."""
    try:
        manifest.load()
    except Refusal as err:
        if not dbt.manifest.exists():
            return []                 # said by `warnings` below (load_project) and by ref() when used
        raise ConfigError(err.args[0], location=dbt.location, hint=err.args[1]) from None
    return monitors_in_models(manifest, dbt, spec, context, types, root, build_monitor)


def _monitor_files(root: Path, spec: ProjectSpec) -> list[Path]:
    files: list[Path] = []
    for rel in spec.monitor_paths:
        d = root / rel
        if d.is_file():
            files.append(d)
        elif d.is_dir():
            files.extend(sorted([*d.rglob("*.yml"), *d.rglob("*.yaml")]))
    return files


def load_monitor_file(path: Path, root: Path, project: ProjectSpec, context: dict[str, Any],
                      test_types: dict[str, Any]) -> list[Monitor]:
    """The monitors of one file that need no warehouse (see load_monitors)."""
    return load_monitors(path, root, project, context, test_types)[0]


def load_monitors(path: Path, root: Path, project: ProjectSpec, context: dict[str, Any],
                  test_types: dict[str, Any]) -> tuple[list[Monitor], list[Template]]:
    """A monitor file's monitors, and its fan-out monitors over a catalog pattern, which wait for
    the warehouse (sqlmon.config.fanout; an `in:` list is expanded here)."""
    source = shown_path(path)
    raw = load_yaml(path, source)
    if raw is None:
        return [], []
    entries = raw.get("monitors") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        validate(MonitorFile, render_value(raw, context, source, raw), source)     # its own error, or none
        return [], []
    validate(MonitorFile, {k: v for k, v in raw.items() if k != "monitors"}, source, raw)   # version, stray keys
    file = relative_path(path, root)
    monitors: list[Monitor] = []
    waiting: list[Template] = []
    for i, entry in enumerate(entries):
        base = ("monitors", i)
        if is_template(entry):             # rendered per item: `{{ item.name }}` needs the item
            t = Template(entry, source, raw, base, file)
            check_template(t)
            items = listed(t)
            if items is None:
                waiting.append(t)
            else:
                monitors.extend(instantiate(t, items, context, project, test_types, build_monitor))
            continue
        mon = validate(MonitorSpec, render_value(entry, context, source, raw, base), source, raw, base)
        monitors.append(build_monitor(mon, source, raw, base, project, test_types, file))
    return monitors, waiting


def build_monitor(mon: MonitorSpec, source: str, raw: Any, base: tuple, project: ProjectSpec,
                  test_types: dict[str, Any], file: str, column_paths: list[tuple] | None = None) -> Monitor:
    """A validated monitor spec -> a Monitor with its tests built; `raw` is the parsed file it sits
    in at `base` (for file:line). `column_paths`: where each of `mon.columns` is written, when not
    under the monitor's own `columns:` (a dbt model's columns carry theirs)."""
    mon, staged_at = staged_monitor(mon, project, source, raw, base)
    _check_monitor(mon, test_types, source, raw, base)
    paths = column_paths or [(*base, "columns", c) for c in range(len(mon.columns))]
    tests = []
    for j, entry in enumerate(mon.tests):
        tests.append(build_test(entry, mon, None, project, test_types, source, raw, base + ("tests", j)))
    for col, at in zip(mon.columns, paths):
        for j, entry in enumerate(col.tests):
            tests.append(build_test(entry, mon, col.name, project, test_types, source, raw, (*at, "tests", j)))
    check_unique_ids(tests)
    locations = key_locations(source, raw, base, depth=2)
    if staged_at is not None:              # a key the run's stage changes: errors point at the stage's line
        locations.update(key_locations(source, raw, staged_at, depth=2))
    return Monitor(mon, f"{source}:{locate(raw, base)}", tuple(t for t in tests if t.enabled),
                   locations, file, source=source, raw=raw, base=base, column_paths=tuple(paths))


def _check_monitor(mon: MonitorSpec, test_types: dict[str, Any], source: str, raw: Any, base: tuple) -> None:
    """What the specs cannot check on their own: keys that need the other keys or the test types."""
    problem = window_problem(mon)
    if problem is not None:
        raise ConfigError(problem[1], location=location_of(source, raw, (*base, *problem[0])), hint=problem[2])
    check_defaults(mon.defaults, test_types, source, raw, (*base, "defaults"))


def check_defaults(defaults: dict[str, dict[str, Any]], test_types: dict[str, Any], source: str, raw: Any,
                   base: tuple) -> None:
    """`defaults:` of the project or a monitor: known test types, their keys, valid thresholds
    (checked here, where they are written, not in the first test that inherits them)."""
    for test_type, body in defaults.items():
        at = (*base, test_type)
        if test_type not in test_types:
            raise ConfigError(f"`defaults:` for unknown test type '{test_type}'", location=location_of(source, raw, at),
                              hint=did_you_mean(test_type, test_types) or "see `sqlmon ls --test-types` for the list")
        tt = test_types[test_type]
        allowed = [*COMMON_KEYS, *tt.param_names()]
        for key, value in body.items():
            where = location_of(source, raw, (*at, key))
            if key == "stages":
                raise ConfigError("`stages:` goes on a monitor or a test, not in `defaults:`", location=where,
                                  hint="a stage's own defaults go under sqlmon_project.yml `stages: {NAME: {defaults: "
                                       "...}}` (README \"Stages\")")
            if key not in allowed:
                raise ConfigError(f"unknown key '{key}' in the defaults of '{test_type}'", location=where,
                                  hint=did_you_mean(key, allowed) or f"allowed keys: {', '.join(sorted(allowed))}")
            if key in THRESHOLD_KEYS:
                parse_threshold(value, where)
            if key == "segments" and not tt.segmentable:
                raise ConfigError(f"test type '{test_type}' has no segments", location=where, hint=SEGMENTS_HINT)


THRESHOLD_KEYS = ("warn_if", "error_if")
SEGMENTS_HINT = ("`segments:` applies to data-quality, statistic, drift and model-quality tests, not to freshness, "
                 "schema, custom_sql, dataset_drift or anomaly; remove it here")


def build_test(entry: Any, monitor: MonitorSpec, column: str | None, project: ProjectSpec,
               test_types: dict[str, Any], source: str, root: Any, path: tuple,
               preset: dict[str, Any] | None = None) -> TestSpec:
    """Normalise one test entry and apply the defaults cascade (built-in -> project -> preset ->
    monitor -> test; `preset`: the body a preset gives the test with the same id).

    Parameters cascade key by key. Thresholds cascade as a pair: the most specific level that sets
    `warn_if` or `error_if` sets both, so a test's own `warn_if` never inherits a stricter `error_if`.
    `tier` and `owner` take the monitor's own keys into the cascade (sqlmon.config.tiers.resolve).
    """
    location = f"{source}:{locate(root, path)}"
    test_type, body = split_entry(entry, location)
    if test_type not in test_types:
        raise ConfigError(f"unknown test type '{test_type}'", location=location,
                          hint=did_you_mean(test_type, test_types) or "see `sqlmon ls --test-types` for the list")
    tt = test_types[test_type]
    entry_path = path + ((test_type,) if isinstance(entry, dict) else ())
    stageable = [k for k in (*COMMON_KEYS, *tt.param_names()) if k != "segments" or tt.segmentable]
    body, preset, staged, staged_at = staged_test(body, preset, project, stageable, source, root, entry_path)
    if staged_at is not None:              # the test as written first: its own mistakes point at its own lines
        build_test({test_type: body}, monitor, column, project, test_types, source, root, path, preset)
    if "segments" in body and not tt.segmentable:
        raise ConfigError(f"test type '{test_type}' has no segments",
                          location=location_of(source, root, (*entry_path, "segments")), hint=SEGMENTS_HINT)
    # the run's stage's overrides (sqlmon.config.stages) are the most specific level
    levels = [project.defaults.get(test_type, {}), preset or {}, monitor.defaults.get(test_type, {}), body,
              staged or {}]
    raw_params = {k: v for level in levels for k, v in level.items() if k not in THRESHOLD_KEYS}
    levels.insert(0, tt.threshold_defaults(raw_params))
    merged: dict[str, Any] = {}
    for level in levels:
        if any(k in level for k in THRESHOLD_KEYS):
            for k in THRESHOLD_KEYS:
                merged.pop(k, None)
        merged.update(level)
    if staged is None:                     # the run's stage leaves it out: not built (its parameters may need
        return left_out(test_type, tt, merged, monitor, column, location)     # what this stage's monitor lacks)
    common = {k: merged.pop(k) for k in list(merged) if k in COMMON_KEYS}
    common.update(resolve_tier_and_owner(test_type, {**body, **staged}, monitor, project, preset, common, source, root,
                                         entry_path))
    at = staged_at or entry_path
    spec = validate(TestSpec, {"test_type": test_type, "params": merged, **common, "location": location},
                    source, root, at)
    spec = spec.model_copy(update={"params": tt.validate_params(merged, column, monitor, location, source, root, at)})
    default = tt.default_name(spec.params)        # a named model's test: `accuracy_challenger`
    name = spec.name or (default if default != test_type else None)
    return spec.model_copy(update={"location": location, "column": column, "name": name,
                                   "unique_id": f"{monitor.name}.{column or '_'}.{name or test_type}",
                                   "monitor": monitor.name,
                                   "locations": key_locations(source, root, entry_path, depth=1)})


def check_unique_ids(tests: list[TestSpec]) -> None:
    _check_unique(tests, lambda t: t.unique_id, "two tests share the id", "give one of them a distinct `name:`")


def _check_unique_names(monitors: list[Monitor]) -> None:
    _check_unique(monitors, lambda m: m.name, "two monitors are named", "monitor names are unique across the project")


def _check_unique(items: list[Any], key: Any, what: str, hint: str) -> None:
    """The first item whose key repeats is an error naming both places."""
    seen: dict[str, Any] = {}
    for item in items:
        k = key(item)
        if k in seen:
            raise ConfigError(f"{what} '{k}' (the other is at {seen[k].location})", location=item.location, hint=hint)
        seen[k] = item
