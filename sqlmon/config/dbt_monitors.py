"""Monitors written next to the models they guard, in dbt's own YAML (README "With dbt"):

```yaml
models:
  - name: delay_scores
    config:
      meta:
        sqlmon:                 # the keys of a monitor file's monitor; relation and name implied
          timestamp: scored_at
          current: {last: 1 day}
          tests: [row_count]
    columns:
      - name: score
        config:
          meta:
            sqlmon: {tests: [not_null, {range: {min: 0, max: 1}}]}     # or just the list of tests
```

Which models carry one is read from the manifest (dbt ≥ 1.10 puts meta under `config:`; the older
top-level `meta:` works too); the monitor itself is read again from the YAML file the manifest
names (`patch_path`), so that every error points at its schema.yml line.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from sqlmon.config.dbt import DbtProject
from sqlmon.config.manifest import Manifest
from sqlmon.config.specs import ColumnSpec, MonitorSpec, ProjectSpec, validate
from sqlmon.config.vars import Refusal, render_value
from sqlmon.config.yamlio import YamlDict, YamlList, load_yaml, location_of, relative_path, shown_path
from sqlmon.errors import ConfigError

KEY = "sqlmon"


def monitors_in_models(manifest: Manifest, dbt: DbtProject, spec: ProjectSpec, context: dict[str, Any],
                       test_types: dict[str, Any], root: Path, build_monitor: Callable[..., Any]) -> list[Any]:
    """The monitors the root project's models carry under `meta: sqlmon:`, built like a monitor
    file's (`build_monitor`: sqlmon.config.project.build_monitor, handed in by its caller)."""
    out = []
    for node in manifest.guardable(dbt.name):
        own = _sqlmon_meta(node)
        columns = {name: _sqlmon_meta(col) for name, col in (node.get("columns") or {}).items()
                   if isinstance(col, dict) and _sqlmon_meta(col) is not None}
        if own is None and not columns:
            continue
        path, doc, base = _written(node, dbt)
        source = shown_path(path) if path is not None else f"{dbt.root / str(node.get('original_file_path', ''))}"
        body, where = (_find(doc, base, ("config", "meta", KEY), ("meta", KEY)) if doc is not None else (None, None))
        body = body if body is not None else _yaml(own or {})
        if not isinstance(body, dict):
            raise ConfigError(f"`meta: sqlmon:` of model '{node.get('name')}' must be a mapping of monitor keys",
                              location=location_of(source, doc, where) if where else source,
                              hint="e.g. `sqlmon: {timestamp: updated_at, tests: [row_count]}` (README \"With dbt\")")
        mon_raw = _with(body, name=node.get("name"), relation=_relation(manifest, node, source, doc, where))
        mon_at = where or ()
        raw_root = doc if doc is not None else mon_raw
        mon_raw = render_value(mon_raw, context, source, raw_root, mon_at)
        mon = validate(MonitorSpec, mon_raw, source, raw_root, mon_at)
        extra, paths = _columns(node, columns, doc, base, source, context)
        mon = mon.model_copy(update={"columns": [*mon.columns, *extra]})
        own_paths = [(*mon_at, "columns", c) for c in range(len(mon.columns) - len(extra))]
        out.append(build_monitor(mon, source, raw_root, mon_at, spec, test_types,
                                 relative_path(path, root) if path is not None else source, [*own_paths, *paths]))
    return out


def _columns(node: dict[str, Any], metas: dict[str, Any], doc: Any, base: tuple | None, source: str,
             context: dict[str, Any]) -> tuple[list[ColumnSpec], list[tuple]]:
    """Column-level monitors: each column's `meta: sqlmon:` (a mapping of column keys, or the
    list of its tests), validated where it is written."""
    specs, paths = [], []
    for name, meta in metas.items():
        written, at = None, None
        if doc is not None and base is not None:
            cols = _get(doc, (*base, "columns"))
            for j, col in enumerate(cols if isinstance(cols, list) else []):
                if isinstance(col, dict) and col.get("name") == name:
                    written, at = _find(doc, (*base, "columns", j), ("config", "meta", KEY), ("meta", KEY))
        value = written if written is not None else _yaml(meta)
        body = {"tests": value} if isinstance(value, list) else value
        if not isinstance(body, dict):
            raise ConfigError(f"`meta: sqlmon:` of column '{name}' must be its list of tests or a mapping of column keys",
                              location=location_of(source, doc, at) if at else source,
                              hint="e.g. `sqlmon: [not_null, {range: {min: 0}}]`")
        at = at or ()
        col_raw = _with(body, name=name)
        rooted = doc if doc is not None and at else col_raw
        col_raw = render_value(col_raw, context, source, rooted, at)
        specs.append(validate(ColumnSpec, col_raw, source, rooted, at))
        # tests given as a bare list sit at the `sqlmon:` key itself, not under `tests:`
        paths.append((*at[:-1], KEY) if isinstance(value, list) and at else at)
    return specs, paths


def _relation(manifest: Manifest, node: dict[str, Any], source: str, doc: Any, where: tuple | None) -> str:
    try:
        return manifest.relation_of(node)
    except Refusal as err:
        raise ConfigError(err.args[0], location=location_of(source, doc, where) if where else source,
                          hint=err.args[1]) from None


def _sqlmon_meta(entry: dict[str, Any]) -> Any:
    for meta in ((entry.get("config") or {}).get("meta"), entry.get("meta")):
        if isinstance(meta, dict) and KEY in meta:
            return meta[KEY]
    return None


def _written(node: dict[str, Any], dbt: DbtProject) -> tuple[Path | None, Any, tuple | None]:
    """The YAML file that describes the node, parsed, and the path of its entry in it."""
    patch = node.get("patch_path")
    if not isinstance(patch, str) or "://" not in patch:
        return None, None, None
    path = dbt.root / patch.split("://", 1)[1]
    doc = load_yaml(path, shown_path(path))
    section = {"model": "models", "seed": "seeds", "snapshot": "snapshots"}.get(str(node.get("resource_type")))
    entries = doc.get(section) if isinstance(doc, dict) and section else None
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and entry.get("name") == node.get("name"):
            return path, doc, (section, i)
    return path, doc, None


def _find(doc: Any, base: tuple | None, *options: tuple) -> tuple[Any, tuple | None]:
    if base is None:
        return None, None
    for option in options:
        value = _get(doc, (*base, *option))
        if value is not None:
            return value, (*base, *option)
    return None, None


def _get(doc: Any, path: tuple) -> Any:
    node = doc
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _with(body: dict[str, Any], **defaults: Any) -> YamlDict:
    """`body` with keys it leaves out (name, relation) filled in; its lines kept."""
    out = YamlDict()
    out.line = getattr(body, "line", 0)
    out.key_lines = dict(getattr(body, "key_lines", {}))
    out.update({k: v for k, v in defaults.items() if k not in body})
    out.update(body)
    return out


def _yaml(value: Any) -> Any:
    """A manifest value (plain JSON) in the shape of a parsed YAML node (no lines)."""
    if isinstance(value, dict):
        out = YamlDict({k: _yaml(v) for k, v in value.items()})
        out.line, out.key_lines = 0, {}
        return out
    if isinstance(value, list):
        lst = YamlList(_yaml(v) for v in value)
        lst.line, lst.item_lines = 0, [0] * len(lst)
        return lst
    return value
