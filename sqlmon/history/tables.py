"""The history tables: columns, forward migrations, analysis views, and a run turned into rows.

One definition serves every backend. Columns are data (name, DuckDB type); DDL and views are
written once in DuckDB SQL and transpiled by sqlglot to the backend's dialect (Postgres), so no
backend carries its own copy of the schema. All times are naive UTC.

Tables (append-only; one run = rows in the first four, written in one transaction):
  runs          one row per run (invocation)
  results       one row per test per run (status, metric, thresholds, message, details JSON)
  measurements  every number in a result's details, flattened (name = key path), plus histogram
                bins (name 'histogram', `bin` = bin label, one row per window)
  baselines     reference profiles (drift): saved with every run, pinned by `sqlmon baseline`
  notifications one row per test a notification told a channel about (alert, repeat, recovery),
                delivered or not: a second, small write after the run's own (sqlmon.notify)
Views (analysis from SQL, e.g. Grafana / Metabase):
  sqlmon_latest_status            the latest result of every test (latest `as_of`, then latest run)
  sqlmon_failures_by_monitor_day  per monitor and day (of `as_of`): runs, tests, warn/fail/error counts
"""
from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import sqlglot

from sqlmon.redact import scrub
from sqlmon.results import clean
from sqlmon.version import __version__

if TYPE_CHECKING:
    from sqlmon.results import RunResult

TABLES: dict[str, list[tuple[str, str]]] = {
    "runs": [
        ("invocation_id", "VARCHAR"), ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"),
        ("as_of", "TIMESTAMP"), ("project", "VARCHAR"), ("target", "VARCHAR"), ("adapter", "VARCHAR"),
        ("n_pass", "INTEGER"), ("n_warn", "INTEGER"), ("n_fail", "INTEGER"), ("n_error", "INTEGER"),
        ("n_skipped", "INTEGER"), ("exit_code", "INTEGER"), ("sqlmon_version", "VARCHAR"), ("stage", "VARCHAR"),
    ],
    "results": [
        ("invocation_id", "VARCHAR"), ("as_of", "TIMESTAMP"), ("unique_id", "VARCHAR"), ("monitor", "VARCHAR"),
        ("column_name", "VARCHAR"), ("test_type", "VARCHAR"), ("name", "VARCHAR"), ("status", "VARCHAR"),
        ("severity", "VARCHAR"), ("metric", "DOUBLE"), ("warn_if", "VARCHAR"), ("error_if", "VARCHAR"),
        ("message", "VARCHAR"), ("details", "VARCHAR"), ("window_start", "TIMESTAMP"),
        ("window_end", "TIMESTAMP"), ("reference_start", "TIMESTAMP"), ("reference_end", "TIMESTAMP"),
        ("segment", "VARCHAR"), ("tags", "VARCHAR"), ("stage", "VARCHAR"),
    ],
    "measurements": [
        ("invocation_id", "VARCHAR"), ("as_of", "TIMESTAMP"), ("unique_id", "VARCHAR"), ("name", "VARCHAR"),
        ("window_name", "VARCHAR"), ("segment", "VARCHAR"), ("bin", "VARCHAR"), ("value", "DOUBLE"),
    ],
    "baselines": [
        ("monitor", "VARCHAR"), ("unique_id", "VARCHAR"), ("profile_key", "VARCHAR"), ("profile", "VARCHAR"),
        ("pinned", "BOOLEAN"), ("invocation_id", "VARCHAR"), ("created_at", "TIMESTAMP"),
    ],
    # `channel` is the channel's name, never its URL (a secret); `error` is redacted (sqlmon.redact)
    "notifications": [
        ("invocation_id", "VARCHAR"), ("as_of", "TIMESTAMP"), ("sent_at", "TIMESTAMP"), ("channel", "VARCHAR"),
        ("unique_id", "VARCHAR"), ("monitor", "VARCHAR"), ("event", "VARCHAR"), ("cause", "VARCHAR"),
        ("status", "VARCHAR"), ("metric", "DOUBLE"), ("delivered", "BOOLEAN"), ("attempts", "INTEGER"),
        ("error", "VARCHAR"), ("stage", "VARCHAR"),
    ],
}
# Columns a later migration added (ALTER TABLE ... ADD COLUMN puts them last, and the inserts are
# positional, so they are last above too); the migrations that created their tables leave them out.
_ADDED_LATER = {("runs", "stage"), ("results", "stage"), ("notifications", "stage")}
_STAGED_TABLES = ("runs", "results", "notifications")
# The tables of schema version 1: its migration below must keep creating exactly these.
_VERSION_1_TABLES = ("runs", "results", "measurements", "baselines")

