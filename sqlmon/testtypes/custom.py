"""User-defined test types: a project macro `test_<name>(relation, column, ...)`.

It renders either a full SELECT of failing rows (dbt style; metric = how many) or a list of named
aggregates (fused with the built-ins; metric = the one named `metric`, else the first).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlmon.config.vars import RELATION_PLACEHOLDER
from sqlmon.errors import ConfigError
from sqlmon.results import Outcome
from sqlmon.sql import is_select_statement
from sqlmon.testtypes.base import Run, TestContext, TestType

_TEST_MACRO = re.compile(r"{%-?\s*macro\s+test_(\w+)\s*\(([^)]*)\)")


class MacroTest(TestType):
    level = "any"
    error_if = "> 0"          # failing rows (or a `metric` aggregate) above zero fail by default
    macro_name: str = ""
    arguments: tuple[str, ...] = ()

    @classmethod
    def param_names(cls) -> list[str]:
        return sorted(set(cls.arguments) - {"relation", "column"})

    @classmethod
    def validate_params(cls, params, column, monitor, location, source, root, path):  # type: ignore[override]
        allowed = set(cls.arguments) - {"relation", "column"}
        for key in params:
            if key not in allowed:
                from sqlmon.errors import did_you_mean
                raise ConfigError(f"unknown parameter '{key}' for custom test '{cls.name}'", location=location,
                                  hint=did_you_mean(key, allowed) or f"macro {cls.macro_name} takes: {', '.join(sorted(allowed)) or 'nothing'}")
        return _Free(params)

    def run(self, ctx: TestContext) -> Run:
        args: dict[str, Any] = dict(ctx.params.values)
        probe = ctx.macros.render(self.macro_name, ctx.test.location, relation=RELATION_PLACEHOLDER,
                                  column=ctx.macros.quote(ctx.column.name, self.macro_name) if ctx.column else None,
                                  **args)
        if is_select_statement(probe.text):
            rows, = yield [ctx.query("custom_sql", sql=probe.text)]
            n = int(rows[0]["failing_count"] or 0)
            return Outcome(float(n), {"failing_rows": n}, f"{n} failing rows")
        values, = yield [ctx.aggregates(self.macro_name, **args)]
        key = "metric" if "metric" in values else next(iter(values))
        v = values[key]
        details = {k: (float(x) if isinstance(x, (int, float)) else x) for k, x in values.items()}
        if v is None:
            return Outcome(None, details, f"'{key}' is NULL", status="error")
        return Outcome(float(v), details, f"{key} = {float(v):.6g}")


class _Free:
    """Parameters of a custom test: whatever its macro declares."""

    def __init__(self, values: dict[str, Any]):
        self.values = dict(values)

    def model_dump(self) -> dict[str, Any]:
        return dict(self.values)


def discover(macro_dirs: list[Path]) -> dict[str, type[TestType]]:
    """`test_<name>` macros in the project become test types named `<name>`."""
    found: dict[str, type[TestType]] = {}
    for d in macro_dirs:
        for f in sorted(d.rglob("*.sql")):
            for name, arglist in _TEST_MACRO.findall(f.read_text(encoding="utf-8")):
                args = tuple(a.split("=")[0].strip() for a in arglist.split(",") if a.strip())
                found[name] = type(f"Macro_{name}", (MacroTest,), {
                    "name": name, "macro_name": f"test_{name}", "arguments": args,
                    "metric": f"custom: macro test_{name} in {f.name}"})
    return found
