"""The one Jinja environment factory: every render (YAML values, profiles, macros) gets its
environment here, so what templates may reach is decided in one function.

Templates come from anyone who can edit the project (monitor YAML, macros, profiles), and run in CI
next to secrets, so they render in Jinja's sandbox (as dbt's do): no attribute that starts with
`_` (`__globals__`, `__class__`, `__subclasses__`, `__init__`), no unsafe method, `str.format`
checked the same way. Of Jinja's own globals only `range` and `dict` are left (`cycler`, `joiner`,
`lipsum` and `namespace` are objects an attribute walk starts from, and nothing documented needs
them); each caller adds only the documented functions (`env_var`, `var`, `ref`, `source`, and in
macros `identifier`, `literal`, `dispatch`, the macros themselves).

Settings common to all: undefined names are errors (`StrictUndefined`), nothing is HTML-escaped
(the output is SQL or YAML text). Macro files also trim block whitespace, so a macro's SQL reads
as it is written.
"""
from __future__ import annotations

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

ALLOWED_GLOBALS = ("range", "dict")


def environment(*, macros: bool = False) -> jinja2.Environment:
    """A new sandboxed environment for YAML values and profiles (`macros=False`) or macro files."""
    options = {"trim_blocks": True, "lstrip_blocks": True} if macros else {}
    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, **options)  # noqa: S701
    for name in list(env.globals):
        if name not in ALLOWED_GLOBALS:
            del env.globals[name]
    return env


__all__ = ["ALLOWED_GLOBALS", "environment"]
