"""Load a project: `sqlmon_project.yml`, the target from `profiles.yml`, and every monitor file.

Output is plain values: a `Project` with typed monitors whose tests are normalised `TestSpec`s
(defaults cascade applied, unique ids assigned, file:line attached). No warehouse access here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlmon.config.specs import COMMON_KEYS, MonitorFile, MonitorSpec, ProjectSpec, TestSpec, split_entry, validate
from sqlmon.config.vars import make_context, render_value
from sqlmon.config.yamlio import load_yaml, load_yaml_text, locate
from sqlmon.errors import ConfigError, did_you_mean

PROJECT_FILE = "sqlmon_project.yml"


@dataclass(frozen=True)
class Monitor:
    spec: MonitorSpec
    location: str                 # file:line of the monitor
    tests: tuple[TestSpec, ...]   # table-level and column tests, in file order

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

    @property
    def target_dir(self) -> Path:
        return self.root / self.spec.target_path


def find_project_dir(start: Path) -> Path:
    for d in [start, *start.parents]:
        if (d / PROJECT_FILE).exists():
            return d
    raise ConfigError(f"no {PROJECT_FILE} found in {start} or any parent folder",
                      hint="run inside a sqlmon project, pass --project-dir, or create one with `sqlmon init NAME`")


def parse_vars(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    value = load_yaml_text(text, "--vars")
    if not isinstance(value, dict):
        raise ConfigError(f"--vars must be a YAML mapping, got {text!r}", hint="--vars '{key: value}'")
    return dict(value)


def load_project(project_dir: Path | str | None, test_types: Callable[[list[Path]], dict[str, Any]], *,
                 target: str | None = None, profiles_dir: Path | str | None = None,
                 cli_vars: dict[str, Any] | None = None) -> Project:
    """Read `sqlmon_project.yml` once, then the target and every monitor file. `test_types` maps
    the project's macro folders to the test types its monitors may use (the built-ins plus the
    project's `test_<name>` macros: sqlmon.testtypes.project_test_types)."""
    root = find_project_dir(Path(project_dir or ".").resolve())
    source = str(root / PROJECT_FILE)
    raw = load_yaml(root / PROJECT_FILE, source) or {}
    spec = validate(ProjectSpec, raw, source)
    variables = {**spec.vars, **(cli_vars or {})}
    context = make_context(variables)
    profile_name = spec.profile or spec.name
    target_name, target_cfg = load_target(root, profile_name, target, profiles_dir, context)
    macro_dirs = [root / p for p in spec.macro_paths if (root / p).is_dir()]
    types = test_types(macro_dirs)
    monitors = []
    for path in _monitor_files(root, spec):
        monitors.extend(load_monitor_file(path, root, spec, context, types))
    _check_unique_names(monitors)
    line = locate(raw, ("history",)) if isinstance(raw, dict) and "history" in raw else None
    return Project(root, spec, profile_name, target_name, target_cfg, monitors, macro_dirs, variables,
                   f"{source}:{line}" if line else source, types)


# --- profiles ------------------------------------------------------------------------------

def profiles_search(root: Path, profiles_dir: Path | str | None) -> list[Path]:
    if profiles_dir:
        return [Path(profiles_dir)]
    if os.environ.get("SQLMON_PROFILES_DIR"):
        return [Path(os.environ["SQLMON_PROFILES_DIR"])]
    return [root, Path.home() / ".sqlmon", Path.home() / ".dbt"]


