"""The adapters on real engines: same table, same portable SQL, same numbers everywhere.

One small table (ints with NULLs; doubles with NaN, +-inf and NULL; strings with quotes,
backslash and unicode; an instant (timestamp with time zone); booleans; dates) is loaded with
each engine's own client, then read through the adapters only.  The aggregate query is written
once (DuckDB SQL), parsed by sqlglot and generated for each adapter's dialect; its expected
values are computed here in Python, so "equals expected" means "same on every engine".
"""
from __future__ import annotations

import datetime as dt
import math
import os
from decimal import Decimal

import pytest
import sqlglot
from sqlglot import exp

from sqlmon.columns import BOOLEAN, DATE, NUMERIC, STRING, TIMESTAMP
from sqlmon.errors import WarehouseError

try:   # tests/ on sys.path (pytest's rootdir insertion; conftest imports it the same way) ...
    from engines import connected_adapter
except ImportError:   # ... or only `tests` importable as a package
    from tests.engines import connected_adapter

pytestmark = pytest.mark.engine

UTC = dt.timezone.utc
NAN, INF = float("nan"), float("inf")
COLUMNS = ["id", "i", "d", "s", "ts", "b", "dt"]
ROWS = [
    (1, 10, 1.5, "it's", dt.datetime(2024, 1, 1, 10, 0, tzinfo=UTC), True, dt.date(2024, 1, 1)),
    (2, None, NAN, 'say "hi"', dt.datetime(2024, 1, 2, 23, 30, tzinfo=UTC), False, dt.date(2024, 1, 2)),
    (3, -3, INF, "naïve ☃ 日本", None, None, None),
    (4, None, -INF, None, dt.datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC), True, dt.date(2023, 12, 31)),
    (5, 7, None, "", dt.datetime(2024, 1, 3, 0, 0, tzinfo=UTC), False, dt.date(2024, 1, 3)),
    # exactly on the window boundary below: counted only if the engine reads the TIMESTAMP
    # literal in UTC, as every adapter's session time zone should be
    (6, 2, -2.25, "back\\slash", dt.datetime(2024, 1, 1, 0, 0, tzinfo=UTC), True, dt.date(2024, 1, 1)),
]
KINDS = {"id": NUMERIC, "i": NUMERIC, "d": NUMERIC, "s": STRING, "ts": TIMESTAMP,
         "b": BOOLEAN, "dt": DATE}

# Portable forms only (DESIGN §8): no isnan() (sqlglot writes IS_NAN for Postgres, which does
# not exist), NaN/inf through CAST('NaN' AS DOUBLE), which all three engines compare as equal
# to itself and greater than +inf.
AGGREGATE_SQL = r"""
SELECT
  COUNT(*) AS n,
  COUNT(i) AS n_i,
  COUNT(*) - COUNT(i) AS nulls_i,
  SUM(i) AS sum_i,
  AVG(i) AS avg_i,
  MIN(i) AS min_i,
  MAX(i) AS max_i,
  COUNT(d) AS n_d,
  SUM(CASE WHEN d = CAST('NaN' AS DOUBLE) THEN 1 ELSE 0 END) AS n_nan,
  SUM(CASE WHEN d = CAST('Infinity' AS DOUBLE) THEN 1 ELSE 0 END) AS n_posinf,
  SUM(CASE WHEN d = CAST('-Infinity' AS DOUBLE) THEN 1 ELSE 0 END) AS n_neginf,
  SUM(CASE WHEN d > CAST('-Infinity' AS DOUBLE) AND d < CAST('Infinity' AS DOUBLE) THEN d END) AS sum_finite,
  SUM(CASE WHEN d > 0 THEN 1 ELSE 0 END) AS n_pos,
  SUM(CAST(CASE WHEN d BETWEEN -3 AND 3 THEN d END AS DECIMAL(10, 2))) AS sum_decimal,
  COUNT(s) AS n_s,
  COUNT(DISTINCT s) AS distinct_s,
  SUM(LENGTH(s)) AS len_s,
  SUM(CASE WHEN s = '' THEN 1 ELSE 0 END) AS n_empty,
  SUM(CASE WHEN s = 'it''s' THEN 1 ELSE 0 END) AS n_apostrophe,
  SUM(CASE WHEN s = 'say "hi"' THEN 1 ELSE 0 END) AS n_double_quote,
  SUM(CASE WHEN s = 'back\slash' THEN 1 ELSE 0 END) AS n_backslash,
  SUM(CASE WHEN s = 'naïve ☃ 日本' THEN 1 ELSE 0 END) AS n_unicode,
  COUNT(ts) AS n_ts,
  SUM(CASE WHEN ts >= TIMESTAMP '2024-01-01 00:00:00' THEN 1 ELSE 0 END) AS n_since_2024,
  MIN(ts) AS min_ts,
  MAX(ts) AS max_ts,
  SUM(CASE WHEN b THEN 1 ELSE 0 END) AS n_true,
  COUNT(b) AS n_b,
  COUNT(DISTINCT dt) AS distinct_dt,
  MIN(dt) AS min_dt
FROM {relation}
"""

