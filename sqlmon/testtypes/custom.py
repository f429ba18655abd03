"""User-defined test types: a project macro `test_<name>(relation, column, ...)`, or a dbt generic
test `{% test <name>(model, column_name, ...) %}` (sqlmon.macro_source), which gets the windowed
relation as `model` and the column as `column_name`.

It renders either a full SELECT of failing rows (dbt style; metric = how many) or a list of named
aggregates (fused with the built-ins; metric = the one named `metric`, else the first). A macro
that uses what sqlmon's macros do not have (dbt's runtime: `adapter`, `config()`, `dbt_utils`) is
refused where a monitor uses it, naming what is missing; it costs nothing otherwise.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from sqlmon.config.vars import RELATION_PLACEHOLDER
from sqlmon.errors import ConfigError
from sqlmon.macro_source import dbt_test_names, dbt_tests_as_macros, macro_names, needs
from sqlmon.resources import macros_dir
from sqlmon.results import Outcome
from sqlmon.sql import is_select_statement
from sqlmon.templating import environment
from sqlmon.testtypes.base import Run, TestContext, TestType

_TEST_MACRO = re.compile(r"{%-?\s*macro\s+test_(\w+)\s*\(([^)]*)\)")
_BOUND = {"relation", "column", "model", "column_name"}      # given by sqlmon, not by the YAML


class MacroTest(TestType):
    level = "any"
    error_if = "> 0"          # failing rows (or a `metric` aggregate) above zero fail by default
    macro_name: str = ""
    arguments: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()    # names the macro uses that sqlmon's macros lack
    defined_at: str = ""             # file of the macro

    @classmethod
    def param_names(cls) -> list[str]:
        return sorted(set(cls.arguments) - _BOUND)

    @classmethod
    def validate_params(cls, params, column, monitor, location, source, root, path):  # type: ignore[override]
        if cls.missing:
            raise ConfigError(f"test type '{cls.name}' ({cls.defined_at}) uses what sqlmon's macros do not have: "
                              f"{', '.join(cls.missing)}", location=location,
                              hint="it needs dbt's runtime; rewrite it in plain SQL (macros may use identifier(), "
                                   "literal(), dispatch(), ref(), source(), var(), target) or use a built-in test type")
        allowed = set(cls.arguments) - _BOUND
        for key in params:
            if key not in allowed:
                from sqlmon.errors import did_you_mean
                raise ConfigError(f"unknown parameter '{key}' for custom test '{cls.name}'", location=location,
                                  hint=did_you_mean(key, allowed) or f"macro {cls.macro_name} takes: {', '.join(sorted(allowed)) or 'nothing'}")
        return _Free(params)

    def run(self, ctx: TestContext) -> Run:
        args: dict[str, Any] = dict(ctx.params.values)
        column = ctx.macros.quote(ctx.column.name, self.macro_name) if ctx.column else None
        probe = ctx.macros.render(self.macro_name, ctx.test.location, relation=RELATION_PLACEHOLDER,
                                  model=RELATION_PLACEHOLDER, column=column, column_name=column, **args)
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


def discover(macro_dirs: list[Path], builtins: Collection[str] = ()) -> dict[str, type[TestType]]:
    """`test_<name>` macros and dbt `{% test <name> %}` blocks in the project become test types
    named `<name>`. A dbt generic test named like a built-in does not replace it (a dbt project
    overrides dbt's own `not_null` for dbt's runtime); a `test_<name>` macro does, on purpose."""
    files = [f for d in macro_dirs for f in sorted(d.rglob("*.sql"))]
    raw = {f: f.read_text(encoding="utf-8") for f in files}
    texts = {f: dbt_tests_as_macros(text) for f, text in raw.items()}
    known = {name for text in [*texts.values(), *_builtin_texts()] for name in macro_names(text)}
    known |= {name.split("__", 1)[1] for name in known if "__" in name}
    env = environment(macros=True)
    found: dict[str, type[TestType]] = {}
    for f, text in texts.items():
        dbt_tests = dbt_test_names(raw[f])
        lacks = needs(env, text, known) if _TEST_MACRO.search(text) else {}
        for name, arglist in _TEST_MACRO.findall(text):
            if name in dbt_tests and name in builtins:
                continue
            args = tuple(a.split("=")[0].strip() for a in arglist.split(",") if a.strip())
            found[name] = type(f"Macro_{name}", (MacroTest,), {
                "name": name, "macro_name": f"test_{name}", "arguments": args,
                "missing": tuple(lacks.get(f"test_{name}", ())), "defined_at": f.name,
                "metric": f"custom: {'dbt generic test' if name in dbt_tests else 'macro test_' + name} in {f.name}"})
    return found


def _builtin_texts() -> list[str]:
    return [f.read_text(encoding="utf-8") for f in sorted(macros_dir().rglob("*.sql"))]
