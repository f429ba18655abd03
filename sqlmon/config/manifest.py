"""`ref()` and `source()` answered from dbt's `manifest.json`, as dbt resolves them: the node's
real relation (database, schema, alias or identifier — custom schemas, aliases, versions), written
in the project's SQL dialect. Read as JSON when first needed; dbt is never imported.

Every refusal (no manifest, a schema version sqlmon does not know, a missing, disabled or
ephemeral node, an ambiguous name) is raised as `Refusal(what, fix)`, which the renderer reports at
the YAML line or macro that called it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from sqlmon.config.vars import Refusal
from sqlmon.errors import did_you_mean

# Manifest schema versions whose node fields sqlmon reads (dbt 1.5 .. 1.11): `relation_name`,
# `database`/`schema`/`alias`, `version`/`latest_version`, `disabled`.
KNOWN_VERSIONS = range(9, 13)
REFABLE = ("model", "seed", "snapshot")
_VERSION = re.compile(r"/manifest/v(\d+)\.json$")
# dbt adapter type -> sqlglot dialect its relation_name is quoted in (same name unless listed)
_ADAPTER_DIALECT = {"databricks": "databricks", "spark": "spark", "sqlserver": "tsql", "fabric": "tsql"}
PARSE_HINT = "run `dbt parse` (or `dbt build`) in the dbt project first, then sqlmon"


class Manifest:
    """The nodes of one manifest.json, indexed by the names `ref()`/`source()` take."""

    def __init__(self, path: Path, root_package: str, dialect: str):
        self.path, self.root_package, self.dialect = path, root_package, dialect
        self._doc: dict[str, Any] | None = None
        self._by_name: dict[Any, list[dict[str, Any]]] = {}
        self.resolved: dict[str, str] = {}      # relation text ref()/source() gave -> the node's unique_id

    # --- the functions templates call ------------------------------------------------------
    def ref(self, *args: Any, v: Any = None, version: Any = None) -> str:
        """`ref('m')`, `ref('pkg', 'm')`, `ref('m', v=2)` (no version: the node's latest_version)."""
        if not 1 <= len(args) <= 2 or not all(isinstance(a, str) for a in args):
            raise Refusal(f"ref() takes a model name and optionally its package first, got {len(args)} argument(s)",
                          "write ref('model'), ref('package', 'model') or ref('model', v=2)")
        package, name = (None, args[0]) if len(args) == 1 else args
        wanted = v if v is not None else version
        call = f"ref({', '.join(repr(a) for a in args)}{f', v={wanted!r}' if wanted is not None else ''})"
        nodes = self._named(name, package)
        if not nodes:
            raise self._missing(call, name, package)
        node = self._pick_version(call, nodes, wanted)
        return self._relation(call, node)

    def source(self, source_name: Any, table_name: Any) -> str:
        if not isinstance(source_name, str) or not isinstance(table_name, str):
            raise Refusal("source() takes the source's name and the table's name", "write source('raw', 'flights')")
        call = f"source({source_name!r}, {table_name!r})"
        doc = self.load()
        found = [n for n in doc["sources"].values() if n.get("source_name") == source_name and n.get("name") == table_name]
        if not found:
            if any(n.get("source_name") == source_name and n.get("name") == table_name
                   for n in self._disabled() if n.get("resource_type") == "source"):
                raise Refusal(f"{call}: that source table is disabled in the dbt project ({self.path})",
                              "enable it in the sources' YAML, or remove the monitor")
            known = sorted({f"{n.get('source_name')}.{n.get('name')}" for n in doc["sources"].values()})
            close = did_you_mean(f"{source_name}.{table_name}", known)
            raise Refusal(f"{call} is not in the dbt manifest {self.path}",
                          (close.replace("did you mean", "did you mean the source") if close else
                           f"sources there: {', '.join(known[:10]) or 'none'}") + f"; after changing the sources, {PARSE_HINT}")
        return self._relation(call, found[0])

    def describe(self) -> str:
        """For `sqlmon debug`: the manifest and what it holds, or why it cannot be read."""
        try:
            doc = self.load()
        except Refusal as err:
            return f"{err.args[0]} ({err.args[1]})"
        nodes = sum(n.get("resource_type") in REFABLE for n in doc["nodes"].values())
        version = _VERSION.search(doc["metadata"]["dbt_schema_version"]).group(1)
        return (f"{self.path} (schema v{version}, dbt {doc['metadata'].get('dbt_version', '?')}, "
                f"{nodes} models/seeds/snapshots, {len(doc['sources'])} sources)")

    def guardable(self, package: str) -> list[dict[str, Any]]:
        """The nodes of `package` a monitor may guard by name: models, seeds and snapshots, a
        versioned model by the version `ref()` without `v` resolves to."""
        out, seen = [], set()
        for n in self.load()["nodes"].values():
            if n.get("resource_type") not in REFABLE or n.get("package_name") != package or n.get("name") in seen:
                continue
            seen.add(n.get("name"))
            out.append(self._pick_version(f"ref('{n.get('name')}')", self._named(str(n.get("name")), package), None))
        return out

    def tests_of(self, package: str) -> list[dict[str, Any]]:
        """The generic data tests of `package` attached to a node (dbt's `data_tests:`)."""
        return [n for n in self.load()["nodes"].values() if n.get("resource_type") == "test"
                and n.get("package_name") == package and n.get("test_metadata") and n.get("attached_node")]

    def relation_of(self, node: dict[str, Any]) -> str:
        return self._relation(f"{node.get('resource_type')} '{node.get('name')}'", node)

    # --- lookup ----------------------------------------------------------------------------
    def _named(self, name: str, package: str | None) -> list[dict[str, Any]]:
        """Refable nodes called `name`: in `package`, or (dbt's rule) the root project's first,
        then any package's."""
        self.load()
        nodes = self._by_name.get(name, [])
        if package is not None:
            return [n for n in nodes if n.get("package_name") == package]
        own = [n for n in nodes if n.get("package_name") == self.root_package]
        if own:
            return own
        packages = sorted({n.get("package_name") for n in nodes})
        if len(packages) > 1:
            raise Refusal(f"ref('{name}') is ambiguous: packages {', '.join(map(str, packages))} each have it",
                          f"name the package: ref('{packages[0]}', '{name}')")
        return nodes

    def _pick_version(self, call: str, nodes: list[dict[str, Any]], wanted: Any) -> dict[str, Any]:
        versioned = [n for n in nodes if n.get("version") is not None]
        if not versioned:
            if wanted is not None:
                raise Refusal(f"{call}: the model has no versions", "drop the `v=` argument")
            return nodes[0]
        if wanted is None:
            latest = versioned[0].get("latest_version")
            if latest is None:              # dbt: the highest version when latest_version is not set
                return max(versioned, key=lambda n: _version_key(n["version"]))
            wanted = latest
        for n in versioned:
            if str(n["version"]) == str(wanted):
                return n
        have = ", ".join(str(n["version"]) for n in sorted(versioned, key=lambda n: _version_key(n["version"])))
        raise Refusal(f"{call}: no version {wanted} in the dbt manifest (versions: {have})",
                      f"use one of the versions, and {PARSE_HINT} after adding one")

    def _missing(self, call: str, name: str, package: str | None) -> Refusal:
        for n in self._disabled():
            if n.get("resource_type") in REFABLE and n.get("name") == name and package in (None, n.get("package_name")):
                return Refusal(f"{call}: that {n.get('resource_type')} is disabled in the dbt project "
                               f"({n.get('original_file_path', '?')}: enabled=false)",
                               "enable it in dbt, or remove the monitor (disable it with `enabled: false`)")
        names = sorted({n.get("name") for n in self.load()["nodes"].values() if n.get("resource_type") in REFABLE})
        where = f" in package '{package}'" if package else ""
        return Refusal(f"{call}: no model, seed or snapshot '{name}'{where} in the dbt manifest {self.path}",
                       (did_you_mean(name, names) or "check the name") + f"; after adding a model, {PARSE_HINT}")

    def _relation(self, call: str, node: dict[str, Any]) -> str:
        """The node's relation in the project's dialect, from dbt's own `relation_name` (its
        quoting policy kept) or, in manifests without one, from database/schema/alias."""
        if node.get("config", {}).get("materialized") == "ephemeral":
            raise Refusal(f"{call} is ephemeral: dbt inlines it as a CTE, so it has no relation in the warehouse",
                          "monitor the models built from it, or materialize it as a view or table")
        text = node.get("relation_name")
        table = None
        if isinstance(text, str) and text:
            read = _ADAPTER_DIALECT.get(str(self.load()["metadata"].get("adapter_type")),
                                        self.load()["metadata"].get("adapter_type"))
            try:
                table = sqlglot.parse_one(text, into=exp.Table, read=read)
            except Exception:  # noqa: BLE001 - a dialect sqlglot lacks, or a name it cannot read: use the parts
                table = None
        if not isinstance(table, exp.Table):
            parts = [node.get("database"), node.get("schema"), node.get("alias") or node.get("identifier")
                     or node.get("name")]
            if not isinstance(parts[2], str) or not all(p is None or isinstance(p, str) for p in parts):
                raise Refusal(f"{call}: the manifest gives this node no relation name", PARSE_HINT)
            table = exp.table_(parts[2], parts[1], parts[0], quoted=True)
        text = table.sql(self.dialect)
        self.resolved[text] = str(node.get("unique_id"))
        return text

    # --- the graph (lineage selection) ------------------------------------------------------
    def node(self, unique_id: str) -> dict[str, Any]:
        doc = self.load()
        return doc["nodes"].get(unique_id) or doc["sources"].get(unique_id) or {}

    def owner_of(self, unique_id: str) -> str | None:
        """The node's `meta.owner`, else its dbt group's owner (name, else email)."""
        n = self.node(unique_id)
        for meta in ((n.get("config") or {}).get("meta"), n.get("meta")):
            if isinstance(meta, dict) and meta.get("owner"):
                return str(meta["owner"])
        group = n.get("group") or (n.get("config") or {}).get("group")
        groups = self.load().get("groups") or {}
        found = groups.get(f"group.{n.get('package_name')}.{group}") if group else None
        owner = found.get("owner") if isinstance(found, dict) else None
        if isinstance(owner, dict) and (owner.get("name") or owner.get("email")):
            return str(owner.get("name") or owner.get("email"))
        return None

    def all_nodes(self) -> list[str]:
        doc = self.load()
        return [*doc["nodes"], *doc["sources"]]

    def node_names(self, unique_id: str) -> list[str]:
        """What a `node:` selector matches for this node: its name (a source's `source.table`,
        also `source:source.table` as dbt writes it) and its unique id."""
        n = self.node(unique_id)
        if n.get("resource_type") == "source":
            name = f"{n.get('source_name')}.{n.get('name')}"
            return [name, f"source:{name}", unique_id]
        return [str(n.get("name")), unique_id]

    def lineage(self, start: set[str], up: int | None, down: int | None) -> set[str]:
        """`start` with its ancestors `up` generations deep and its descendants `down` deep
        (None: all, 0: none), over dbt's parent_map/child_map — dbt's `N+x+M`."""
        doc = self.load()
        out = set(start)
        for depth, edges in ((up, doc.get("parent_map", {})), (down, doc.get("child_map", {}))):
            frontier, level = set(start), 0
            while frontier and (depth is None or level < depth):
                frontier = {m for n in frontier for m in edges.get(n, ()) if m not in out}
                out |= frontier
                level += 1
        return out

    # --- the file --------------------------------------------------------------------------
    def _disabled(self) -> list[dict[str, Any]]:
        return [n for group in self.load().get("disabled", {}).values() if isinstance(group, list)
                for n in group if isinstance(n, dict)]

    def load(self) -> dict[str, Any]:
        if self._doc is not None:
            return self._doc
        try:
            with open(self.path, "rb") as f:
                doc = json.load(f)
        except FileNotFoundError:
            raise Refusal(f"no dbt manifest at {self.path}", PARSE_HINT) from None
        except OSError as err:
            raise Refusal(f"cannot read the dbt manifest {self.path}: {err.strerror or err}",
                          "check the file's permissions, or " + PARSE_HINT) from None
        except (ValueError, RecursionError):
            raise Refusal(f"the dbt manifest {self.path} is not valid JSON (cut short or damaged?)", PARSE_HINT) from None
        meta = doc.get("metadata") if isinstance(doc, dict) else None
        schema = meta.get("dbt_schema_version") if isinstance(meta, dict) else None
        m = _VERSION.search(schema) if isinstance(schema, str) else None
        if m is None or not isinstance(doc.get("nodes"), dict) or not isinstance(doc.get("sources"), dict):
            raise Refusal(f"{self.path} is not a dbt manifest (no metadata.dbt_schema_version, nodes and sources)",
                          "point `dbt: {manifest: ...}` at dbt's target/manifest.json, or " + PARSE_HINT)
        if int(m.group(1)) not in KNOWN_VERSIONS:
            raise Refusal(f"the dbt manifest {self.path} has schema v{m.group(1)}, which sqlmon does not know "
                          f"(it reads v{KNOWN_VERSIONS[0]}..v{KNOWN_VERSIONS[-1]}: dbt 1.5 to 1.11)",
                          "build it with a dbt version sqlmon supports, or upgrade sqlmon")
        # refable nodes by name: every ref() and every model's monitor looks a name up (a manifest
        # of 5,000 models took 3.5 s to scan name by name)
        self._by_name = {}
        for n in doc["nodes"].values():
            if isinstance(n, dict) and n.get("resource_type") in REFABLE:
                self._by_name.setdefault(n.get("name"), []).append(n)
        self._doc = doc
        return doc


def _version_key(version: Any) -> tuple:
    """dbt orders numeric versions as numbers, others as text."""
    text = str(version)
    return (0, float(text), "") if re.fullmatch(r"\d+(\.\d+)?", text) else (1, 0.0, text)
