"""Columns as sqlmon sees them: a name, the warehouse's type name and a coarse kind.

Shared by the adapters (which read the schema) and the test types (which choose numeric,
categorical or boolean handling by kind), so that judging never reaches into the engine layer.
"""
from __future__ import annotations

from dataclasses import dataclass

# Coarse column kinds, derived from the warehouse type name; drift and statistics tests use
# them to choose numeric / categorical / boolean handling.
NUMERIC, STRING, BOOLEAN, TIMESTAMP, DATE, OTHER = (
    "numeric", "string", "boolean", "timestamp", "date", "other")


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str   # the warehouse's own type name, upper case (e.g. DOUBLE, VARCHAR, TIMESTAMP WITH TIME ZONE)
    kind: str   # one of the kinds above


def kind_of(type_name: str) -> str:
    """Map a warehouse type name to a coarse kind (works for DuckDB, Postgres and Spark names)."""
    t = type_name.upper()
    if t.endswith("]") or t.startswith(("INTERVAL", "ARRAY", "MAP", "STRUCT", "LIST")):
        return OTHER          # nested types and intervals are not numbers (INTERVAL starts with INT)
    if t.startswith(("BOOL",)):
        return BOOLEAN
    if "TIMESTAMP" in t or t.startswith("DATETIME"):
        return TIMESTAMP
    if t == "DATE":
        return DATE
    if t.startswith(("VARCHAR", "CHAR", "TEXT", "STRING", "CHARACTER", "UUID", "ENUM", "BPCHAR")):
        return STRING
    numeric = ("INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT",
               "UTINYINT", "INTEGER", "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "LONG", "SHORT",
               "BYTE", "UHUGEINT")
    if t.startswith(numeric):
        return NUMERIC
    return OTHER


FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL", "FLOAT4", "FLOAT8", "DOUBLE PRECISION")
# DuckDB, PostgreSQL and Spark integer type names (INTERVAL and arrays are not NUMERIC kinds).
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INT", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT", "LONG", "SHORT", "BYTE")


def is_float(col: ColumnInfo | None) -> bool:
    return col is not None and col.type.upper().startswith(FLOAT_TYPES)


def is_integer(col: ColumnInfo | None) -> bool:
    return col is not None and col.kind == NUMERIC and col.type.upper().startswith(INTEGER_TYPES)

