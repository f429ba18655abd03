"""`sqlmon generate RELATION`: a monitor written from the data (README "Monitors written from the data").

The relation's reference window (the whole relation without a timestamp) is profiled in the
warehouse with aggregate queries only (`profile`); from that and the margins of `MARGINS`, a
monitor on the fitting preset is written whose every derived threshold carries a comment saying
what it came from (`derive`). The text is written by sqlmon itself (sqlmon.config.yamlwrite) and
checked to load back as meant before anyone sees it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlglot import exp

from sqlmon.adapters.base import Adapter
from sqlmon.columns import BOOLEAN, DATE, STRING, TIMESTAMP, ColumnInfo
from sqlmon.config.presets import refs
from sqlmon.config.project import Project
from sqlmon.config.specs import MonitorFile, validate
from sqlmon.config.thresholds import parse_instant
from sqlmon.config.vars import make_context, render_value
from sqlmon.config.yamlio import load_yaml_text
from sqlmon.config.yamlwrite import dump, plain
from sqlmon.errors import ConfigError, did_you_mean
from sqlmon.generate.derive import MARGINS, Margins, monitor_doc, rules
from sqlmon.generate.profile import Window, take_profile
from sqlmon.redact import scrub
from sqlmon.report.artifacts import atomic_write
from sqlmon.sql import parse_relation
from sqlmon.version import __version__

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TASKS = ("binary_classification", "multiclass_classification", "regression")
_NEEDS = {"binary_classification": "score", "multiclass_classification": "prediction", "regression": "prediction"}
_PRESETS = {"binary_classification": "binary_classifier", "multiclass_classification": "multiclass_classifier",
            "regression": "regressor"}


@dataclass(frozen=True)
class Ask:
    """What `sqlmon generate` was asked for (its options)."""

    relation: str
    as_of: datetime
    preset: str | None = None
    timestamp: str | None = None
    score: str | None = None
    label: str | None = None
    prediction: str | None = None
    task: str | None = None
    reference_last: str | None = None
    reference_between: tuple[str, str] | None = None
    name: str | None = None


@dataclass(frozen=True)
class Generated:
    """The file's text, the monitor's name, how many tests it writes (besides its preset's), and
    notes for the user."""

    name: str
    text: str
    tests: int
    notes: list[str]


def resolve_as_of(given: str | None, project: Project) -> datetime:
    """--as-of, else the project's pinned `as_of:`, else now (as `sqlmon run` takes it)."""
    if given is not None:
        return parse_instant(given, "--as-of")
    if project.spec.as_of is not None:
        return parse_instant(project.spec.as_of, project.locations.get("as_of", "as_of"))
    return datetime.now(timezone.utc)


def generate_monitor(project: Project, adapter: Adapter, ask: Ask, output: Path | None = None) -> Generated:
    """The monitor file's text for `ask`, profiled through `adapter` (connected); `output`: the
    file it will be written to (a monitor of the same name there is being replaced)."""
    context = make_context(project.vars, dbt=project.manifest, target=project.jinja_target)
    resolved = render_value(ask.relation, context, "RELATION") if "{{" in ask.relation else ask.relation
    table = parse_relation(str(resolved), project.spec.sql_dialect, "RELATION")
    columns = adapter.columns(table)
    find = _finder(columns, ask.relation)
    ts = find(ask.timestamp, "timestamp") if ask.timestamp else None
    if ts is not None and ts.kind not in (TIMESTAMP, DATE):
        raise ConfigError(f"--timestamp {ts.name} is a {ts.kind} column", hint="give a timestamp or date column")
    model = _model(ask, find)
    preset = _preset(ask, model, project.presets)
    name = _name(ask, table, project, output)
    stamps = [c.name for c in columns if c.kind in (TIMESTAMP, DATE)]
    notes = [] if ts or not stamps else \
        [f"no --timestamp: the whole relation was profiled and the monitor has no windows ({stamps[0]} could be one)"]
    roles = {v.lower(): k for k, v in model.items() if k != "task"}
    if ts is not None:
        roles[ts.name.lower()] = "timestamp"
    profile = take_profile(project, adapter, table, ask.relation, columns, ts,
                           Window(ask.reference_last, ask.reference_between, ask.as_of), MARGINS.few_values)
    doc = monitor_doc(name, ask.relation, ts, model, preset, _preset_tests(project.presets.get(preset)), columns,
                      roles, profile)
    head = [f"Written by `sqlmon generate` (sqlmon {__version__}) from {ask.relation} over {profile.label}: "
            f"{profile.rows:,} rows" + (f", {len(profile.whole)} whole days." if ts and profile.whole else "."),
            "Each threshold says what it was derived from, with these margins (sqlmon.generate.MARGINS,",
            "README \"Monitors written from the data\"):", *rules(), "Read it, adjust it, commit it."]
    text = dump(doc, head)
    _check(text, doc, project)
    written = plain(doc)["monitors"][0]
    tests = len(written["tests"]) + sum(len(c["tests"]) for c in written.get("columns", []))
    return Generated(name, text, tests, notes)


def write_monitor_file(project: Project, out: Path, text: str, force: bool) -> list[str]:
    """Write `text` to `out`: a file that exists is replaced only with `force` (else created
    exclusively: one that appeared since the command began is kept). Returns notes."""
    if force:
        atomic_write(out, text)
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("x", encoding="utf-8") as f:
                f.write(scrub(text))
        except FileExistsError:
            raise ConfigError(f"{out} already exists", hint="pass --force to replace it") from None
        except OSError as err:
            raise ConfigError(f"cannot write {out}: {err.strerror or err}", hint="choose a writable -o") from None
    paths = [(project.root / p).resolve() for p in project.spec.monitor_paths]
    if any(out.resolve().is_relative_to(p) for p in paths):
        return []
    return [f"{out} is outside the project's monitor_paths ({', '.join(project.spec.monitor_paths)}): "
            "sqlmon will not read it there"]


# --- what was asked -----------------------------------------------------------------------------

def _finder(columns: list[ColumnInfo], relation: str) -> Any:
    by_name = {c.name: c for c in columns}
    by_lower = {c.name.lower(): c for c in columns}

    def find(name: str, option: str) -> ColumnInfo:
        found = by_name.get(name) or by_lower.get(name.lower())
        if found is None:
            raise ConfigError(f"no column '{name}' in {relation}", location=f"--{option}",
                              hint=did_you_mean(name, by_name) or f"its columns: {', '.join(list(by_name)[:30])}")
        return found
    return find


def _model(ask: Ask, find: Any) -> dict[str, Any]:
    """`model:` from --task/--score/--label/--prediction ({} when none)."""
    task = ask.task
    if task is None and ask.score:
        task = "binary_classification"
    elif task is None and ask.prediction:
        labels = find(ask.prediction, "prediction").kind in (STRING, BOOLEAN)      # classes, else numbers
        task = "multiclass_classification" if labels else "regression"
    elif task is None and ask.label:
        raise ConfigError("cannot tell the model's task from --label alone",
                          hint="add --score COLUMN (a binary classifier), --prediction COLUMN, or --task "
                               + "|".join(TASKS))
    if task is None:
        return {}
    need = _NEEDS[task]
    if getattr(ask, need) is None:
        raise ConfigError(f"a {task.replace('_', ' ')} model needs --{need} COLUMN",
                          hint=f"name the column of its {need}s with --{need}")
    model: dict[str, Any] = {"task": task}
    for role in ("score", "prediction", "label"):
        if getattr(ask, role):
            model[role] = find(getattr(ask, role), role).name
    return model


def _task_of(name: str, presets: dict[str, Any]) -> str | None:
    seen: set[str] = set()
    while name in presets and name not in seen:
        seen.add(name)
        if presets[name].spec.task:
            return presets[name].spec.task
        name = presets[name].spec.extends or ""
    return None


def _preset(ask: Ask, model: dict[str, Any], presets: dict[str, Any]) -> str:
    if ask.preset is None:
        if not model:
            return "feature_table"
        return _PRESETS[model["task"]] if "label" in model else "scores_table"
    if ask.preset not in presets:
        raise ConfigError(f"unknown preset '{ask.preset}'", location="--preset",
                          hint=did_you_mean(ask.preset, presets) or f"presets: {', '.join(sorted(presets))}")
    task = _task_of(ask.preset, presets)
    if task is not None and model.get("task") != task:
        raise ConfigError(f"preset '{ask.preset}' is for a {task.replace('_', ' ')} model, and "
                          + (f"this one is a {model['task'].replace('_', ' ')}" if model else "no model was described"),
                          hint=f"describe it: --task {task} --{_NEEDS[task]} COLUMN --label COLUMN")
    return ask.preset


def _name(ask: Ask, table: exp.Table, project: Project, output: Path | None) -> str:
    if ask.name is not None and not NAME.match(ask.name):
        raise ConfigError(f"--name '{ask.name}' is not a monitor name",
                          hint="use letters, digits and _, not starting with a digit")
    name = ask.name or _sanitised(table.name)
    for monitor in project.monitors:
        replaced = output is not None and (project.root / monitor.file).resolve() == output.resolve()
        if monitor.name == name and not replaced:
            raise ConfigError(f"monitor '{name}' already exists ({monitor.location})",
                              hint="name this one with --name, or replace that file (-o FILE --force)")
    return name


def _sanitised(text: str) -> str:
    """A relation's name as a monitor name: runs of other characters become one `_`."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "monitor"
    return f"_{name}" if name[0].isdigit() else name


def _preset_tests(preset: Any) -> set[str]:
    """The test types a preset gives (its parents' included)."""
    if preset is None:
        return set()
    entries = [w.value for w in preset.tests] + [e for rule, _ in preset.rules for e in rule.tests]
    return {e if isinstance(e, str) else next(iter(e)) for e in entries if isinstance(e, (str, dict)) and e}


def _check(text: str, doc: dict[str, Any], project: Project) -> None:
    """The text loads back to what was meant, is a valid monitor file, and its preset fits its model."""
    loaded = load_yaml_text(text, "generated monitor")
    if loaded != plain(doc):
        raise RuntimeError("the generated YAML does not load back as it was meant")
    parsed = validate(MonitorFile, loaded, "generated monitor", loaded)
    monitor = parsed.monitors[0]
    refs(monitor.preset, project.presets, "generated monitor", loaded, ("monitors", 0), monitor.model)


__all__ = ["MARGINS", "Ask", "Generated", "Margins", "generate_monitor", "resolve_as_of", "write_monitor_file"]