VERSION_TABLE = "sqlmon_schema_version"

# Every relation sqlmon creates in its store (a PostgreSQL schema holding others is not sqlmon's).
def owned_relations() -> set[str]:
    return {*TABLES, *_VIEWS, VERSION_TABLE}


_VIEWS = {
    "sqlmon_latest_status": """
        SELECT unique_id, monitor, column_name, test_type, status, metric, warn_if, error_if, message,
               as_of, invocation_id, finished_at
        FROM (SELECT r.*, u.finished_at,
                     ROW_NUMBER() OVER (PARTITION BY r.unique_id, r.segment
                                        ORDER BY r.as_of DESC, u.finished_at DESC) AS rn
              FROM {s}results AS r JOIN {s}runs AS u ON u.invocation_id = r.invocation_id) AS t
        WHERE rn = 1""",
    "sqlmon_failures_by_monitor_day": """
        SELECT CAST(as_of AS DATE) AS day, monitor,
               COUNT(DISTINCT invocation_id) AS runs,
               COUNT(*) AS results,
               SUM(CASE WHEN status = 'warn' THEN 1 ELSE 0 END) AS warn,
               SUM(CASE WHEN status = 'fail' THEN 1 ELSE 0 END) AS fail,
               SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS error
        FROM {s}results
        GROUP BY CAST(as_of AS DATE), monitor""",
}


# The views as of schema version 4: a stage's results are a line of their own (README "Stages");
# `stage` is their last column (PostgreSQL replaces a view only by adding columns at its end).
_STAGE_AWARE_VIEWS = {
    "sqlmon_latest_status": """
        SELECT unique_id, monitor, column_name, test_type, status, metric, warn_if, error_if, message,
               as_of, invocation_id, finished_at, stage
        FROM (SELECT r.*, u.finished_at,
                     ROW_NUMBER() OVER (PARTITION BY r.unique_id, r.stage
                                        ORDER BY r.as_of DESC, u.finished_at DESC) AS rn
              FROM {s}results AS r JOIN {s}runs AS u ON u.invocation_id = r.invocation_id
              WHERE r.segment IS NULL) AS t
        WHERE rn = 1""",
    "sqlmon_failures_by_monitor_day": """
        SELECT CAST(as_of AS DATE) AS day, monitor,
               COUNT(DISTINCT invocation_id) AS runs,
               COUNT(*) AS results,
               SUM(CASE WHEN status = 'warn' THEN 1 ELSE 0 END) AS warn,
               SUM(CASE WHEN status = 'fail' THEN 1 ELSE 0 END) AS fail,
               SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS error,
               stage
        FROM {s}results
        WHERE segment IS NULL
        GROUP BY CAST(as_of AS DATE), monitor, stage""",
}


# The views as of schema version 3 (version 1's text above stays as shipped: migrations replay it).
_SEGMENT_AWARE_VIEWS = {
    "sqlmon_latest_status": _VIEWS["sqlmon_latest_status"].replace(
        "ON u.invocation_id = r.invocation_id) AS t", "ON u.invocation_id = r.invocation_id\n"
        "              WHERE r.segment IS NULL) AS t"),
    "sqlmon_failures_by_monitor_day": _VIEWS["sqlmon_failures_by_monitor_day"].replace(
        "FROM {s}results\n", "FROM {s}results\n        WHERE segment IS NULL\n"),
}


def _create_table(name: str) -> str:
    cols = ", ".join(f"{c} {t}" for c, t in TABLES[name] if (name, c) not in _ADDED_LATER)
    return f"CREATE TABLE IF NOT EXISTS {{s}}{name} ({cols})"


