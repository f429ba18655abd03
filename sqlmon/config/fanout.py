"""One monitor definition over many relations (README "Standardising many models"):

```yaml
  - name: "scores_{{ item.name }}"            # a template over the item (never `relation`, which is
    relation: {match: "main.scores_*"}        # the windowed relation in custom SQL)
    preset: binary_classifier                 # or: relation: {in: [main.scores_a, main.scores_b]}
    model: {task: binary_classification, score: score, label: label}
    overrides:                                # per item, by its name: monitor keys replaced
      scores_legacy: {current: {last: 7 days}}
```

Each item is a monitor of its own — name, windows, history, unique ids. `item` in templates has
`name` (the table), `schema`, `database` and `relation` (the name to query). An `in:` list is
expanded when the project loads; a `match:` pattern (a glob over `schema.table`, or over the table
name when it has no dot) needs the warehouse's catalog, so it is expanded once connected, and a
pattern that matches nothing is an error naming it.
"""
from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Callable

from sqlmon.config.specs import MonitorSpec, ProjectSpec, validate
from sqlmon.config.vars import render_value
from sqlmon.config.yamlio import YamlDict, location_of
from sqlmon.errors import ConfigError, did_you_mean

FORMS = ("match", "in")


@dataclass(frozen=True)
class Template:
    """A monitor entry whose `relation:` names many relations, kept as written."""

    entry: Any
    source: str
    raw: Any                 # the parsed file
    base: tuple              # the entry's path in it
    file: str                # relative to the project (path: selectors)

    @property
    def pattern(self) -> str | None:
        return self.entry["relation"].get("match")


def is_template(entry: Any) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("relation"), dict)


def check(t: Template) -> None:
    """The shape of a fan-out entry, at load: one of match/in, overrides by item name."""
    spec, where = t.entry["relation"], location_of(t.source, t.raw, (*t.base, "relation"))
    keys = set(spec)
    if len(keys) != 1 or not keys <= set(FORMS):
        extra = sorted(keys - set(FORMS))
        raise ConfigError("`relation:` as a mapping takes exactly one of `match:` (a pattern over the warehouse's "
                          "catalog) or `in:` (a list of relations)" + (f", not '{extra[0]}'" if extra else ""),
                          location=where, hint=(did_you_mean(extra[0], FORMS) if extra else None)
                          or "e.g. `relation: {match: \"main.scores_*\"}` or `relation: {in: [main.a, main.b]}`")
    value = spec.get("match", spec.get("in"))
    if "match" in spec and not (isinstance(value, str) and value.strip()):
        raise ConfigError("`relation: {match: ...}` takes a pattern", location=where, hint='e.g. match: "main.scores_*"')
    if "in" in spec and not (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
        raise ConfigError("`relation: {in: ...}` takes a list of relation names", location=where,
                          hint="e.g. in: [main.scores_a, main.scores_b]")
    overrides = t.entry.get("overrides", {})
    if not isinstance(overrides, dict) or not all(isinstance(v, dict) for v in overrides.values()):
        raise ConfigError("`overrides:` maps an item's name to the monitor keys it replaces",
                          location=location_of(t.source, t.raw, (*t.base, "overrides")),
                          hint="e.g. overrides: {scores_legacy: {current: {last: 7 days}}}")


def item_of(relation: str) -> dict[str, Any]:
    """`db.schema.table` -> the `item` a template sees."""
    parts = [p.strip('"`') for p in relation.split(".")]
    return {"relation": relation, "name": parts[-1], "schema": parts[-2] if len(parts) > 1 else None,
            "database": parts[-3] if len(parts) > 2 else None}


def listed(t: Template) -> list[dict[str, Any]] | None:
    """The items of an `in:` list (None for a `match:` pattern)."""
    names = t.entry["relation"].get("in")
    return [item_of(n) for n in names] if names is not None else None


def matching(t: Template, catalog: list[tuple[str | None, str]]) -> list[dict[str, Any]]:
    """The catalog's relations ((schema, table) pairs) the pattern matches, in name order."""
    pattern = t.pattern.strip().lower()
    found = []
    for schema, name in sorted(catalog, key=lambda p: (p[0] or "", p[1])):
        text = f"{schema}.{name}" if "." in pattern and schema else name
        if fnmatchcase(text.lower(), pattern):
            found.append(item_of(f"{schema}.{name}" if schema else name))
    if not found:
        seen = ", ".join(f"{s}.{n}" if s else n for s, n in catalog[:12]) + (" ..." if len(catalog) > 12 else "")
        raise ConfigError(f"`relation: {{match: \"{t.pattern}\"}}` matches no relation in the warehouse",
                          location=location_of(t.source, t.raw, (*t.base, "relation", "match")),
                          hint=f"relations there: {seen or 'none'}")
    return found


def instantiate(t: Template, items: list[dict[str, Any]], context: dict[str, Any], project: ProjectSpec,
                test_types: dict[str, Any], build_monitor: Callable[..., Any]) -> list[Any]:
    """A monitor per item: the entry with the item's overrides, `item` in its templates."""
    overrides = t.entry.get("overrides") or {}
    names = {i["name"] for i in items}
    for name in overrides:
        if name not in names:
            raise ConfigError(f"`overrides:` for '{name}', which is not an item of this monitor",
                              location=location_of(t.source, t.raw, (*t.base, "overrides", name)),
                              hint=did_you_mean(str(name), names) or f"items: {', '.join(sorted(names))}")
    out = []
    for item in items:
        entry = YamlDict({k: v for k, v in t.entry.items() if k not in ("relation", "overrides")})
        entry.line, entry.key_lines = t.entry.line, dict(t.entry.key_lines)
        entry.update(overrides.get(item["name"], {}))
        entry["relation"] = item["relation"]
        rendered = render_value(entry, {**context, "item": item}, t.source, t.raw, t.base)
        mon = validate(MonitorSpec, rendered, t.source, t.raw, t.base)
        out.append(build_monitor(mon, t.source, t.raw, t.base, project, test_types, t.file))
    return out