EXPECTED = {
    "n": 6, "n_i": 4, "nulls_i": 2, "sum_i": 16, "avg_i": 4.0, "min_i": -3, "max_i": 10,
    "n_d": 5, "n_nan": 1, "n_posinf": 1, "n_neginf": 1, "sum_finite": -0.75,
    # NaN > 0 is TRUE on DuckDB, PostgreSQL and Spark (NaN sorts above every number), unlike
    # IEEE/Python: 1.5, +inf and NaN.
    "n_pos": 3,
    "sum_decimal": -0.75,   # 1.5 - 2.25 (NaN is not BETWEEN -3 AND 3 either)
    "n_s": 5, "distinct_s": 5, "len_s": 4 + 8 + 10 + 0 + 10,
    "n_empty": 1, "n_apostrophe": 1, "n_double_quote": 1, "n_backslash": 1, "n_unicode": 1,
    "n_ts": 5, "n_since_2024": 4,
    "min_ts": dt.datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC),
    "max_ts": dt.datetime(2024, 1, 3, 0, 0, tzinfo=UTC),
    "n_true": 3, "n_b": 5, "distinct_dt": 4, "min_dt": dt.date(2023, 12, 31),
}

# A histogram-shaped query (what drift tests send): one bin label per row, counted per bin.
BINS_SQL = """
WITH binned AS (
  SELECT CASE
    WHEN d IS NULL THEN 'null'
    WHEN d = CAST('NaN' AS DOUBLE) THEN 'nan'
    WHEN d = CAST('Infinity' AS DOUBLE) OR d = CAST('-Infinity' AS DOUBLE) THEN 'inf'
    WHEN d < 0 THEN 'neg'
    ELSE 'pos' END AS bin
  FROM {relation}
)
SELECT bin, COUNT(*) AS n FROM binned GROUP BY bin
"""
EXPECTED_BINS = [("inf", 2), ("nan", 1), ("neg", 1), ("null", 1), ("pos", 1)]


def portable(sql: str, adapter, relation: exp.Table) -> str:
    """Write once in DuckDB SQL, generate for the adapter's dialect through sqlglot."""
    tree = sqlglot.parse_one(sql.format(relation="__relation__"), read="duckdb")
    for table in tree.find_all(exp.Table):
        if table.name == "__relation__":
            table.replace(relation.copy())
    return tree.sql(adapter.dialect)


# --- loading the table with each engine's own client ------------------------------------
class Loaded:
    def __init__(self, name, adapter, relation: exp.Table):
        self.name, self.adapter, self.relation = name, adapter, relation


def _load_duckdb():
    from sqlmon.adapters.duckdb import DuckDBAdapter

    adapter = DuckDBAdapter({"type": "duckdb", "path": ":memory:"})
    adapter.connect()
    adapter.conn.execute("CREATE TABLE engine_t (id INTEGER, i INTEGER, d DOUBLE, s VARCHAR, "
                         "ts TIMESTAMPTZ, b BOOLEAN, dt DATE)")
    adapter.conn.executemany("INSERT INTO engine_t VALUES (?, ?, ?, ?, ?, ?, ?)", ROWS)
    return Loaded("duckdb", adapter, exp.to_table("engine_t")), adapter.close


_SCHEMAS = iter(range(1, 1000))


