"""Macro files as sqlmon reads them: dbt's generic test blocks, the macros a file defines, and what
a macro calls that sqlmon's macros do not have.

A dbt project's `macros/` folder is shared with sqlmon. dbt writes generic tests as
`{% test name(model, column_name, ...) %} ... {% endtest %}`, which dbt itself turns into a macro
`test_name`; sqlmon does the same (line numbers kept), so such a test is a sqlmon test type. A macro
that needs dbt's runtime (`adapter.dispatch`, `config()`, `dbt_utils.…`, `this`, `run_query`) cannot
render here: `needs()` names what it lacks, so it is refused where it is used, and a file sqlmon
cannot parse at all (a `{% materialization %}`) costs only the macros in it.
"""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
from jinja2 import meta, nodes

_TEST_BLOCK = re.compile(r"({%-?\s*)test(\s+)(\w+)(\s*\()")
_END_TEST = re.compile(r"({%-?\s*)endtest(\s*-?%})")
MACRO_DEF = re.compile(r"{%-?\s*macro\s+(\w+)\s*\(")

# What sqlmon.render.Macros gives every macro besides the macros themselves (a test keeps the two
# equal), and what Jinja's sandbox leaves (sqlmon.templating.ALLOWED_GLOBALS).
MACRO_HELPERS = ("identifier", "literal", "dispatch", "adapter_name", "env_var", "var", "ref", "source", "target",
                 "relation", "range", "dict")


def read_macro_file(path: Path) -> str:
    """The file's text with dbt's `{% test x(...) %}` blocks as `{% macro test_x(...) %}`."""
    return dbt_tests_as_macros(path.read_text(encoding="utf-8"))


def dbt_tests_as_macros(text: str) -> str:
    return _END_TEST.sub(r"\1endmacro\2", _TEST_BLOCK.sub(r"\1macro\2test_\3\4", text))


def dbt_test_names(text: str) -> set[str]:
    """Names of the dbt generic tests (`{% test name(...) %}`) in an untranslated file."""
    return {m.group(3) for m in _TEST_BLOCK.finditer(text)}


def macro_names(text: str) -> list[str]:
    return MACRO_DEF.findall(text)


def needs(env: jinja2.Environment, text: str, known: set[str]) -> dict[str, list[str]]:
    """For each macro of a (translated) file: the names it uses that are neither its own
    variables nor in `known` (helpers and every macro's name): what it would miss at render
    time. A file that does not parse: every macro of it maps to the parse error's message."""
    try:
        ast = env.parse(text)
    except jinja2.TemplateSyntaxError as err:
        return {name: [f"a template sqlmon cannot parse (line {err.lineno}: {err.message})"]
                for name in macro_names(text)}
    out = {}
    for macro in ast.find_all(nodes.Macro):
        template = nodes.Template([macro])
        template.set_environment(env)
        out[macro.name] = sorted(meta.find_undeclared_variables(template) - known - set(MACRO_HELPERS))
    return out
