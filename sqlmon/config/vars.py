"""Jinja rendering of YAML string values: `{{ env_var('X', 'default') }}`, `{{ var('x') }}`,
`{{ ref('m') }}`, `{{ source('s', 't') }}`, `{{ target.schema }}`.

Values are rendered after parsing (like dbt), one string at a time, so line numbers stay true.
"""
from __future__ import annotations

import os
import re
from typing import Any

import jinja2

from sqlmon.config.yamlio import location_of
from sqlmon.errors import ConfigError
from sqlmon.redact import is_secret
from sqlmon.templating import environment

# What `{{ relation }}` renders to, in YAML values (custom SQL) and macros alike: a name that
# sql.py swaps for the windowed relation after parsing.
RELATION_PLACEHOLDER = "__sqlmon_relation__"

_MISSING = object()


class Refusal(Exception):
    """A template function's refusal: (what, fix), reported at the template's place."""


def make_context(variables: dict[str, Any], *, secrets: bool = False, dbt: Any = None,
                 target: dict[str, Any] | None = None) -> dict[str, Any]:
    """The functions a template may call. `secrets`: `env_var()` may read the secret variables
    (`SQLMON_SECRET_...`, `DBT_ENV_SECRET_...`): in profiles.yml only, never where the value could
    reach SQL, an artifact or the history (sqlmon.redact). `dbt`: the manifest that answers
    `ref()`/`source()` (sqlmon.config.manifest), None outside a dbt project. `target`: dbt's
    `target` (name, type, schema, database, ...), known once the profile is read."""
    def env_var(name: str, default: Any = _MISSING) -> Any:
        if is_secret(name) and not secrets:
            raise Refusal(f"env_var('{name}'): a secret variable may be used only in profiles.yml",
                         "read it in the target's keys (e.g. `password:`), not in monitors or macros")
        if name in os.environ:
            return os.environ[name]
        if default is _MISSING:
            raise Refusal(f"environment variable '{name}' is not set",
                         f"export {name}=... or give a default: env_var('{name}', 'value')")
        return default

    def var(name: str, default: Any = _MISSING) -> Any:
        if name in variables:
            return variables[name]
        if default is _MISSING:
            raise Refusal(f"variable '{name}' is not defined",
                         f"set it under `vars:` in sqlmon_project.yml or pass --vars '{{{name}: ...}}'")
        return default

    def no_dbt(*args: Any, **kwargs: Any) -> str:
        raise Refusal("ref() and source() need a dbt project: none is around this sqlmon project",
                      "put sqlmon_project.yml inside the dbt project, or set `dbt: {project_dir: ...}` in "
                      "sqlmon_project.yml; outside dbt, write the relation's name (README \"With dbt\")")

    context = {"env_var": env_var, "var": var, "ref": dbt.ref if dbt is not None else no_dbt,
               "source": dbt.source if dbt is not None else no_dbt,
               # `{{ relation }}` in custom SQL stays a placeholder that becomes the windowed relation.
               "relation": RELATION_PLACEHOLDER}
    if target is not None:
        context["target"] = dict(target)
    return context


_ENV = environment()
_WHOLE = re.compile(r"\s*\{\{((?:(?!\}\}|\{\{).)*)\}\}\s*", re.S)     # a value that is one {{ expression }}


def render_value(value: Any, context: dict[str, Any], source: str, root: Any = None, path: tuple = ()) -> Any:
    """Render every string inside `value` (recursively); other scalars pass through. A render
    error names the node's file:line and key path (`root`: the parsed file `value` sits in at
    `path`) and never echoes the value (it may hold a secret)."""
    if isinstance(value, str):
        if "{{" not in value and "{%" not in value:
            return value
        try:
            whole = _WHOLE.fullmatch(value)
            if whole is not None:               # `"{{ params.values }}"` keeps its type: a list stays a list
                native = _ENV.compile_expression(whole.group(1))(**context)
                if isinstance(native, (list, dict, int, float, bool)):
                    return native
            out = _ENV.from_string(value).render(**context)
        except Refusal as err:
            raise ConfigError(err.args[0], location=_where(source, root, path), hint=err.args[1]) from None
        except jinja2.TemplateError as err:       # SecurityError (the sandbox refused) included
            raise ConfigError(f"cannot render this value: {type(err).__name__}: {err.message or err}",
                              location=_where(source, root, path),
                              hint="check the {{ ... }} / {% ... %} syntax; only env_var(), var(), ref(), "
                                   "source() and target are available") from None
        return _coerce(out)
    if isinstance(value, dict):
        out_d = type(value)() if type(value) is not dict else {}
        for attr in ("line", "key_lines"):
            if hasattr(value, attr):
                setattr(out_d, attr, getattr(value, attr))
        for k, v in value.items():
            out_d[k] = render_value(v, context, source, root, (*path, k))
        return out_d
    if isinstance(value, list):
        out_l = type(value)(render_value(v, context, source, root, (*path, i)) for i, v in enumerate(value))
        for attr in ("line", "item_lines"):
            if hasattr(value, attr):
                setattr(out_l, attr, getattr(value, attr))
        return out_l
    return value


def _where(source: str, root: Any, path: tuple) -> str:
    return location_of(source, root, path) if root is not None else source


def _coerce(text: str) -> Any:
    """`{{ env_var('PORT') }}` renders text; numbers and booleans become typed again (as in dbt)."""
    stripped = text.strip()
    for cast in (int, float):
        try:
            return cast(stripped)
        except ValueError:
            pass
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    return text