def _load_postgres():
    adapter = connected_adapter("postgres")
    schema = f"sqlmon_engine_{os.getpid()}_{next(_SCHEMAS)}"
    with adapter.write_connection() as conn:   # the adapter's own connection is read-only
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"CREATE TABLE {schema}.engine_t (id integer, i integer, d double precision, "
                     "s text, ts timestamptz, b boolean, dt date)")
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {schema}.engine_t VALUES (%s, %s, %s, %s, %s, %s, %s)", ROWS)

    def drop():
        with adapter.write_connection() as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    return Loaded("postgres", adapter, exp.to_table(f"{schema}.engine_t")), drop


def _load_spark(view: str = "sqlmon_engine_t"):
    adapter = connected_adapter("spark")
    schema = "id INT, i INT, d DOUBLE, s STRING, ts TIMESTAMP, b BOOLEAN, dt DATE"
    # localCheckpoint: the rows live in the JVM from here on, so the queries below start no
    # Python worker processes (a view over Python-side rows would, on every query).
    df = adapter.spark.createDataFrame(ROWS, schema).localCheckpoint()
    df.createOrReplaceTempView(view)

    def drop():
        adapter.spark.catalog.dropTempView(view)

    return Loaded("spark", adapter, exp.to_table(view)), drop


@pytest.fixture(scope="module", params=["duckdb", "postgres", "spark"])
def loaded(request):
    loaded, cleanup = {"duckdb": _load_duckdb, "postgres": _load_postgres,
                       "spark": _load_spark}[request.param]()
    yield loaded
    cleanup()


# --- the tests --------------------------------------------------------------------------
def test_columns_names_and_kinds(loaded):
    cols = loaded.adapter.columns(loaded.relation)
    assert [c.name for c in cols] == COLUMNS
    assert {c.name: c.kind for c in cols} == KINDS, [(c.name, c.type) for c in cols]
    assert all(c.type == c.type.upper() for c in cols)


def test_portable_aggregate_gives_the_same_numbers(loaded):
    sql = portable(AGGREGATE_SQL, loaded.adapter, loaded.relation)
    rows = loaded.adapter.execute(sql)
    assert len(rows) == 1
    got = dict(zip(EXPECTED, rows[0], strict=True))
    for key, want in EXPECTED.items():
        value = got[key]
        if isinstance(want, float):
            assert value == pytest.approx(want), (loaded.name, key, value, sql)
        elif isinstance(want, dt.datetime):
            assert isinstance(value, dt.datetime) and value.tzinfo is not None, (loaded.name, key, value)
            assert value == want, (loaded.name, key, value)
        else:
            assert value == want, (loaded.name, key, value, sql)
    if loaded.name != "duckdb":   # NUMERIC / DECIMAL sums come back as float from these adapters
        assert not any(isinstance(v, Decimal) for v in rows[0]), (loaded.name, rows[0])


def test_nan_and_infinity_survive_the_round_trip(loaded):
    if not loaded.adapter.has_nan:
        pytest.skip(f"{loaded.name} has no NaN")
    sql = portable("SELECT MAX(d), MIN(d) FROM {relation}", loaded.adapter, loaded.relation)
    (max_d, min_d), = loaded.adapter.execute(sql)
    assert math.isnan(max_d), (loaded.name, max_d)   # NaN is the largest value on every engine
    assert min_d == -INF, (loaded.name, min_d)


def test_histogram_query(loaded):
    rows = loaded.adapter.execute(portable(BINS_SQL, loaded.adapter, loaded.relation))
    assert sorted((str(b), int(n)) for b, n in rows) == EXPECTED_BINS


def test_bad_query_is_a_readable_warehouse_error(loaded):
    sql = portable("SELECT no_such_column FROM {relation}", loaded.adapter, loaded.relation)
    with pytest.raises(WarehouseError) as info:
        loaded.adapter.execute(sql)
    text = str(info.value)
    assert "no_such_column" in text
    assert len(text) < 600, text
    for noise in ("\tat ", "org.apache.spark", "Traceback", "JVM stacktrace", "py4j"):
        assert noise not in text, text
    # the adapter is still usable after a failed query (no aborted transaction left behind)
    assert loaded.adapter.execute(portable("SELECT COUNT(*) FROM {relation}",
                                           loaded.adapter, loaded.relation)) == [(6,)]


