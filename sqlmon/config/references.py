"""Tests that read other tests (anomaly): resolve `of:` to a unique_id, and select what they read.

DESIGN §5.1: other tests refer to a test by its unique_id or its name. A name resolves inside
the referring test's monitor: the same column first, then the monitor's table-level tests, then
the only test of the monitor with that name; `column.name` is also accepted. Anything else is a
configuration error with file:line and a "did you mean".
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmon.config.project import Monitor
from sqlmon.config.specs import TestSpec
from sqlmon.errors import ConfigError, did_you_mean


def resolve_reference(ref: str, test: TestSpec, ids: Iterable[str]) -> str:
    """The unique_id that `ref` (written in `test`) names among `ids`.

    >>> t = TestSpec(test_type="anomaly", monitor="m", column="x", unique_id="m.x.anomaly")
    >>> ids = ["m._.row_count", "m.x.not_null", "m.y.not_null", "n._.row_count"]
    >>> resolve_reference("not_null", t, ids), resolve_reference("row_count", t, ids)
    ('m.x.not_null', 'm._.row_count')
    >>> resolve_reference("y.not_null", t, ids), resolve_reference("n._.row_count", t, ids)
    ('m.y.not_null', 'n._.row_count')
    """
    ids = list(ids)
    ref = str(ref).strip()
    parts = ref.split(".")
    if len(parts) == 3:
        found = [ref] if ref in ids else []
    elif len(parts) == 2:
        found = [i for i in ids if i == f"{test.monitor}.{ref}"]
    else:
        mine = [i for i in ids if i.startswith(f"{test.monitor}.") and i.split(".", 2)[2] == ref]
        same_column = [i for i in mine if i.split(".")[1] == (test.column or "_")]
        table_level = [i for i in mine if i.split(".")[1] == "_"]
        found = same_column or table_level or mine
    found = [i for i in found if i != test.unique_id]
    if len(found) > 1:
        raise ConfigError(f"`of: {ref}` matches several tests: {', '.join(found)}", location=test.location,
                          hint="write the test's unique_id (monitor.column.name) or `column.name`")
    if not found:
        local = [i for i in ids if i.startswith(f"{test.monitor}.") and i != test.unique_id]
        choices = [*local, *(i.split(".", 2)[2] for i in local), *(i.split(".", 1)[1] for i in local), *ids]
        raise ConfigError(f"`of: {ref}` names no test", location=test.location,
                          hint=did_you_mean(ref, choices) or
                          f"name a test of monitor '{test.monitor}': {', '.join(local) or 'it has none'}")
    return found[0]


def with_references(selection: list[tuple[Monitor, list[TestSpec]]], monitors: list[Monitor],
                    types: dict[str, Any]) -> list[tuple[Monitor, list[TestSpec]]]:
    """The selection plus every test a selected test reads (so `--select type:anomaly` works)."""
    all_ids = [t.unique_id for m in monitors for t in m.tests]
    by_id = {t.unique_id: (m, t) for m in monitors for t in m.tests}
    selected = {t.unique_id for _, tests in selection for t in tests}
    wanted = set(selected)
    for _, tests in selection:
        for t in tests:
            tt = types[t.test_type]
            for ref in tt.references(t.params):
                uid = resolve_reference(ref, t, all_ids)
                if getattr(types[by_id[uid][1].test_type], "phase", 0) >= getattr(tt, "phase", 0):
                    raise ConfigError(f"`of: {ref}` names a {by_id[uid][1].test_type} test, which runs in the same "
                                      f"phase as this {t.test_type} test", location=t.location,
                                      hint="point `of:` at a test that measures something (row_count, not_null, drift, ...)")
                wanted.add(uid)
    if wanted == selected:
        return selection
    out = []
    for m in monitors:
        tests = [t for t in m.tests if t.unique_id in wanted]
        if tests:        # like select_tests: a monitor's gates come along with any of its tests
            tests = [t for t in m.tests if t.unique_id in wanted or getattr(types[t.test_type], "gate", False)]
            out.append((m, tests))
    return out
