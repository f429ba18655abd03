"""Every built-in test type gives the same answer on DuckDB, PostgreSQL and Spark SQL.

One fixture dataset (built here in Python, deterministic) is loaded into all three engines with
each engine's own loader: DuckDB from an Arrow table, PostgreSQL through the adapter's write
connection with COPY, Spark from a Parquet file registered by the profile's `parquet:` mapping.
One monitor file (MONITORS) uses every built-in test type; `sqlmon.runner.run` runs it on each
target of one profiles.yml (duckdb / postgres / spark) and every result must match DuckDB's:
same status, same metric, same details, within the tolerances below.

The data has what breaks engines: doubles with NULL, NaN, +inf and -inf; integers with NULLs;
a DECIMAL; strings with quotes, a backslash, an empty string, combining characters, emoji and
CJK; booleans with NULLs; instants written in three time zones with microseconds, some exactly
on the window boundaries, some after `as_of`; a score in [0, 1] (exact 0, 0.5 and 1 included)
with a 0/1 label (some NULL); a multiclass label; a tie at the top-k cut of a categorical drift
test. Anomaly tests read ONE shared history store, seeded by DuckDB runs on earlier days.

Drift on one shared reference profile: the profile pass runs on every engine (its exact parts --
count, std, min, max, distinct count, most frequent values -- are compared in
`test_reference_profile_pass`), but its quantiles are approximate on Spark (`percentile_approx`),
so the bin edges of every engine's run are DuckDB's. The seam is `NumericPasses.profile`
(answers -> Profile), wrapped by `shared_profiles` below for the length of one run -- test code
only, no production hook. Both histogram passes (reference and current) still run on every
engine, so binning, NaN/inf/NULL bins and category counts are compared for real. The in-process
baseline cache is emptied before each engine's run, so no engine reuses another's baseline.

Tolerances (relative unless said otherwise; every other number must agree to REL):
  REL = 1e-9   counts, shares, means, sums, quantiles (all three interpolate linearly), model
               metrics, drift statistics: the engines add doubles in different orders (parallel
               partial sums on Spark/DuckDB), which moves the last bits only (~1e-15 relative);
               1e-9 leaves room for the ~1e3-term sums here and catches any real difference.
  ABS = 1e-12  the absolute floor for values that should be 0 (a mean error of ~0, a z of 0).
  quantiles of the reference profile on Spark: within one order statistic of the exact value
               (percentile_approx with accuracy 10000 over < 10000 values returns a data value,
               never an interpolation); everything derived from them is shared (see above).
  distinct count of the reference profile (DuckDB and Spark approximate it): rel 0.15. It is approx_count_distinct
               (HyperLogLog++, 5% relative standard error; 0.15 = 3 standard errors), because an
               exact COUNT(DISTINCT) next to percentile_approx made Spark keep one sketch per
               distinct value (285 s instead of 9 s on 1.5M rows); binning does not use it.
"""
from __future__ import annotations

import contextlib
import math
import os
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from sqlmon.runner import run
from sqlmon.testtypes import TEST_TYPES
from sqlmon.testtypes.drift_passes import DISCRETE_PROBE, NumericPasses

try:   # tests/ on sys.path (pytest's rootdir insertion; conftest imports it the same way) ...
    from engines import postgres_target, spark_target
except ImportError:   # ... or only `tests` importable as a package
    from tests.engines import postgres_target, spark_target

pytestmark = pytest.mark.engine

REL, ABS = 1e-9, 1e-12
ENGINES = ("duckdb", "postgres", "spark")
UTC = timezone.utc
IST, PST = timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))
AS_OF = datetime(2024, 1, 10, tzinfo=UTC)
CUR_START = AS_OF - timedelta(days=1)           # current: [2024-01-09, 2024-01-10)
REF_START = CUR_START - timedelta(days=7)       # reference: [2024-01-02, 2024-01-09)
HISTORY_DAYS = 8                                # DuckDB runs on the days before AS_OF seed the history

