"""dbt's own `data_tests:` imported as sqlmon tests (opt-in: `dbt: {import_tests: true}`; README
"With dbt"): a model's tests then run with windows, thresholds and history like any monitor's.

dbt's `not_null`, `unique`, `accepted_values` and `relationships` become sqlmon's built-ins of the
same name (sqlmon measures the share of failing rows; its default `error_if: "> 0"` fails on any,
as dbt does); a project's generic test (`{% test x %}`) becomes its sqlmon test type. The test's
`severity: warn` and `where:` come along. A package's test (`dbt_utils.…`) or a dbt `config` sqlmon
cannot honour (`warn_if`/`error_if` on a count, `fail_calc`, `limit`) is not imported and said as a
warning naming it. Each test is placed on the monitor of its model (the one in the model's YAML,
or a new one named after the model) and located at its line in the YAML dbt read it from.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from sqlmon.config.dbt import DbtProject
from sqlmon.config.manifest import Manifest
from sqlmon.config.specs import MonitorSpec, ProjectSpec, validate
from sqlmon.config.vars import Refusal
from sqlmon.config.yamlio import load_yaml
from sqlmon.errors import ConfigError

BUILT_INS = ("not_null", "unique", "accepted_values", "relationships")
# dbt's defaults for a test's config: anything else changes what the test means
_NEUTRAL = {"warn_if": "!= 0", "error_if": "!= 0", "fail_calc": "count(*)", "limit": None}
_REF = re.compile(r"^\s*(ref|source)\((.*)\)\s*$")


def import_tests(manifest: Manifest, dbt: DbtProject, spec: ProjectSpec, test_types: dict[str, Any],
                 monitors: list[Any], root: Path, build_monitor: Callable[..., Any], build_test: Callable[..., Any],
                 warnings: list[str]) -> list[Any]:
    """`monitors` with the root project's dbt tests added to the monitors of their models."""
    by_relation = {m.spec.relation: i for i, m in enumerate(monitors)}
    out = list(monitors)
    taken: dict[tuple, int] = {}
    for test in manifest.tests_of(dbt.name):
        node = manifest.node(str(test.get("attached_node")))
        meta = test.get("test_metadata") or {}
        name, kwargs, config = str(meta.get("name")), dict(meta.get("kwargs") or {}), test.get("config") or {}
        label = f"{meta.get('namespace') + '.' if meta.get('namespace') else ''}{name} on {node.get('name')}"
        why = _refusal(meta, name, config, test_types)
        if why is not None:
            warnings.append(f"{dbt.root / str(test.get('original_file_path', ''))}: dbt test {label} is not imported: {why}")
            continue
        try:
            relation = manifest.relation_of(node)
            entry = _entry(name, kwargs, config, manifest)
        except Refusal as err:
            warnings.append(f"dbt test {label} is not imported: {err.args[0]}")
            continue
        source, doc, path = _written(test, node, name, dbt)
        column = test.get("column_name")
        if relation not in by_relation:
            mon = validate(MonitorSpec, {"name": node.get("name"), "relation": relation}, source)
            out.append(build_monitor(mon, source, doc, path[:2] if path else (), spec, test_types,
                                     str(test.get("original_file_path", ""))))
            by_relation[relation] = len(out) - 1
        i = by_relation[relation]
        key = (i, column, name)
        taken[key] = taken.get(key, 0) + 1
        if taken[key] > 1:                   # two accepted_values on one column: distinct ids
            entry = {name: {**entry[name], "name": f"{name}_{taken[key]}"}}
        built = build_test(entry, out[i].spec, column, spec, test_types, source, doc, path or ())
        out[i] = replace(out[i], tests=(*out[i].tests, built.model_copy(update={"meta": {**built.meta, "dbt_test": test.get("unique_id")}})))
    return out


def _refusal(meta: dict[str, Any], name: str, config: dict[str, Any], test_types: dict[str, Any]) -> str | None:
    if meta.get("namespace"):
        return f"it is package {meta['namespace']}'s, whose macros sqlmon does not have"
    if name not in BUILT_INS and name not in test_types:
        return "no sqlmon test type has its name (a generic test from a package?)"
    changed = [k for k, default in _NEUTRAL.items() if config.get(k) is not None
               and str(config[k]).replace(" ", "").lower() != str(default).replace(" ", "").lower()]
    if changed:
        return (f"its config {', '.join(changed)} counts failing rows dbt's way, which sqlmon's shares do not; "
                "write the test as a sqlmon test instead")
    return None


def _entry(name: str, kwargs: dict[str, Any], config: dict[str, Any], manifest: Manifest) -> dict[str, Any]:
    body = {k: v for k, v in kwargs.items() if k not in ("model", "column_name")}
    if name == "accepted_values":
        body = {"values": kwargs.get("values")}            # `quote:` has no meaning here: values are typed
    elif name == "relationships":
        body = {"to": _resolved(str(kwargs.get("to", "")), manifest), "field": kwargs.get("field")}
    elif name in ("not_null", "unique"):
        body = {}
    if config.get("severity") and str(config["severity"]).lower() == "warn":
        body["severity"] = "warn"
    if config.get("where"):
        body["where"] = config["where"]
    return {name: body}


def _resolved(text: str, manifest: Manifest) -> str:
    """`ref('x')` / `source('a', 'b')` as dbt writes a relationships test's `to:`."""
    m = _REF.match(text)
    if m is None:
        return text
    args = [a.strip().strip("'\"") for a in m.group(2).split(",") if a.strip()]
    return manifest.ref(*args) if m.group(1) == "ref" else manifest.source(*args)


def _written(test: dict[str, Any], node: dict[str, Any], name: str, dbt: DbtProject) -> tuple[str, Any, tuple | None]:
    """The YAML file the test is declared in, parsed, and the path of its list item."""
    path = dbt.root / str(test.get("original_file_path", ""))
    try:
        doc = load_yaml(path, str(path))
    except ConfigError:
        return str(path), None, None
    section, _, model = str(test.get("file_key_name", "")).partition(".")
    entries = doc.get(section) if isinstance(doc, dict) else None
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict) or entry.get("name") != model:
            continue
        holders = [((section, i), entry)]
        column = test.get("column_name")
        for j, col in enumerate(entry.get("columns") or []):
            if isinstance(col, dict) and col.get("name") == column:
                holders = [((section, i, "columns", j), col)]
        for base, holder in holders:
            for key in ("data_tests", "tests"):
                items = holder.get(key)
                for k, item in enumerate(items if isinstance(items, list) else []):
                    written = item if isinstance(item, str) else next(iter(item), None) if isinstance(item, dict) else None
                    if isinstance(written, str) and written.split(".")[-1] == name:
                        return str(path), doc, (*base, key, k)
        return str(path), doc, (section, i)
    return str(path), doc, None
