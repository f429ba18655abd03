"""Presets: named, versioned suites of tests a monitor takes with `preset:` (README "Standardising
many models"). A preset holds table- and model-level tests and column rules that choose columns by
kind, name and role rather than by name:

```yaml
version: 1
presets:
  - name: feature_table
    version: 1
    params: {drift_method: null}
    tests: [row_count]
    columns:
      - select: {role: feature, kind: [numeric, categorical, boolean]}
        tests: [drift]
```

Roles come from the monitor: `score`, `label`, `prediction` (its `model:`), `timestamp` (its
`timestamp:`), `feature` (every other column). Key-like columns (`id`, `*_id`, `*_key`, `uuid`)
and calendar-like ones (`year`, `month`, `day`, `hour`, `*_date`, timestamp and date kinds) are
left out of a rule unless it asks for them (`keys: true`, `calendar: true`): a calendar column
always differs between two windows, so drift on it is noise, and an id never repeats.

The built-ins ship in the package (`sqlmon/presets/`); a project adds its own in `presets/`
(`preset_paths:`), and may `extends:` a built-in. Expansion needs the relation's columns, so it
happens once connected (`expand`); loading checks everything else (`load_presets`, `check_refs`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from sqlmon.config.specs import Spec, split_entry, validate
from sqlmon.config.vars import render_value
from sqlmon.config.yamlio import load_yaml, location_of
from sqlmon.errors import ConfigError, did_you_mean

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "presets"
KINDS = {"numeric": ("numeric",), "categorical": ("string",), "boolean": ("boolean",),
         "timestamp": ("timestamp", "date")}
ROLES = ("feature", "score", "label", "prediction", "timestamp")
KEY_LIKE = ("id", "*_id", "*_key", "key", "uuid", "*_uuid", "pk")
CALENDAR_LIKE = ("year", "month", "day", "hour", "minute", "second", "week", "quarter", "weekday", "dow",
                 "day_of_week", "dayofweek", "day_of_month", "dayofmonth", "day_of_year", "dayofyear", "date",
                 "*_year", "*_month", "*_day", "*_hour", "*_week", "*_date", "*_at")


class SelectSpec(Spec):
    kind: list[Literal["numeric", "categorical", "boolean", "timestamp"]] | None = None
    role: list[Literal["feature", "score", "label", "prediction", "timestamp"]] | None = None
    name: list[str] | None = None           # globs, case-insensitive
    exclude: list[str] = []                 # globs
    keys: bool = False                      # take key-like columns too
    calendar: bool = False                  # take calendar-like columns too

    @field_validator("kind", "role", "name", "exclude", mode="before")
    @classmethod
    def _listed(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class RuleSpec(Spec):
    name: str | None = None
    select: SelectSpec = SelectSpec()
    tests: list[Any] = []


class PresetSpec(Spec):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    version: int = Field(ge=1)
    description: str | None = None
    task: Literal["binary_classification", "multiclass_classification", "regression"] | None = None
    extends: str | None = None
    params: dict[str, Any] = {}
    tests: list[Any] = []
    columns: list[RuleSpec] = []


class PresetFile(Spec):
    version: Literal[1] = 1
    presets: list[PresetSpec] = []


@dataclass(frozen=True)
class Written:
    """A value and where it is written (for file:line)."""

    value: Any
    source: str
    root: Any
    path: tuple


@dataclass
class Preset:
    spec: PresetSpec
    builtin: bool
    location: str
    source: str
    root: Any
    base: tuple
    tests: list[Written] = field(default_factory=list)       # with what it extends, parent first
    rules: list[tuple[RuleSpec, Written]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    resolved: bool = False

    @property
    def label(self) -> str:
        return f"{self.spec.name}@{self.spec.version}"


def load_presets(root: Path, paths: list[str], test_types: dict[str, Any]) -> dict[str, Preset]:
    """The built-in presets and the project's, `extends:` resolved, every test type known."""
    found: dict[str, Preset] = {}
    for folder, builtin in [(BUILTIN_DIR, True), *((root / p, False) for p in paths)]:
        for path in sorted([*folder.rglob("*.yml"), *folder.rglob("*.yaml")]) if folder.is_dir() else []:
            source = str(path) if builtin else str(path.relative_to(root))
            doc = load_yaml(path, source)
            if doc is None:
                continue
            parsed = validate(PresetFile, doc, source)
            for i, spec in enumerate(parsed.presets):
                at = location_of(source, doc, ("presets", i))
                if spec.name in found:
                    other = found[spec.name]
                    raise ConfigError(f"preset '{spec.name}' is defined twice (the other is at {other.location})",
                                      location=at, hint=("the built-in keeps its name: name yours differently and "
                                                         f"`extends: {spec.name}`") if other.builtin else
                                      "preset names are unique")
                found[spec.name] = Preset(spec, builtin, at, source, doc, ("presets", i))
    for preset in found.values():
        _resolve(preset, found, [])
        for written in preset.tests:
            _check_entry(written, test_types, None)
        for rule, written in preset.rules:
            for j, entry in enumerate(rule.tests):
                _check_entry(Written(entry, written.source, written.root, (*written.path, "tests", j)), test_types, rule)
    return found