# --------------------------------------------------------------------------- the dataset
COLUMNS = [  # name, pyarrow type, PostgreSQL type
    ("id", "int64", "bigint"),
    ("ts", "timestamp_utc", "timestamptz"),
    ("d", "date32", "date"),
    ("x", "float64", "double precision"),
    ("n", "int32", "integer"),
    ("amount", "decimal", "numeric(10, 4)"),
    ("cat", "string", "text"),
    ("country", "string", "text"),
    ("flag", "bool", "boolean"),
    ("score", "float64", "double precision"),
    ("score2", "float64", "double precision"),
    ("label", "int32", "integer"),
    ("klass", "string", "text"),
    ("klass_pred", "string", "text"),
]
NAMES = [c[0] for c in COLUMNS]

# Category counts per window. `it's` and `say "hi"` tie at the k = 3 cut of the reference:
# Python keeps the smaller str ("it's"), whatever the engine's collation or row order says.
CAT_REF = {"a": 300, "b": 200, "it's": 150, 'say "hi"': 150, "naïve ☃ 日本": 100, "😀": 50,
           "back\\slash": 40, "cafe\u0301": 30, "": 20, None: 10}
CAT_CUR = {"a": 80, "b": 60, "it's": 40, 'say "hi"': 40, "naïve ☃ 日本": 20, "😀": 15, "👍🏽": 15,
           "new'val": 10, "": 10, None: 10}
TOP3 = ["a", "b", "it's"]


def _rows() -> list[tuple]:
    rng = random.Random(20240110)
    rows: list[dict[str, Any]] = []

    def window(cats: dict, start: datetime, days: int, shift: float, specials: dict[str, int]) -> None:
        values = [v for v, k in cats.items() for _ in range(k)]
        rng.shuffle(values)
        first = len(rows)
        for cat in values:
            ts = start + timedelta(microseconds=rng.randrange(days * 86_400_000_000))
            score = rng.random()
            klass = rng.choice(["cat", "dog", "bird"])
            rows.append({
                "ts": ts.astimezone(rng.choice([UTC, IST, PST])),
                "x": rng.gauss(10 + shift, 3),
                "n": None if rng.random() < 0.05 else rng.randint(int(shift), 12 + int(shift)),
                "amount": Decimal(f"{rng.uniform(0, 0.05 + 0.01 * shift):.4f}"),
                "cat": cat,
                "country": None if rng.random() < 0.01 else rng.choices(["DE", "FR", "US"], [4, 3, 3])[0],
                "flag": None if rng.random() < 0.03 else rng.random() < 0.3 + 0.1 * shift,
                "score": score,
                "label": None if rng.random() < 0.05 else int(rng.random() < score),
                "klass": klass,
                "klass_pred": klass if rng.random() < 0.7 else rng.choice(["cat", "dog", "bird"]),
            })
        # NULL / NaN / +inf / -inf in x at fixed positions of this window
        pos = iter(range(first, len(rows), 7))
        for value, k in specials.items():
            for _ in range(k):
                rows[next(pos)]["x"] = {"null": None, "nan": math.nan, "inf": math.inf, "-inf": -math.inf}[value]
        # a few lower-case countries (regex fails) and exact score edges (bins, log-loss clipping)
        for i, value in zip(range(first + 3, len(rows), 97), ["xx", "de", "US", "fr"]):
            rows[i]["country"] = value
        for i, s in zip(range(first + 5, len(rows), 89), [0.0, 1.0, 0.5, 0.5, 1.0, 0.0]):
            rows[i]["score"] = s
        for r in rows[first:]:      # a challenger's score, from the same draws (the stream stays as it was)
            r["score2"] = 0.15 + 0.7 * r["score"]

    window(CAT_REF, REF_START, 7, 0.0, {"null": 30, "nan": 2, "inf": 1, "-inf": 1})
    n_ref = len(rows)
    window(CAT_CUR, CUR_START, 1, 1.0, {"null": 10, "nan": 3, "inf": 2, "-inf": 1})
    # instants exactly on the boundaries, written in other zones
    rows[0]["ts"] = REF_START.astimezone(PST)                                   # first reference instant
    rows[1]["ts"] = CUR_START - timedelta(microseconds=1)                        # last reference instant
    rows[n_ref]["ts"] = CUR_START.astimezone(IST)                                # 05:30+05:30 = first current instant
    rows[n_ref + 1]["ts"] = AS_OF - timedelta(seconds=1, microseconds=250)       # newest row before as_of
    # rows outside both windows: before the reference, at/after as_of, without a timestamp
    extra = [REF_START - timedelta(days=1, hours=3), REF_START - timedelta(microseconds=1), AS_OF,
             AS_OF + timedelta(hours=5), None, None]
    for i, ts in enumerate(extra):
        rows.append(dict(rows[i + 10], ts=ts))
    out = []
    for i, r in enumerate(rows):
        r["id"] = i + 1
        if i == n_ref + 7:                       # one repeated id (and id+ts) in the current window
            r["id"], r["ts"] = rows[n_ref + 6]["id"], rows[n_ref + 6]["ts"]
        r["d"] = None if r["ts"] is None else r["ts"].astimezone(UTC).date()
        out.append(tuple(r[c] for c in NAMES))
    return out


