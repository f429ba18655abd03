"""A monitor's whole suite: its presets' tests over the relation's columns, with its own tests
added and overriding (README "Standardising many models").

Its own test with the same unique id as a preset's overrides it key by key (thresholds as a pair,
as the defaults cascade does: the preset's body is a level of it, below the monitor's `defaults:`);
`enabled: false` drops it. Two presets giving the same id: the later one's test is taken. Each
test built from a preset names it (`TestSpec.preset`: `name@version`).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmon.config.presets import Planned, plan, refs
from sqlmon.config.project import Monitor, Project, build_test, check_unique_ids
from sqlmon.config.specs import split_entry


def expand(project: Project, monitor: Monitor, columns: list[tuple[str, str]], warnings: list[str]) -> Monitor:
    """`monitor` with its presets' tests over `columns` ((name, kind) of its relation)."""
    spec = monitor.spec
    if spec.preset is None:
        return monitor
    planned: dict[str, Planned] = {}
    for ref in refs(spec.preset, project.presets, monitor.source, monitor.raw, monitor.base, spec.model):
        for p in plan(ref, monitor, columns, project.context, warnings):
            planned[_key(p.entry, p.column)] = p
    own = [(entry, None, (*monitor.base, "tests", j)) for j, entry in enumerate(spec.tests)]
    own += [(entry, col.name, (*at, "tests", j)) for col, at in zip(spec.columns, monitor.column_paths)
            for j, entry in enumerate(col.tests)]
    mine = {_key(entry, column): (entry, column, path) for entry, column, path in own}
    tests = []
    for key, p in planned.items():          # the presets' order; an overridden test keeps its place
        if key in mine:
            entry, column, path = mine.pop(key)
            test = build_test(entry, spec, column, project.spec, project.test_types, monitor.source, monitor.raw,
                              path, preset=split_entry(p.entry, p.written.source)[1])
        else:
            w = p.written
            test = build_test(p.entry, spec, p.column, project.spec, project.test_types, w.source, w.root, w.path)
        tests.append(test.model_copy(update={"preset": p.preset}))
    tests += [t for t in monitor.tests if _key_of(t) in mine]     # its own, not in any preset
    kept = [t for t in tests if t.enabled]
    check_unique_ids(kept)
    return replace(monitor, tests=tuple(kept))


def _key(entry: Any, column: str | None) -> str:
    test_type, body = split_entry(entry, "")
    return f"{(column or '_').lower()}.{body.get('name') or test_type}"


def _key_of(test: Any) -> str:
    return f"{(test.column or '_').lower()}.{test.name or test.test_type}"
