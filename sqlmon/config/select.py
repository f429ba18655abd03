"""`--select` / `--exclude`: which tests a command takes, in dbt's grammar.

* a selector is `method:value` or a bare value; values are globs (`column:tenure*`);
* methods: `path:` (monitor files or folders, relative to the project), `tag:` (monitor and test
  tags, and the dbt tags of the node the monitor guards), `type:` (test type), `column:`,
  `monitor:`, `id:` (unique id), `node:` (the dbt node a monitor guards: a model's name, a
  source's `source.table`, or a unique id), `tier:` (the test's risk tier once cascaded:
  `tier:critical`); a bare value matches a monitor name, a unique id or a test name;
* dbt's graph operators on `node:`: `node:x+` (x and everything downstream of it), `+node:x`
  (upstream), `2+node:x+1` (depth-limited), over the manifest's lineage; on another method they
  are refused, not ignored;
* space (or the option repeated) is a union, comma an intersection: `tag:tier1,type:drift`.

Nothing is ever dropped: a selector (or a term of an intersection) that matches nothing is an
error naming it, with a "did you mean" over the names it could mean, for `--exclude` too.
Availability gates (row_count, freshness, schema) of a monitor with any selected test always run:
they decide whether the other tests are worth judging. Linear in the number of tests.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sqlmon.config.manifest import Manifest
from sqlmon.config.project import Monitor
from sqlmon.config.specs import TestSpec
from sqlmon.errors import ConfigError, did_you_mean

METHODS = ("path", "tag", "type", "column", "monitor", "id", "node", "tier")
_GRAPH = re.compile(r"^(?:(\d*)\+)?(.*?)(?:\+(\d*))?$")


@dataclass(frozen=True)
class Atom:
    """One `method:value` of a selector."""

    method: str            # "" for a bare value
    pattern: str
    text: str
    up: int | None = 0     # node: generations upstream (None: all), dbt's `N+`
    down: int | None = 0   # node: generations downstream, dbt's `+N`


def parse_selectors(values: Sequence[str] | None, option: str) -> list[list[Atom]]:
    """CLI values -> a union of intersections (each a list of atoms)."""
    terms = []
    for value in values or ():
        for term in str(value).split():
            atoms = []
            for text in term.split(","):
                if not text:
                    raise ConfigError(f"empty selector in {option} '{term}'", location=option,
                                      hint="a comma joins two selectors: tag:tier1,type:drift")
                original = text
                ups, body, downs = _GRAPH.fullmatch(text).groups()
                graph = ups is not None or downs is not None
                if graph and not body.startswith("node:"):
                    raise ConfigError(f"graph operators apply to dbt nodes: {option} '{text}'", location=option,
                                      hint="`+` follows dbt lineage: write node:NAME+ (the monitors of a dbt node and "
                                           "of everything downstream of it) or +node:NAME (upstream), or drop the +")
                up = None if ups == "" else int(ups) if ups else 0
                down = None if downs == "" else int(downs) if downs else 0
                text = body if graph else text
                method, sep, pattern = text.partition(":")
                if not sep:
                    method, pattern = "", text
                elif method not in METHODS:
                    raise ConfigError(f"unknown selector method '{method}:' in {option} '{text}'", location=option,
                                      hint=did_you_mean(method, METHODS) or f"use one of {', '.join(m + ':' for m in METHODS)}"
                                      " or a monitor name / glob")
                if not pattern:
                    raise ConfigError(f"{option} '{text}' has no value", location=option, hint=f"e.g. {method}:name")
                atoms.append(Atom(method, pattern.rstrip("/") if method == "path" else pattern, original, up, down))
            terms.append(atoms)
    return terms


def _values(atom: Atom, monitor: Monitor, test: TestSpec, dbt: Manifest | None) -> list[str]:
    """What `atom` compares its pattern with, for this test."""
    if atom.method == "tag":
        node_tags = dbt.node(monitor.node).get("tags", []) if dbt is not None and monitor.node else []
        return [*monitor.spec.tags, *test.tags, *map(str, node_tags)]
    if atom.method == "type":
        return [test.test_type]
    if atom.method == "column":
        return [test.column] if test.column else []
    if atom.method == "monitor":
        return [monitor.name]
    if atom.method == "id":
        return [test.unique_id]
    if atom.method == "path":
        return [monitor.file]
    if atom.method == "tier":
        return [test.tier] if test.tier else []
    if atom.method == "node":
        return dbt.node_names(monitor.node) if dbt is not None and monitor.node else []
    return [monitor.name, test.unique_id, *([test.name] if test.name else [])]


def _matches(atom: Atom, value: str) -> bool:
    if atom.method == "path":          # a file, a glob, or a folder and everything below it
        return fnmatchcase(value, atom.pattern) or value.startswith(atom.pattern + "/")
    return fnmatchcase(value, atom.pattern)


def _matched(atom: Atom, pairs: list[tuple[Monitor, TestSpec]], dbt: Manifest | None) -> set[str]:
    if atom.method == "node":
        nodes = _lineage(atom, dbt)
        return {t.unique_id for m, t in pairs if m.node in nodes}
    return {t.unique_id for m, t in pairs if any(_matches(atom, v) for v in _values(atom, m, t, dbt))}


def _lineage(atom: Atom, dbt: Manifest | None) -> set[str]:
    """The dbt nodes a `node:` atom names (any node of the manifest, guarded or not), with the
    lineage its operators ask for."""
    if dbt is None:
        raise ConfigError(f"'{atom.text}' selects by dbt node, and this project is not in a dbt project",
                          hint="use node: in a sqlmon project inside a dbt project (README \"With dbt\")")
    named = {uid for uid in dbt.all_nodes() if any(fnmatchcase(v, atom.pattern) for v in dbt.node_names(uid))}
    return dbt.lineage(named, atom.up, atom.down)


def _unmatched(term: list[Atom], sets: list[set[str]], pairs: list[tuple[Monitor, TestSpec]], option: str,
               dbt: Manifest | None) -> ConfigError:
    """The error for a term that selects nothing: the atom that matched nothing (with what it
    could have meant), or the intersection itself."""
    for atom, found in zip(term, sets):
        if not found:
            if atom.method == "node" and _lineage(atom, dbt):
                return ConfigError(f"{option} '{atom.text}' matches no test: no monitor guards that dbt node "
                                   "(or its lineage)", location=option,
                                   hint="monitor it with relation: \"{{ ref('...') }}\", or widen the selector "
                                        "(node:x+ takes what is downstream)")
            names = sorted({v for m, t in pairs for v in _values(atom, m, t, dbt)})
            if atom.method == "node" and dbt is not None:
                names = sorted({n for uid in dbt.all_nodes() for n in dbt.node_names(uid)[:1]})
            hint = did_you_mean(atom.pattern, names)
            return ConfigError(f"{option} '{atom.text}' matches no test", location=option,
                               hint=(f"{atom.method}:{hint.removeprefix('did you mean ')}" if hint and atom.method
                                     else hint) or _known(atom.method, names))
    joined = ",".join(a.text for a in term)
    return ConfigError(f"{option} '{joined}' matches no test: no test has all of {', '.join(a.text for a in term)}",
                       location=option, hint="a comma is an intersection; use a space for either one")


def _known(method: str, names: Iterable[str]) -> str:
    names = list(names)
    what = {"": "monitors and tests", "tag": "tags", "type": "test types", "column": "columns",
            "monitor": "monitors", "id": "test ids", "path": "monitor files", "node": "dbt nodes",
            "tier": "tiers in use"}[method]
    shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
    return f"{what} here: {shown}" if names else f"this project has no {what}"


def select_tests(monitors: list[Monitor], select: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
                 gates: tuple[str, ...] = (), dbt: Manifest | None = None) -> list[tuple[Monitor, list[TestSpec]]]:
    """The selected tests by monitor; `dbt`: the manifest `node:` and dbt tags are read from."""
    pairs = [(m, t) for m in monitors if m.spec.enabled for t in m.tests]
    chosen = {t.unique_id for _, t in pairs}
    for option, values, keep in (("--select", select, True), ("--exclude", exclude, False)):
        terms = parse_selectors(values, option)
        if not terms:
            continue
        union: set[str] = set()
        for term in terms:
            sets = [_matched(atom, pairs, dbt) for atom in term]
            found = set.intersection(*sets)
            if not found:
                raise _unmatched(term, sets, pairs, option, dbt)
            union |= found
        chosen = chosen & union if keep else chosen - union
    out = []
    for mon in monitors:
        if not mon.spec.enabled:
            continue
        if any(t.unique_id in chosen for t in mon.tests):     # a monitor's gates come along
            out.append((mon, [t for t in mon.tests if t.unique_id in chosen or t.test_type in gates]))
    return out