ROWS = _rows()
COUNTRIES = [("DE", "Deutschland"), ("FR", "Frankreich"), ("it's", "quoted key")]   # no US: relationships fails


def _column(name: str, window: str) -> list[Any]:
    lo, hi = (CUR_START, AS_OF) if window == "current" else (REF_START, CUR_START)
    i = NAMES.index(name)
    return [r[i] for r in ROWS if r[1] is not None and lo <= r[1] < hi]


# --------------------------------------------------------------------------- the monitors
MONITORS = """
version: 1
monitors:
  - name: xe
    relation: events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    where: "country IS NULL OR country <> 'zz'"
    model: {task: binary_classification, score: score, label: label}
    tests:
      - row_count
      - freshness
      - {freshness: {name: freshness_of_day, column: d, error_if: "> 2 days"}}
      - {schema: {columns: {id: numeric, ts: timestamp, cat: string, flag: boolean, score: numeric}}}
      - {unique: {name: unique_id_ts, columns: [id, ts]}}
      - {expression: {expression: "n >= 0 AND x < 100"}}
      - {custom_sql: {sql: "select * from {{ relation }} where x < -1000 or cat = 'it''s'"}}
      - {anomaly: {of: row_count, min_history: 5}}
      - {anomaly: {name: mean_anomaly, of: xe.x.mean, min_history: 5}}
      - dataset_drift
      - prediction_drift
      - accuracy
      - {accuracy: {name: accuracy_vs_reference, compare: reference}}
      - precision
      - recall
      - f1
      - fpr
      - fnr
      - positive_rate
      - label_rate
      - roc_auc
      - {roc_auc: {name: roc_auc_by_country, segments: [country], min_segment_rows: 20}}
      - {row_count: {name: rows_by_country, segments: [country], min_segment_rows: 1}}
      - {estimated_accuracy: {min_labelled: 10}}
      - {estimated_roc_auc: {min_labelled: 10, compare: reference}}
      - {estimated_f1: {min_labelled: 10}}
      - {estimated_precision: {min_labelled: 10}}
      - {estimated_recall: {min_labelled: 10}}
      - pr_auc
      - log_loss
      - brier
      - calibration_error
    columns:
      - name: id
        tests: [unique, {unique: {name: id_unique_by_country, segments: [country], min_segment_rows: 1}}]
      - name: x
        tests: [not_null, {range: {min: 0, max: 20}}, mean, {mean: {name: mean_vs_reference, compare: reference}},
                stddev, min, max, {quantile: {q: 0.9}}, distinct_count, distinct_share, nonfinite_share,
                drift, {drift: {name: x_psi, method: psi}}, {drift: {name: x_ks, method: ks}},
                {not_null: {name: x_nulls_by_flag, segments: [flag], min_segment_rows: 1}},
                {mean: {name: x_mean_by_country, segments: [country], min_segment_rows: 1, compare: reference}},
                {quantile: {name: x_median_by_country, q: 0.5, segments: [country], min_segment_rows: 1}},
                {drift: {name: x_drift_by_flag, segments: [flag], min_segment_rows: 1}}]
      - name: n
        tests: [mean, {quantile: {q: 0.5}}, drift]
      - name: amount
        tests: [mean, stddev, {quantile: {q: 0.25}}, drift]
      - name: cat
        tests: [{not_null: {missing_values: ['']}}, {accepted_values: {values: [a, b, "it's", 'say "hi"']}},
                distinct_count, {length: {min: 1, max: 5}}, {drift: {k: 3}},
                {drift: {name: cat_chisquare, k: 3, method: chisquare}},
                {accepted_values: {name: cat_ok_by_country, values: [a, b], segments: [country], min_segment_rows: 1}},
                {drift: {name: cat_drift_by_country, k: 3, segments: [country], min_segment_rows: 1}}]
      - name: country
        tests: [{regex: {pattern: "^[A-Z]{2}$"}}, {relationships: {to: countries, field: code}},
                {relationships: {name: country_known_by_flag, to: countries, field: code, segments: [flag],
                                 min_segment_rows: 1}}]
      - name: flag
        tests: [not_null, drift]
      - name: ts
        tests: [{drift: {name: ts_drift}}]
      - name: d
        tests: [{drift: {name: day_drift}}]

  - name: xe_models
    relation: events
    timestamp: ts
    current: {last: 1 day}
    model: {task: binary_classification, label: label}
    models: {champion: {score: score}, challenger: {score: score2, decision_threshold: 0.4}}
    tests:
      - {accuracy: {model: challenger, versus: champion}}
      - {fnr: {model: challenger, versus: champion}}
      - {f1: {model: challenger, versus: champion}}
      - {log_loss: {model: challenger, versus: champion}}
      - {roc_auc: {model: challenger, versus: champion}}

  - name: xe_regression
    relation: events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    model: {task: regression, prediction: score, label: label}
    tests:
      - mae
      - rmse
      - mape
      - r2
      - mean_error
      - max_error
      - {error_quantile: {q: 0.9}}
      - {mae: {name: mae_by_country, segments: [country], min_segment_rows: 20, compare: reference}}

  - name: xe_multiclass
    relation: events
    timestamp: ts
    current: {last: 1 day}
    reference: {previous: 7 days}
    model: {task: multiclass_classification, prediction: klass_pred, label: klass}
    tests:
      - accuracy
      - precision
      - {recall: {average: micro}}
      - {f1: {average: weighted}}
"""