# Forward migrations: MIGRATIONS[i] brings a store from version i to i + 1. Never edit a shipped
# entry; append a new one (ALTER TABLE ... ADD COLUMN, CREATE VIEW ...). DuckDB SQL, `{s}` = schema.
MIGRATIONS: list[list[str]] = [
    [*(_create_table(t) for t in _VERSION_1_TABLES),
     *(f"CREATE OR REPLACE VIEW {{s}}{v} AS {sql}" for v, sql in _VIEWS.items())],
    # 2: what notifications delivered, so suppression and recoveries follow deliveries, not results
    [_create_table("notifications")],
    # 3: a segmented test also writes one row per judged segment (`segment` = its key): the views
    # show and count the tests' own rows
    [f"CREATE OR REPLACE VIEW {{s}}{v} AS {sql}" for v, sql in _SEGMENT_AWARE_VIEWS.items()],
    # 4: the stage of a run (--stage, README "Stages") on its run, its results and what its
    # notifications told: a stage's history is its own (anomaly baselines, the report, news)
    [*(f"ALTER TABLE {{s}}{t} ADD COLUMN stage VARCHAR" for t in _STAGED_TABLES),
     *(f"CREATE OR REPLACE VIEW {{s}}{v} AS {sql}" for v, sql in _STAGE_AWARE_VIEWS.items())],
]
SCHEMA_VERSION = len(MIGRATIONS)
STAGES_SINCE = 4       # the schema version whose runs, results and notifications have `stage`


def version_table_ddl() -> str:
    return f"CREATE TABLE IF NOT EXISTS {{s}}{VERSION_TABLE} (version INTEGER, applied_at TIMESTAMP, sqlmon_version VARCHAR)"


CANONICAL_DIALECT = "duckdb"      # the statements above are written in DuckDB's SQL


def statements(sqls: list[str], dialect: str, schema_prefix: str = "") -> list[str]:
    """Canonical (DuckDB) statements in `dialect`, tables prefixed with `schema_prefix`."""
    return [_transpile(sql, dialect, schema_prefix) for sql in sqls]


@functools.lru_cache(maxsize=512)
def _transpile(sql: str, dialect: str, schema_prefix: str) -> str:
    # The same few statements run every run (and 30 times in a backfill): parse each once, and
    # not at all for a store that speaks the canonical dialect (parsing them cost ~0.3 s a process).
    text = sql.replace("{s}", schema_prefix)
    if dialect == CANONICAL_DIALECT:
        return text
    return sqlglot.transpile(text, read=CANONICAL_DIALECT, write=dialect)[0]


# --- a run as rows ------------------------------------------------------------------------------

