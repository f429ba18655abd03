"""`sqlmon compile --dialect X` for the compile-only engines: SQL for every built-in test type,
checked against golden files (regenerate with SQLMON_UPDATE_GOLDEN=1 and review the diff) and
parsed back by sqlglot in that dialect."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlglot

from sqlmon.adapters import COMPILE_ONLY
from sqlmon.runner import compile_project
from sqlmon.testtypes import TEST_TYPES

GOLDEN = Path(__file__).parent / "golden" / "compile"
NO_SQL = {"schema", "anomaly"}          # schema reads the catalog; anomaly reads the history

MONITORS = """
version: 1
monitors:
  - name: g
    relation: main.events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    where: "country <> 'zz'"
    model: {task: binary_classification, score: x, label: id}
    tests:
      - row_count
      - freshness
      - {schema: {columns: [id]}}
      - {unique: {columns: [id, ts]}}
      - {expression: {expression: "id > 0 AND x < 100"}}
      - {custom_sql: {sql: "select * from {{ relation }} where id < 0"}}
      - {dataset_drift: {columns: [x, cat]}}
      - prediction_drift
    columns:
      - name: cat
        tests: [not_null, {accepted_values: {values: [a, "b'c"]}}, distinct_count, distinct_share,
                {length: {min: 1, max: 3}}, {relationships: {to: main.events, field: cat}}, drift]
      - name: country
        tests: [{regex: {pattern: "^[A-Z]{2}$"}}]
      - name: x
        tests: [{range: {min: 0, max: 10}}, mean, stddev, min, max, {quantile: {q: 0.9}}, nonfinite_share, drift]
      - name: ts
        tests: [{drift: {name: ts_drift}}]
"""


@pytest.fixture
def gproj(proj):
    proj.monitors(MONITORS)
    return proj


def test_golden_covers_every_builtin_test_type():
    import re
    used = set(re.findall(r"\b([a-z_]+)\b", MONITORS))
    missing = [t for t in TEST_TYPES if t not in used and t not in NO_SQL]
    # model-quality types have their own golden coverage in their tests when present
    missing = [t for t in missing if getattr(TEST_TYPES[t], "level", "") != "table" or "drift" in t
               or t in ("row_count", "freshness", "unique", "expression", "custom_sql")]
    assert not missing, f"add these test types to the golden project: {missing}"


@pytest.mark.parametrize("dialect", [*COMPILE_ONLY, "duckdb", "postgres", "spark"])
def test_compile_matches_golden(gproj, dialect):
    compiled = compile_project(gproj.root, as_of="2024-01-10", dialect=dialect, write=False,
                               select=["id:g.*"])
    errors = {c.test: c.error for c in compiled if c.error}
    assert not errors, errors
    text = ""
    for c in compiled:
        text += f"-- {c.test}\n" + "".join(s + ";\n" for s in c.sql) + "\n"
        for s in c.sql:
            sqlglot.parse_one(s, read=dialect)          # valid syntax for that dialect
    golden = GOLDEN / f"{dialect}.sql"
    if os.environ.get("SQLMON_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert golden.exists(), f"no golden file {golden}: generate it with SQLMON_UPDATE_GOLDEN=1 and review it"
    assert text == golden.read_text(), f"compiled SQL for {dialect} changed; review and regenerate"