def load_target(root: Path, profile_name: str, target: str | None, profiles_dir: Path | str | None,
                context: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    dirs = profiles_search(root, profiles_dir)
    path = next((d / "profiles.yml" for d in dirs if (d / "profiles.yml").exists()), None)
    if path is None:
        raise ConfigError(f"no profiles.yml found (looked in {', '.join(map(str, dirs))})",
                          hint="create profiles.yml in the project, or pass --profiles-dir / set SQLMON_PROFILES_DIR")
    raw = load_yaml(path) or {}
    if profile_name not in raw:
        raise ConfigError(f"profile '{profile_name}' not found in {path}", location=f"{path}:1",
                          hint=did_you_mean(profile_name, raw) or "set `profile:` in sqlmon_project.yml to a profile in profiles.yml")
    profile = raw[profile_name] or {}
    outputs = profile.get("outputs") or {}
    name = target or os.environ.get("SQLMON_TARGET") or profile.get("target") or "dev"
    if name not in outputs:
        line = locate(raw, (profile_name, "outputs"))
        raise ConfigError(f"target '{name}' not found in profile '{profile_name}'", location=f"{path}:{line}",
                          hint=did_you_mean(name, outputs) or f"targets here: {', '.join(outputs) or 'none'}")
    cfg = dict(render_value(outputs[name], context, f"{path}:{locate(raw, (profile_name, 'outputs', name))}"))
    if "type" not in cfg:
        raise ConfigError(f"target '{name}' has no `type:`", location=f"{path}:{locate(raw, (profile_name, 'outputs', name))}",
                          hint="add `type: duckdb` (or postgres, spark)")
    cfg["project_dir"] = str(root)     # adapters resolve relative file paths against it
    return name, cfg


# --- monitors ------------------------------------------------------------------------------

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
    source = os.path.relpath(path, Path.cwd()) if path.is_relative_to(Path.cwd()) else str(path)
    raw = load_yaml(path, source)
    if raw is None:
        return []
    raw = render_value(raw, context, source)
    parsed = validate(MonitorFile, raw, source)
    out = []
    for i, mon in enumerate(parsed.monitors):
        base = ("monitors", i)
        location = f"{source}:{locate(raw, base)}"
        tests = []
        for j, entry in enumerate(mon.tests):
            tests.append(build_test(entry, mon, None, project, test_types, source, raw, base + ("tests", j)))
        for c, col in enumerate(mon.columns):
            for j, entry in enumerate(col.tests):
                tests.append(build_test(entry, mon, col.name, project, test_types, source, raw,
                                        base + ("columns", c, "tests", j)))
        _check_unique_ids(tests)
        out.append(Monitor(mon, location, tuple(t for t in tests if t.enabled)))
    return out


THRESHOLD_KEYS = ("warn_if", "error_if")


def build_test(entry: Any, monitor: MonitorSpec, column: str | None, project: ProjectSpec,
               test_types: dict[str, Any], source: str, root: Any, path: tuple) -> TestSpec:
    """Normalise one test entry and apply the defaults cascade (built-in -> project -> monitor -> test).

    Parameters cascade key by key. Thresholds cascade as a pair: the most specific level that sets
    `warn_if` or `error_if` sets both, so a test's own `warn_if` never inherits a stricter `error_if`.
    """
    location = f"{source}:{locate(root, path)}"
    test_type, body = split_entry(entry, location)
    if test_type not in test_types:
        raise ConfigError(f"unknown test type '{test_type}'", location=location,
                          hint=did_you_mean(test_type, test_types) or "see `sqlmon ls --test-types` for the list")
    tt = test_types[test_type]
    levels = [project.defaults.get(test_type, {}), monitor.defaults.get(test_type, {}), body]
    raw_params = {k: v for level in levels for k, v in level.items() if k not in THRESHOLD_KEYS}
    levels.insert(0, tt.threshold_defaults(raw_params))
    merged: dict[str, Any] = {}
    for level in levels:
        if any(k in level for k in THRESHOLD_KEYS):
            for k in THRESHOLD_KEYS:
                merged.pop(k, None)
        merged.update(level)
    common = {k: merged.pop(k) for k in list(merged) if k in COMMON_KEYS}
    entry_path = path + ((test_type,) if isinstance(entry, dict) else ())
    spec = validate(TestSpec, {"test_type": test_type, "params": merged, **common, "location": location},
                    source, root, entry_path)
    spec = spec.model_copy(update={"params": tt.validate_params(merged, column, monitor, location, source, root, entry_path)})
    return spec.model_copy(update={"location": location, "column": column,
                                   "unique_id": f"{monitor.name}.{column or '_'}.{spec.name or test_type}",
                                   "monitor": monitor.name})


def _check_unique_ids(tests: list[TestSpec]) -> None:
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
