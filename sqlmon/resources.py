"""Paths to the built-in macros and the project template, the same in a wheel and in a checkout.

The wheel maps top-level `macros/` and `project_template/` to `sqlmon/_resources/` (hatch
force-include); a source checkout has them at the repository root.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir(name: str) -> Path:
    packaged = resources.files("sqlmon") / "_resources" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"sqlmon resource '{name}' is missing from the installation")


def macros_dir() -> Path:
    return resource_dir("macros")


def template_dir() -> Path:
    return resource_dir("project_template")
