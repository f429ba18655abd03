"""Every model-quality test type gives the same numbers on PostgreSQL and Spark as on DuckDB.

One table (binary score + label with NULL labels and a string-labelled copy, a regression pair,
a multiclass pair, a segment column) is loaded with each engine's own client; the same monitors
run through `sqlmon.run` on each target; every result must match DuckDB's (status and metric to
1e-9 relative, segment lists included). Marked `engine`: skipped with a reason when an engine
cannot be provisioned, failed under SQLMON_REQUIRE_ENGINES=1.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
import yaml

try:
    from engines import connected_adapter, postgres_target, spark_target
except ImportError:  # pragma: no cover
    from tests.engines import connected_adapter, postgres_target, spark_target

from sqlmon.runner import run

pytestmark = pytest.mark.engine

N = 1500
COLUMNS = "seg STRING, y INT, ys STRING, p DOUBLE, t DOUBLE, that DOUBLE, c STRING, chat STRING"


def rows() -> list[tuple]:
    rng = np.random.default_rng(42)
    y = (rng.random(N) < 0.35).astype(int)
    p = np.round(1 / (1 + np.exp(-(rng.normal(size=N) + 1.6 * y - 1))), 6)
    t = np.round(rng.normal(size=N) * 5 + 20, 4)
    t[:40] = 0.0
    that = np.round(t + rng.normal(size=N), 4)
    c = rng.choice(["a", "b", "c"], N)
    chat = np.where(rng.random(N) < 0.7, c, rng.choice(["a", "b", "c", "d"], N))
    seg = rng.choice(["north", "south", "east"], N, p=[0.5, 0.4, 0.1])
    out = []
    for i in range(N):
        label = None if i % 13 == 0 else int(y[i])
        out.append((str(seg[i]), label, None if label is None else ("churn" if label else "stay"),
                    float(p[i]), float(t[i]), float(that[i]), str(c[i]), str(chat[i])))
    return out


def monitors(relation: str) -> str:
    opts = "{min_labelled: 10}"
    return f"""
version: 1
monitors:
  - name: b
    relation: {relation}
    segments: [seg]
    model: {{task: binary_classification, score: p, label: y}}
    tests: [{{accuracy: {opts}}}, {{precision: {opts}}}, {{recall: {opts}}}, {{f1: {opts}}},
            {{fpr: {opts}}}, {{fnr: {opts}}}, {{positive_rate: {opts}}}, {{label_rate: {opts}}},
            {{roc_auc: {opts}}}, {{pr_auc: {opts}}}, {{log_loss: {opts}}}, {{brier: {opts}}},
            {{calibration_error: {opts}}}]
  - name: s
    relation: {relation}
    model: {{task: binary_classification, score: p, label: ys, positive: churn}}
    tests: [{{f1: {opts}}}, {{roc_auc: {opts}}}, {{log_loss: {opts}}}]
  - name: r
    relation: {relation}
    segments: [seg]
    model: {{task: regression, prediction: that, label: t}}
    tests: [{{mae: {opts}}}, {{rmse: {opts}}}, {{mape: {opts}}}, {{r2: {opts}}}, {{mean_error: {opts}}},
            {{max_error: {opts}}}, {{error_quantile: {{q: 0.9, min_labelled: 10}}}}]
  - name: m
    relation: {relation}
    model: {{task: multiclass_classification, prediction: chat, label: c}}
    tests: [{{accuracy: {opts}}}, {{f1: {{average: weighted, min_labelled: 10}}}},
            {{precision: {{average: macro, min_labelled: 10}}}}]
"""


def project(root: Path, target: dict, relation: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sqlmon_project.yml").write_text("name: mq\nprofile: mq\n")
    (root / "profiles.yml").write_text(yaml.safe_dump({"mq": {"target": "dev", "outputs": {"dev": target}}}))
    (root / "monitors").mkdir(exist_ok=True)
    (root / "monitors" / "m.yml").write_text(monitors(relation))
    return root


def outcomes(root: Path) -> dict:
    rr = run(root, write_artifacts=False, history=False)
    out = {}
    for r in rr.results:
        segs = [(tuple(s["segment"].values()), s["metric"], s["status"]) for s in r.details.get("segments", [])]
        out[r.unique_id] = (r.status, r.metric, r.message, sorted(segs, key=str))
    return out


@pytest.fixture(scope="module")
def data() -> list[tuple]:
    return rows()


@pytest.fixture(scope="module")
def duckdb_results(tmp_path_factory, data):
    import duckdb
    root = tmp_path_factory.mktemp("mq_duckdb")
    con = duckdb.connect(str(root / "wh.duckdb"))
    con.execute("CREATE TABLE s (seg VARCHAR, y INTEGER, ys VARCHAR, p DOUBLE, t DOUBLE, that DOUBLE, "
                "c VARCHAR, chat VARCHAR)")
    con.executemany("INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?, ?)", data)
    con.close()
    return outcomes(project(root, {"type": "duckdb", "path": str(root / "wh.duckdb")}, "main.s"))


def same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for uid in a:
        (sa, ma, msg_a, ga), (sb, mb, msg_b, gb) = a[uid], b[uid]
        assert sa == sb and sa in ("pass", "warn", "fail"), (uid, msg_a, msg_b)
        assert math.isclose(ma, mb, rel_tol=1e-9, abs_tol=1e-12), (uid, ma, mb)
        assert [(k, s) for k, _, s in ga] == [(k, s) for k, _, s in gb], uid
        for (_, x, _), (_, y, _) in zip(ga, gb):
            assert (x is None and y is None) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12), uid


def test_postgres_matches_duckdb(tmp_path, data, duckdb_results):
    target = postgres_target()
    adapter = connected_adapter("postgres")
    schema = f"sqlmon_mq_{os.getpid()}"
    with adapter.write_connection() as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"CREATE TABLE {schema}.s (seg text, y integer, ys text, p double precision, "
                     "t double precision, that double precision, c text, chat text)")
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {schema}.s VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", data)
    try:
        same(outcomes(project(tmp_path, target, f"{schema}.s")), duckdb_results)
    finally:
        with adapter.write_connection() as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_spark_matches_duckdb(tmp_path, data, duckdb_results):
    target = spark_target()
    adapter = connected_adapter("spark")
    view = "sqlmon_mq_s"
    adapter.spark.createDataFrame(data, COLUMNS).localCheckpoint().createOrReplaceTempView(view)
    try:
        same(outcomes(project(tmp_path, target, view)), duckdb_results)
    finally:
        adapter.spark.catalog.dropTempView(view)