def naive_utc(value: Any) -> datetime | None:
    """Aware datetime or ISO text -> naive UTC (the stored form)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _json(value: Any) -> str | None:
    return None if value is None else scrub(json.dumps(clean(value), sort_keys=True))


MAX_MEASUREMENTS = 5000      # per result: details are summaries, not data; a cap keeps a runaway small


def run_rows(rr: "RunResult", project: str) -> dict[str, list[tuple]]:
    """Everything a run writes, by table, as tuples in `TABLES` column order."""
    counts = rr.by_status()
    as_of = naive_utc(rr.as_of)
    rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
    rows["runs"].append((rr.invocation_id, naive_utc(rr.started_at), naive_utc(rr.finished_at), as_of, project,
                         rr.target, rr.adapter, counts["pass"], counts["warn"], counts["fail"], counts["error"],
                         counts["skipped"], rr.exit_code, __version__, rr.stage))
    for r in rr.results:
        details = dict(r.details or {})
        profile = details.pop("profile", None)
        # dataset_drift: one baseline per column (each keyed by its column's definition key)
        per_column = details.pop("profiles", None) or []
        cur, ref = (r.windows or {}).get("current") or {}, (r.windows or {}).get("reference") or {}
        segment = _json(r.segment)
        # A segmented test's own row holds the OVERALL value (its metric may be its worst
        # segment's); each judged segment gets a row of its own below, so no line mixes segments.
        segmented = "segment_columns" in details
        metric = _finite(details.get("overall")) if segmented else _finite(r.metric)
        rows["results"].append((
            rr.invocation_id, as_of, r.unique_id, r.monitor, r.column, r.test_type, r.name, r.status, r.severity,
            metric, r.warn_if, r.error_if, scrub(r.message), _json(details), naive_utc(cur.get("start")),
            naive_utc(cur.get("end")), naive_utc(ref.get("start")), naive_utc(ref.get("end")), segment,
            _json(list(r.tags)), rr.stage))
        for n, (name, window, bin_, value) in enumerate(measurements(details)):
            if n >= MAX_MEASUREMENTS:
                break
            rows["measurements"].append((rr.invocation_id, as_of, r.unique_id, name, window, segment, bin_, value))
        for s in details.get("segments") or [] if segmented else []:
            rows["results"].append((
                rr.invocation_id, as_of, r.unique_id, r.monitor, r.column, r.test_type, r.name, s.get("status"),
                r.severity, _finite(s.get("metric")), r.warn_if, r.error_if, scrub(str(s.get("message") or "")),
                _json({"rows": s.get("rows")}), naive_utc(cur.get("start")), naive_utc(cur.get("end")),
                naive_utc(ref.get("start")), naive_utc(ref.get("end")), _json(s.get("segment")), _json(list(r.tags)),
                rr.stage))
        saved = [(details.get("profile_key"), profile)] + [(b.get("profile_key"), b.get("profile")) for b in per_column]
        for key, prof in saved:
            if isinstance(prof, dict) and key:
                rows["baselines"].append((r.monitor, r.unique_id, str(key), _json(prof), False,
                                          rr.invocation_id, naive_utc(rr.finished_at)))
    return rows


def notification_rows(deliveries: list[dict[str, Any]]) -> list[tuple]:
    """Delivery records (dicts keyed by the `notifications` columns) -> rows in column order, times
    as naive UTC, a non-finite metric as NULL, the error text scrubbed of secret values."""
    rows = []
    for d in deliveries:
        d = {**d, "as_of": naive_utc(d.get("as_of")), "sent_at": naive_utc(d.get("sent_at")),
             "error": scrub(d["error"]) if d.get("error") else None,
             "metric": d["metric"] if _is_finite(d.get("metric")) else None}
        rows.append(tuple(d.get(col) for col, _ in TABLES["notifications"]))
    return rows


WINDOWS = ("current", "reference")


def measurements(details: dict[str, Any]) -> Iterator[tuple[str, str, str | None, float]]:
    """(name, window, bin, value) for every finite number in `details`, and each histogram bin.

    The window is the first path part naming one (`current`, `reference_details`, ...), else
    `current`. `details["histogram"] = {"bins": [...], "reference": [...], "current": [...]}`
    becomes one row per bin and window under the name `histogram`.

    >>> list(measurements({"rows": 3, "current_details": {"rows": 4}, "ok": True, "note": "x"}))
    [('rows', 'current', None, 3.0), ('current_details.rows', 'current', None, 4.0)]
    >>> list(measurements({"histogram": {"bins": ["a", "b"], "current": [1, 2]}}))
    [('histogram', 'current', 'a', 1.0), ('histogram', 'current', 'b', 2.0)]
    """
    hist = details.get("histogram")
    if isinstance(hist, dict) and isinstance(hist.get("bins"), list):
        for window in WINDOWS:
            counts = hist.get(window)
            if isinstance(counts, list):
                for label, value in zip(hist["bins"], counts):
                    if _is_finite(value):
                        yield "histogram", window, str(label), float(value)
    for path, value in _flatten(details, ()):
        # evidence is user data, not measures; segments have rows of their own (run_rows)
        if path[0] in ("histogram", "profile", "profiles", "evidence", "segments"):
            continue
        window = next((w for p in path for w in WINDOWS if str(p).startswith(w)), "current")
        yield ".".join(map(str, path)), window, None, float(value)


def _flatten(value: Any, path: tuple) -> Iterator[tuple[tuple, float]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, (*path, k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _flatten(v, (*path, i))
    elif _is_finite(value) and path:
        yield path, value


def _is_finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _finite(value: Any) -> float | None:
    return float(value) if _is_finite(value) else None