def _resolve(preset: Preset, found: dict[str, Preset], chain: list[str]) -> None:
    """Flatten `extends:` (parent's tests and rules first; params merged, the child's winning)."""
    if preset.resolved:
        return
    preset.resolved = True
    spec = preset.spec
    if spec.extends is not None:
        where = location_of(preset.source, preset.root, (*preset.base, "extends"))
        if spec.extends not in found:
            raise ConfigError(f"preset '{spec.name}' extends unknown preset '{spec.extends}'", location=where,
                              hint=did_you_mean(spec.extends, found) or f"presets: {', '.join(sorted(found))}")
        if spec.extends in chain or spec.extends == spec.name:
            raise ConfigError(f"preset '{spec.name}' extends itself through {' -> '.join([*chain, spec.name])}",
                              location=where, hint="remove one `extends:`")
        parent = found[spec.extends]
        _resolve(parent, found, [*chain, spec.name])
        preset.tests.extend(parent.tests)
        preset.rules.extend(parent.rules)
        preset.params.update(parent.params)
    preset.params.update(spec.params)
    preset.tests.extend(Written(e, preset.source, preset.root, (*preset.base, "tests", j)) for j, e in enumerate(spec.tests))
    preset.rules.extend((r, Written(r, preset.source, preset.root, (*preset.base, "columns", j)))
                        for j, r in enumerate(spec.columns))


def _check_entry(written: Written, test_types: dict[str, Any], rule: RuleSpec | None) -> None:
    """A preset's test: a known test type, at the right level; in a rule that names kinds, a type
    that accepts them (a rule putting `range` on categorical columns is refused here)."""
    where = location_of(written.source, written.root, written.path)
    test_type, _ = split_entry(written.value, where)
    if test_type not in test_types:
        raise ConfigError(f"unknown test type '{test_type}' in a preset", location=where,
                          hint=did_you_mean(test_type, test_types) or "see `sqlmon ls --test-types` for the list")
    kinds = getattr(test_types[test_type], "kinds", None)
    if rule is not None and rule.select.kind and kinds:
        wrong = [k for k in rule.select.kind if not set(KINDS[k]) & set(kinds)]
        if wrong:
            raise ConfigError(f"test type '{test_type}' does not apply to {', '.join(wrong)} columns, and this rule "
                              f"selects them", location=where,
                              hint=f"'{test_type}' takes {', '.join(kinds)} columns: narrow `select: kind:`")


# --- a monitor's presets --------------------------------------------------------------------

def _ancestors(preset: Preset, presets: dict[str, Preset]) -> list[Preset]:
    out, seen = [], {preset.spec.name}
    while preset.spec.extends in presets and preset.spec.extends not in seen:
        preset = presets[preset.spec.extends]
        seen.add(preset.spec.name)
        out.append(preset)
    return out


@dataclass(frozen=True)
class Ref:
    preset: Preset
    params: dict[str, Any]
    location: str


