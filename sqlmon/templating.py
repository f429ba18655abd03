"""The one Jinja environment factory: every render (YAML values, profiles, macros) gets its
environment here, so what templates may reach is decided in one function.

Settings common to all: undefined names are errors (`StrictUndefined`), nothing is HTML-escaped
(the output is SQL or YAML text). Macro files also trim block whitespace, so a macro's SQL reads
as it is written.
"""
from __future__ import annotations

import jinja2


def environment(*, macros: bool = False) -> jinja2.Environment:
    """A new environment for YAML values and profiles (`macros=False`) or macro files."""
    options = {"trim_blocks": True, "lstrip_blocks": True} if macros else {}
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, **options)  # noqa: S701 - SQL, not HTML


__all__ = ["environment"]