def test_unknown_relation_is_named(loaded):
    missing = exp.to_table("sqlmon_no_such_relation")
    with pytest.raises(WarehouseError, match="sqlmon_no_such_relation"):
        loaded.adapter.columns(missing)
    with pytest.raises(WarehouseError, match="sqlmon_no_such_relation"):
        loaded.adapter.execute(portable("SELECT COUNT(*) FROM {relation}", loaded.adapter, missing))


# --- PostgreSQL specifics ---------------------------------------------------------------
@pytest.fixture(scope="module")
def pg_loaded():
    loaded, cleanup = _load_postgres()
    yield loaded
    cleanup()


def test_postgres_monitoring_connection_is_read_only(pg_loaded):
    adapter, rel = pg_loaded.adapter, pg_loaded.relation.sql("postgres")
    for statement in (f"INSERT INTO {rel} (id) VALUES (99)",
                      f"CREATE TABLE {pg_loaded.relation.db}.sqlmon_written (x int)",
                      f"DELETE FROM {rel}"):
        with pytest.raises(WarehouseError, match="read-only"):
            adapter.execute(statement)
    assert adapter.execute(f"SELECT COUNT(*) FROM {rel}") == [(6,)]


def test_postgres_schema_sets_the_search_path(pg_loaded):
    from sqlmon.adapters import make_adapter

    target = dict(pg_loaded.adapter.target, schema=pg_loaded.relation.db, statement_timeout="1min")
    adapter = make_adapter(target)
    adapter.connect()
    try:
        assert [c.name for c in adapter.columns(exp.to_table("engine_t"))] == COLUMNS
        assert adapter.execute("SELECT COUNT(*) FROM engine_t") == [(6,)]
        assert adapter.execute("SHOW statement_timeout") == [("1min",)]
    finally:
        adapter.close()


def test_postgres_unreachable_server_names_host_and_port():
    pytest.importorskip("psycopg")
    from sqlmon.adapters import make_adapter

    adapter = make_adapter({"type": "postgres", "host": "127.0.0.1", "port": 1, "user": "x",
                            "dbname": "x", "connect_timeout": 5})
    with pytest.raises(WarehouseError, match="127.0.0.1:1") as info:
        adapter.connect()
    assert info.value.hint


# --- Spark specifics --------------------------------------------------------------------
def test_spark_parquet_relations(tmp_path):
    from sqlmon.adapters import make_adapter

    loaded, cleanup = _load_spark("sqlmon_engine_src")
    try:
        path = str(tmp_path / "engine_t.parquet")
        loaded.adapter.spark.table("sqlmon_engine_src").write.parquet(path)
        # a relation named by the profile's `parquet:` mapping (a temporary view) ...
        adapter = make_adapter(dict(loaded.adapter.target, parquet={"engine_pq": path}))
        adapter.connect()
        assert [c.name for c in adapter.columns(exp.to_table("engine_pq"))] == COLUMNS
        assert adapter.execute("SELECT COUNT(*), SUM(i) FROM engine_pq") == [(6, 16)]
        # ... and a Parquet path written in the relation itself: refused unless the target opts in
        # (spark.sql.runSQLOnFiles off: a query reads catalog tables only)
        direct = sqlglot.parse_one(f"SELECT * FROM parquet.`{path}`", read="spark").find(exp.Table)
        with pytest.raises(WarehouseError):
            adapter.columns(direct)
        with pytest.raises(WarehouseError):
            adapter.execute(f"SELECT COUNT(*) FROM engine_pq WHERE i IN (SELECT i FROM parquet.`{path}`)")
        opted = make_adapter(dict(loaded.adapter.target, allow_file_relations=True))
        opted.connect()
        assert {c.name: c.kind for c in opted.columns(direct)} == KINDS
        make_adapter(dict(loaded.adapter.target)).connect()          # the shared session back to the default
        with pytest.raises(WarehouseError, match="no_such.parquet"):
            make_adapter(dict(loaded.adapter.target,
                              parquet={"gone": str(tmp_path / "no_such.parquet")})).connect()
    finally:
        loaded.adapter.spark.catalog.dropTempView("engine_pq")
        cleanup()
