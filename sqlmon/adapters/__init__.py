"""Adapter registry: profile `type:` -> adapter class, imported lazily so drivers stay optional."""
from __future__ import annotations

import importlib
from typing import Any

from sqlmon.adapters.base import Adapter
from sqlmon.columns import ColumnInfo
from sqlmon.errors import ConfigError, did_you_mean

# name -> "module:Class"; one new engine = one entry here + one module.
ADAPTERS: dict[str, str] = {
    "duckdb": "sqlmon.adapters.duckdb:DuckDBAdapter",
    "postgres": "sqlmon.adapters.postgres:PostgresAdapter",
    "spark": "sqlmon.adapters.spark:SparkAdapter",
}

# Dialects sqlmon can compile for without executing (`sqlmon compile --dialect`).
COMPILE_ONLY = ("snowflake", "bigquery", "trino", "databricks")


def adapter_class(name: str, location: str | None = None) -> type[Adapter]:
    if name not in ADAPTERS:
        raise ConfigError(f"unknown target type '{name}'", location=location,
                          hint=did_you_mean(name, ADAPTERS) or f"use one of: {', '.join(ADAPTERS)}")
    module, cls = ADAPTERS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def make_adapter(target: dict[str, Any], location: str | None = None) -> Adapter:
    return adapter_class(str(target.get("type", "")), location)(target)


__all__ = ["ADAPTERS", "COMPILE_ONLY", "Adapter", "ColumnInfo", "adapter_class", "make_adapter"]