# --------------------------------------------------------------------------- loaders
def _arrow_table(rows: list[tuple], columns=COLUMNS):
    import pyarrow as pa

    types = {"int64": pa.int64(), "int32": pa.int32(), "float64": pa.float64(), "string": pa.string(),
             "bool": pa.bool_(), "date32": pa.date32(), "decimal": pa.decimal128(10, 4),
             "timestamp_utc": pa.timestamp("us", tz="UTC")}
    schema = pa.schema([(name, types[t]) for name, t, _ in columns])
    return pa.Table.from_pylist([dict(zip(schema.names, r)) for r in rows], schema=schema)


COUNTRY_COLUMNS = [("code", "string", "text"), ("name", "string", "text")]


def _load_duckdb(db: Path) -> None:
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.register("events_src", _arrow_table(ROWS))
        con.register("countries_src", _arrow_table(COUNTRIES, COUNTRY_COLUMNS))
        con.execute("CREATE TABLE events AS SELECT * FROM events_src")
        con.execute("CREATE TABLE countries AS SELECT * FROM countries_src")
    finally:
        con.close()


def _load_postgres(target: dict[str, Any], schema: str) -> None:
    from sqlmon.adapters import make_adapter

    adapter = make_adapter(target)
    with adapter.write_connection() as conn:      # the monitoring connection is read-only
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
        for table, cols, rows in (("events", COLUMNS, ROWS), ("countries", COUNTRY_COLUMNS, COUNTRIES)):
            conn.execute(f"CREATE TABLE {schema}.{table} ({', '.join(f'{c} {t}' for c, _, t in cols)})")
            with conn.cursor().copy(f"COPY {schema}.{table} ({', '.join(c for c, _, _ in cols)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)


def _drop_postgres(target: dict[str, Any], schema: str) -> None:
    from sqlmon.adapters import make_adapter

    with make_adapter(target).write_connection() as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


# --------------------------------------------------------------------------- running
@dataclass
class EngineRun:
    results: dict[str, Any]                                    # unique_id -> Result
    profile_answers: dict[tuple[str, str], Any] = field(default_factory=dict)   # (test, column) -> raw profile pass


@dataclass
class Xproj:
    root: Path
    targets: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "duckdb": {"type": "duckdb", "path": "warehouse.duckdb"}})
    shared: dict[tuple[str, str], Any] = field(default_factory=dict)   # (test, column) -> DuckDB's Profile
    runs: dict[str, EngineRun] = field(default_factory=dict)
    cleanups: list = field(default_factory=list)

    def write_profiles(self) -> None:
        doc = {"xengine": {"target": "duckdb", "outputs": self.targets}}
        (self.root / "profiles.yml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


@contextlib.contextmanager
def shared_profiles(xp: Xproj, answers: dict[tuple[str, str], Any]):
    """For one run: record each numeric profile pass, and bin on DuckDB's profile (see module doc)."""
    original = NumericPasses.profile

    def profile(self: NumericPasses, got: list[Any]):
        key = (self.ctx.test.unique_id, self.col.name)
        answers[key] = (dict(got[0]), [dict(r) for r in got[1]])
        own = original(self, got)
        return xp.shared.setdefault(key, own)          # the first engine (DuckDB) sets it

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(NumericPasses, "profile", profile)
        yield


def run_engine(xp: Xproj, engine: str) -> EngineRun:
    if engine not in xp.runs:
        if engine == "postgres":
            schema = f"sqlmon_xengine_{os.getpid()}"
            target = postgres_target()
            _load_postgres(target, schema)
            xp.cleanups.append(lambda: _drop_postgres(target, schema))
            xp.targets["postgres"] = dict(target, schema=schema)
        elif engine == "spark":
            xp.targets["spark"] = dict(spark_target(), parquet={
                "events": str(xp.root / "data" / "events.parquet"),
                "countries": str(xp.root / "data" / "countries.parquet")})
        xp.write_profiles()
        answers: dict[tuple[str, str], Any] = {}
        with shared_profiles(xp, answers):
            rr = run(xp.root, target=engine, as_of=AS_OF, write_artifacts=False, history=False)
        xp.runs[engine] = EngineRun({r.unique_id: r for r in rr.results}, answers)
    return xp.runs[engine]


@pytest.fixture(scope="module")
def xp(tmp_path_factory) -> Xproj:
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("xengine")
    (root / "sqlmon_project.yml").write_text(
        "name: xengine\nprofile: xengine\n"
        # ONE history store for every target: the anomaly tests compare with the same past values
        "history: {backend: duckdb, path: history.duckdb}\n")
    (root / "monitors").mkdir()
    (root / "monitors" / "cross_engine.yml").write_text(MONITORS.lstrip())
    (root / "data").mkdir()
    pq.write_table(_arrow_table(ROWS), root / "data" / "events.parquet")
    pq.write_table(_arrow_table(COUNTRIES, COUNTRY_COLUMNS), root / "data" / "countries.parquet")
    _load_duckdb(root / "warehouse.duckdb")
    xp = Xproj(root)
    xp.write_profiles()
    # History for the anomaly tests: the metrics they watch, on the days before AS_OF (DuckDB).
    for day in range(HISTORY_DAYS, 0, -1):
        run(root, target="duckdb", as_of=AS_OF - timedelta(days=day), write_artifacts=False,
            select=["id:xe._.row_count", "id:xe.x.mean"])
    run_engine(xp, "duckdb")          # the reference: every other engine is compared with it
    yield xp
    for cleanup in xp.cleanups:
        cleanup()


# --------------------------------------------------------------------------- comparing
def close(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or math.isclose(a, b, rel_tol=REL, abs_tol=ABS)
    return a == b


# Hashes of the column's engine type name and the relation's change signal (which differ by
# engine by design): the drift baseline's exact cache key.
SKIP_DETAILS = ".profile.key"      # a baseline's exact key names the warehouse it came from


def differences(ref: Any, got: Any, path: str = "") -> list[str]:
    """Paths where `got` differs from `ref` beyond the tolerances (dicts, lists, numbers)."""
    if isinstance(ref, dict) and isinstance(got, dict):
        out = []
        for k in sorted(set(ref) | set(got), key=str):
            if f"{path}.{k}".endswith(SKIP_DETAILS):
                continue
            if k not in ref or k not in got:
                out.append(f"{path}.{k}: only in {'engine' if k in got else 'duckdb'}")
            else:
                out += differences(ref[k], got[k], f"{path}.{k}")
        return out
    if isinstance(ref, (list, tuple)) and isinstance(got, (list, tuple)):
        if len(ref) != len(got):
            return [f"{path}: {len(ref)} items on duckdb, {len(got)} here"]
        return [d for i, (a, b) in enumerate(zip(ref, got)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if close(ref, got) else [f"{path}: duckdb {ref!r}, here {got!r}"]


def test_monitor_uses_every_builtin_test_type():
    used = set()
    for m in yaml.safe_load(MONITORS)["monitors"]:
        entries = list(m.get("tests", [])) + [t for c in m.get("columns", []) for t in c["tests"]]
        used |= {e if isinstance(e, str) else next(iter(e)) for e in entries}
    missing = sorted(set(TEST_TYPES) - used)
    assert not missing, f"add these test types to MONITORS (every built-in runs on every engine): {missing}"


def test_duckdb_reference_is_right(xp):
    """The reference itself, against numbers computed here from ROWS."""
    res = xp.runs["duckdb"].results
    assert res["xe._.row_count"].metric == len(_column("id", "current"))
    x = _column("x", "current")
    assert res["xe.x.nonfinite_share"].metric == pytest.approx(
        sum(v is not None and not math.isfinite(v) for v in x) / len(x), rel=REL)
    finite = [v for v in x if v is not None and math.isfinite(v)]
    assert res["xe.x.mean"].metric == pytest.approx(sum(finite) / len(finite), rel=REL)
    assert res["xe._.freshness"].metric == pytest.approx(1.00025, abs=1e-9)
    assert res["xe.cat.accepted_values"].metric == pytest.approx(
        sum(v not in (None, "a", "b", "it's", 'say "hi"') for v in _column("cat", "current")) / len(x), rel=REL)
    lengths = [len(v) for v in _column("cat", "current") if v is not None]
    assert res["xe.cat.length"].details["max_length"] == max(lengths)     # code points, not bytes
    assert res["xe.cat.length"].metric == pytest.approx(sum(not 1 <= n <= 5 for n in lengths) / len(x), rel=REL)
    assert res["xe.x.quantile"].metric == pytest.approx(_linear_quantile(sorted(finite), 0.9), rel=REL)
    assert res["xe.country.relationships"].metric == pytest.approx(
        sum(v is not None and v not in ("DE", "FR", "it's") for v in _column("country", "current")) / len(x), rel=REL)
    assert res["xe.id.unique"].metric == pytest.approx(1 / len(x), rel=REL)
    for uid in ("xe._.anomaly", "xe._.mean_anomaly"):
        assert res[uid].details.get("history") == HISTORY_DAYS, res[uid].message
    for uid in ("xe._.estimated_accuracy", "xe._.estimated_roc_auc", "xe._.estimated_f1"):     # estimated, not skipped
        assert res[uid].metric is not None and res[uid].details["calibration_bins"] >= 2, res[uid].message
    for uid in ("xe.x.x_mean_by_country", "xe.cat.cat_drift_by_country", "xe._.rows_by_country"):
        assert res[uid].details["segments_judged"] >= 2, res[uid].message
    statuses = {r.status for r in res.values()}
    assert "error" not in statuses, [(u, r.message) for u, r in res.items() if r.status == "error"]


def _linear_quantile(values: list[float], q: float) -> float:
    pos = q * (len(values) - 1)
    lo = math.floor(pos)
    return values[lo] + (values[min(lo + 1, len(values) - 1)] - values[lo]) * (pos - lo)


def test_top_k_tie_is_broken_in_python(xp):
    """`it's` and `say "hi"` tie at the cut: every engine keeps the same three values."""
    for uid in ("xe.cat.drift", "xe.cat.cat_chisquare"):
        assert xp.runs["duckdb"].results[uid].details["profile"]["profile"]["values"] == TOP3


@pytest.mark.parametrize("engine", ENGINES[1:])
def test_same_results_as_duckdb(xp, engine):
    ref = xp.runs["duckdb"].results
    got = run_engine(xp, engine).results
    assert sorted(got) == sorted(ref)
    problems = []
    for uid, r in ref.items():
        g = got[uid]
        if g.status != r.status:
            problems.append(f"{uid}: status {g.status} ({g.message}), duckdb {r.status} ({r.message})")
            continue
        problems += [f"{uid}: {d}" for d in differences(
            {"metric": r.metric, "details": r.details, "windows": r.windows},
            {"metric": g.metric, "details": g.details, "windows": g.windows})]
    assert not problems, f"{engine} differs from DuckDB:\n" + "\n".join(problems)
    for uid in ("xe.cat.drift", "xe.cat.cat_chisquare"):
        assert got[uid].details["profile"]["profile"]["values"] == TOP3


@pytest.mark.parametrize("engine", ENGINES[1:])
def test_reference_profile_pass(xp, engine):
    """The profile pass each engine ran itself (before the shared profile replaced it)."""
    ref = xp.runs["duckdb"].profile_answers
    got = run_engine(xp, engine).profile_answers
    assert sorted(got) == sorted(ref) and ref
    problems = []
    for key, (ragg, rtop) in ref.items():
        gagg, gtop = got[key]
        # DuckDB and Spark count distinct values approximately (HyperLogLog; a hint that only
        # decides whether to list the values), PostgreSQL exactly.
        approximate = ("quantiles", "distinct_count")
        exact = {k: v for k, v in ragg.items() if k not in approximate}
        # A continuous column's "top values" are the counts at its quantile points, so on Spark
        # (approximate quantiles) they are other points; listed values (few distinct) must match.
        listed = ragg["distinct_count"] <= DISCRETE_PROBE * (len(ragg["quantiles"]) + 1)
        same_top = {"top": rtop} if listed or engine != "spark" else {}
        problems += [f"{key}: {d}" for d in differences(
            {**exact, **same_top}, {**{k: gagg.get(k) for k in exact}, **({"top": gtop} if same_top else {})})]
        rq, gq = ragg["quantiles"], gagg["quantiles"]
        if not math.isclose(gagg["distinct_count"], ragg["distinct_count"], rel_tol=0.15):
            problems.append(f"{key}: distinct count {gagg['distinct_count']} vs {ragg['distinct_count']}")
        if engine == "spark":
            values = _reference_values(key[1], ragg["n"])
            problems += [f"{key}: quantile {q} = {v} is not within one order statistic"
                         for q, v in zip(_qs(rq), gq) if not _near_order_statistic(values, q, float(v))]
        else:
            problems += [f"{key}: {d}" for d in differences({"quantiles": rq}, {"quantiles": gq})]
    assert not problems, "\n".join(problems)


def _qs(quantiles: list[Any]) -> list[float]:
    bins = len(quantiles) + 1
    return [i / bins for i in range(1, bins)]


def _reference_values(column: str, n: int) -> list[float]:
    """The finite values the profile pass of `column` reads (timestamps as epoch seconds), sorted."""
    out = []
    for v in _column(column, "reference"):
        if isinstance(v, datetime):
            v = v.timestamp()
        elif hasattr(v, "toordinal"):       # a date: its midnight UTC
            v = datetime(v.year, v.month, v.day, tzinfo=UTC).timestamp()
        if v is not None and math.isfinite(float(v)):
            out.append(float(v))
    assert len(out) == n, column
    return sorted(out)


def _near_order_statistic(values: list[float], q: float, v: float) -> bool:
    pos = q * (len(values) - 1)
    lo, hi = max(0, math.floor(pos) - 1), min(len(values) - 1, math.ceil(pos) + 1)
    return values[lo] <= v <= values[hi]