def refs(value: Any, presets: dict[str, Preset], source: str, root: Any, base: tuple, model: Any = None) -> list[Ref]:
    """A monitor's `preset:` (a name, `{name: {params}}`, or a list of either) -> its presets,
    each with its parameters checked against the ones it declares."""
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        path = (*base, "preset", i) if isinstance(value, list) else (*base, "preset")
        pairs = item.items() if isinstance(item, dict) else [(item, {})]
        for name, params in pairs:
            where = location_of(source, root, path)
            if name not in presets:
                raise ConfigError(f"unknown preset '{name}'", location=where,
                                  hint=did_you_mean(str(name), presets) or "`sqlmon ls --presets` lists them")
            preset, params = presets[name], dict(params or {})
            unknown = sorted(set(params) - set(preset.params))
            if unknown:
                raise ConfigError(f"preset '{name}' has no parameter '{unknown[0]}'", location=where,
                                  hint=did_you_mean(unknown[0], preset.params)
                                  or f"its parameters: {', '.join(sorted(preset.params)) or 'none'}")
            task = preset.spec.task or next((p.spec.task for p in _ancestors(preset, presets) if p.spec.task), None)
            if task is not None and (model is None or model.task != task):
                raise ConfigError(f"preset '{name}' is for a {task.replace('_', ' ')} model, and this monitor "
                                  + ("declares none" if model is None else f"declares a {model.task.replace('_', ' ')}"),
                                  location=where, hint=f"add `model: {{task: {task}, ...}}` (README \"Model-quality "
                                                       "tests\") or choose another preset")
            out.append(Ref(preset, {**preset.params, **params}, where))
    return out


@dataclass(frozen=True)
class Planned:
    """One test a preset gives a monitor: its entry, column and where it is written."""

    entry: Any
    column: str | None
    written: Written
    preset: str             # name@version


def plan(ref: Ref, monitor: Any, columns: list[tuple[str, str]], context: dict[str, Any],
         warnings: list[str]) -> list[Planned]:
    """The tests `ref` gives `monitor` over the relation's `columns` ((name, kind) pairs)."""
    ctx = {**context, "params": ref.params}
    out = [Planned(_render(w, ctx), None, w, ref.preset.label) for w in ref.preset.tests]
    roles = _roles(monitor)
    for rule, written in ref.preset.rules:
        chosen = [(name, kind) for name, kind in columns if _selects(rule.select, name, kind, roles)]
        if not chosen:
            seen = ", ".join(f"{n} ({k})" for n, k in columns[:20]) + (" ..." if len(columns) > 20 else "")
            warnings.append(f"{location_of(written.source, written.root, written.path)}: a rule of preset "
                            f"{ref.preset.label} selects no column of monitor '{monitor.name}' "
                            f"(columns seen: {seen or 'none'})")
        for name, kind in chosen:
            for j, entry in enumerate(rule.tests):
                w = Written(entry, written.source, written.root, (*written.path, "tests", j))
                out.append(Planned(_render(w, ctx), name, w, ref.preset.label))
    return out


def _render(w: Written, context: dict[str, Any]) -> Any:
    return render_value(w.value, context, w.source, w.root, w.path)


def _roles(monitor: Any) -> dict[str, str]:
    model = monitor.spec.model
    out = {}
    if monitor.spec.timestamp:
        out[monitor.spec.timestamp.lower()] = "timestamp"
    for role in ("score", "label", "prediction"):
        column = getattr(model, role, None) if model is not None else None
        if column:
            out[column.lower()] = role
    return out


def _selects(select: SelectSpec, name: str, kind: str, roles: dict[str, str]) -> bool:
    low = name.lower()
    role = roles.get(low, "feature")
    if select.role is not None and role not in select.role:
        return False
    if select.kind is not None and not any(kind in KINDS[k] for k in select.kind):
        return False
    if select.name is not None and not any(fnmatchcase(low, g.lower()) for g in select.name):
        return False
    if any(fnmatchcase(low, g.lower()) for g in select.exclude):
        return False
    if role == "feature":
        if not select.keys and any(fnmatchcase(low, g) for g in KEY_LIKE):
            return False
        asked_time = bool(select.kind) and "timestamp" in select.kind
        if not select.calendar and ((kind in KINDS["timestamp"] and not asked_time)
                                    or any(fnmatchcase(low, g) for g in CALENDAR_LIKE)):
            return False
    return True
