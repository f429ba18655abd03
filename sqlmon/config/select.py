"""`--select` / `--exclude`: monitor names, `tag:`, `type:`, `column:`, `monitor:`, unique ids; globs.

Availability gates (row_count, freshness, schema) of a monitor with any selected test always run:
they decide whether the other tests are worth judging.
"""
from __future__ import annotations

from fnmatch import fnmatchcase

from sqlmon.config.project import Monitor
from sqlmon.config.specs import TestSpec
from sqlmon.errors import ConfigError

METHODS = ("tag", "type", "column", "monitor", "id")


def matches(selector: str, monitor: Monitor, test: TestSpec) -> bool:
    method, _, pattern = selector.partition(":") if ":" in selector else ("", "", selector)
    if method and method not in METHODS:
        raise ConfigError(f"unknown selector method '{method}:' in '{selector}'",
                          hint=f"use one of {', '.join(m + ':' for m in METHODS)} or a monitor name / glob")
    m = lambda value: value is not None and fnmatchcase(str(value), pattern)  # noqa: E731
    if method == "tag":
        return any(m(t) for t in [*monitor.spec.tags, *test.tags])
    if method == "type":
        return m(test.test_type)
    if method == "column":
        return m(test.column)
    if method == "monitor":
        return m(monitor.name)
    if method == "id":
        return m(test.unique_id)
    return m(monitor.name) or m(test.unique_id) or m(test.name)


def _split(selectors: tuple[str, ...] | list[str] | None) -> list[str]:
    return [part for s in (selectors or ()) for part in s.replace(",", " ").split()]


def select_tests(monitors: list[Monitor], select: tuple[str, ...] | list[str] | None = None,
                 exclude: tuple[str, ...] | list[str] | None = None, gates: tuple[str, ...] = ()) -> list[tuple[Monitor, list[TestSpec]]]:
    sel, exc = _split(select), _split(exclude)
    out = []
    for mon in monitors:
        if not mon.spec.enabled:
            continue
        # by unique id, in one pass each: comparing specs (pydantic __eq__) per pair was quadratic
        chosen = {t.unique_id for t in mon.tests
                  if (not sel or any(matches(s, mon, t) for s in sel)) and not any(matches(s, mon, t) for s in exc)}
        if chosen:      # a monitor's gates come along with any of its tests
            out.append((mon, [t for t in mon.tests if t.unique_id in chosen or t.test_type in gates]))
    return out
